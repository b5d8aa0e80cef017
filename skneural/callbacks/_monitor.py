"""Shared logic of callbacks that watch one metric of the history."""

import math
import warnings

from ._base import Callback


def lower_is_better(monitor: str) -> bool:
    """Whether ``"auto"`` mode minimises ``monitor`` (names with "loss" or "error")."""
    return "loss" in monitor or "error" in monitor


def resolve_monitor(monitor: str, trainer, owner: str) -> str:
    """The metric to monitor in this fit.

    A ``valid_*`` metric falls back to ``"train_loss"``, with a warning naming
    ``owner``, when the fit has no validation data.
    """
    if monitor.startswith("valid_") and not trainer.has_validation:
        warnings.warn(
            f"{owner} monitors {monitor!r} but this fit has no validation data; "
            "monitoring 'train_loss' instead.",
            UserWarning,
            stacklevel=4,
        )
        return "train_loss"
    return monitor


def monitored_value(logs, monitor: str, owner: str) -> float:
    """The value of ``monitor`` in this epoch's ``logs``; a clear error if absent."""
    if monitor not in logs:
        available = sorted(k for k in logs if k != "epoch")
        raise ValueError(
            f"{owner} monitors {monitor!r}, which is not in the training history; "
            f"available metrics: {available}."
        )
    return float(logs[monitor])


class MonitorCallback(Callback):
    """Base of callbacks that track whether a monitored metric improves.

    Parameters
    ----------
    monitor : str, default="valid_loss"
        Name of a history column, e.g. ``"valid_loss"``, ``"train_loss"`` or
        ``"valid_accuracy"``.
    mode : {"auto", "min", "max"}, default="auto"
        Whether lower or higher is better; ``"auto"`` picks ``"min"`` for names
        containing ``"loss"`` or ``"error"`` and ``"max"`` otherwise.
    min_delta : float, default=0.0
        Smallest change that counts as an improvement.

    Attributes
    ----------
    monitor_ : str
        The metric actually monitored in the last fit.
    best_ : float
        Best value seen.
    best_epoch_ : int or None
        Epoch (from 1) that produced it.
    """

    def __init__(self, monitor="valid_loss", mode="auto", min_delta=0.0):
        self.monitor = monitor
        self.mode = mode
        self.min_delta = min_delta

    def _reset_monitor(self, monitor: str) -> None:
        """Start tracking ``monitor`` from scratch."""
        if self.mode not in ("auto", "min", "max"):
            raise ValueError(f"mode must be 'auto', 'min' or 'max', got {self.mode!r}.")
        self.monitor_ = monitor
        if self.mode == "auto":
            self.mode_ = "min" if lower_is_better(monitor) else "max"
        else:
            self.mode_ = self.mode
        self.best_ = math.inf if self.mode_ == "min" else -math.inf
        self.best_epoch_ = None

    _monitor_state = ("monitor_", "mode_", "best_", "best_epoch_")

    def state_dict(self) -> dict:
        return {name: getattr(self, name) for name in self._monitor_state if hasattr(self, name)}

    def load_state_dict(self, state: dict) -> None:
        for name, value in state.items():
            setattr(self, name, value)

    def _current_value(self, logs) -> float:
        """The monitored value in this epoch's ``logs``; a clear error if absent."""
        return monitored_value(logs, self.monitor_, type(self).__name__)

    def _is_improvement(self, value: float) -> bool:
        if math.isnan(value):
            return False
        if self.mode_ == "min":
            return value < self.best_ - self.min_delta
        return value > self.best_ + self.min_delta

    def _monitor_for(self, trainer) -> str:
        """The metric to monitor in this fit, falling back to the training loss
        (with a warning) when a ``valid_*`` metric is asked for but the fit has
        no validation data."""
        return resolve_monitor(self.monitor, trainer, type(self).__name__)
