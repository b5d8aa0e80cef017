"""The training engine: tensors, the epoch loop, losses, optimizers, devices.

Public are :class:`Trainer` (what callbacks receive) and :class:`History`
(what ``history_`` holds); the rest is the estimators' machinery, in the
private submodules.
"""

from ._history import History
from ._trainer import Trainer

__all__ = ["History", "Trainer"]
