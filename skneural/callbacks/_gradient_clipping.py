"""Clip gradients between the backward pass and the optimizer step."""

from numbers import Real

import torch

from ..utils._sklearn_compat import Interval
from ._base import Callback


class GradientClipping(Callback):
    """Clip the gradients of every parameter before each optimizer step.

    Parameters
    ----------
    max_norm : float, default=None
        Rescale the gradients so that their total ``norm_type``-norm (over all
        parameters together) is at most ``max_norm``.
    max_value : float, default=None
        Clamp every gradient entry to ``[-max_value, max_value]``. When both
        limits are set, values are clamped first, then the norm is limited.
    norm_type : float, default=2.0
        Order of the norm used by ``max_norm`` (``float("inf")`` for the max
        norm).

    Examples
    --------
    >>> from skneural import NeuralClassifier
    >>> from skneural.callbacks import GradientClipping
    >>> clf = NeuralClassifier(callbacks=[GradientClipping(max_norm=1.0)])
    """

    _parameter_constraints: dict = {
        "max_norm": [Interval(Real, 0, None, closed="neither"), None],
        "max_value": [Interval(Real, 0, None, closed="neither"), None],
        "norm_type": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, max_norm=None, max_value=None, norm_type=2.0):
        self.max_norm = max_norm
        self.max_value = max_value
        self.norm_type = norm_type

    def on_train_begin(self, trainer, **kwargs):
        if self.max_norm is None and self.max_value is None:
            raise ValueError("GradientClipping needs max_norm, max_value or both; got neither.")
        self._parameters = [p for p in trainer.module.parameters() if p.requires_grad]

    def on_after_backward(self, trainer, batch, **kwargs):
        if self.max_value is not None:
            torch.nn.utils.clip_grad_value_(self._parameters, self.max_value)
        if self.max_norm is not None:
            torch.nn.utils.clip_grad_norm_(
                self._parameters, self.max_norm, norm_type=self.norm_type
            )

    def on_train_end(self, trainer, **kwargs):
        self._parameters = None
