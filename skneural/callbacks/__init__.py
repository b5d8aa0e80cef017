"""Callbacks that observe and steer the training loop."""

from ._base import Callback
from ._checkpoint import Checkpoint
from ._early_stopping import EarlyStopping
from ._monitor import MonitorCallback

__all__ = ["Callback", "Checkpoint", "EarlyStopping", "MonitorCallback"]
