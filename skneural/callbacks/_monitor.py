"""Shared logic of callbacks that watch one metric of the history."""

import math
import warnings
from numbers import Real

from sklearn.metrics import get_scorer_names

from ..utils._sklearn_compat import Interval, StrOptions
from ._base import Callback

# The direction of every metric "auto" mode knows, by name without its
# ``train_``/``valid_`` prefix. scikit-learn's scorer names are added below:
# scorers are all "greater is better" (hence ``neg_mean_squared_error``).
_LOWER_IS_BETTER = {
    "loss", "error", "log_loss", "cross_entropy", "nll", "brier_score", "hinge_loss",
    "zero_one_loss", "hamming_loss", "mae", "mse", "rmse", "msle", "rmsle", "mape",
    "max_error", "mean_absolute_error", "mean_squared_error", "root_mean_squared_error",
    "mean_squared_log_error", "root_mean_squared_log_error", "median_absolute_error",
    "mean_absolute_percentage_error", "mean_pinball_loss", "mean_poisson_deviance",
    "mean_gamma_deviance", "mean_tweedie_deviance",
}  # fmt: skip
_HIGHER_IS_BETTER = {
    "accuracy", "balanced_accuracy", "top_k_accuracy", "r2", "explained_variance",
    "auc", "roc_auc", "pr_auc", "average_precision", "f1", "precision", "recall",
    "jaccard", "matthews_corrcoef", "mcc", "cohen_kappa", "d2_absolute_error_score",
}  # fmt: skip
METRIC_DIRECTIONS = {
    **dict.fromkeys(_LOWER_IS_BETTER, "min"),
    **dict.fromkeys(get_scorer_names(), "max"),
    **dict.fromkeys(_HIGHER_IS_BETTER, "max"),
}
_SPLIT_PREFIXES = ("train_", "valid_")


def metric_direction(monitor: str, owner: str = "mode='auto'") -> str:
    """``"min"`` or ``"max"``: how ``"auto"`` mode optimises ``monitor``.

    The direction comes from :data:`METRIC_DIRECTIONS`, looked up by the
    metric's name without its ``train_`` or ``valid_`` prefix (``valid_mae``
    is minimised, ``valid_neg_log_loss`` and ``valid_r2`` are maximised). A
    name not in the table is a ``ValueError`` asking for an explicit mode,
    never a guess.
    """
    name = monitor
    for prefix in _SPLIT_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    if name not in METRIC_DIRECTIONS:
        raise ValueError(
            f"{owner} cannot tell whether {monitor!r} is better lower or higher: it is "
            "not a metric skneural knows. Pass mode='min' or mode='max'."
        )
    return METRIC_DIRECTIONS[name]


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
        Whether lower or higher is better; ``"auto"`` looks the metric up in a
        table of known metrics (losses and errors such as ``valid_mae`` are
        minimised; ``valid_accuracy``, ``valid_r2`` and every scikit-learn
        scorer name, ``neg_*`` included, are maximised) and raises a
        ``ValueError`` for a metric it does not know.
    min_delta : float, default=0.0
        Smallest change that counts as an improvement.
    relative_delta : float in [0, 1), default=0.0
        Smallest change that counts as an improvement, as a fraction of the
        best value's magnitude: a new value must beat the best by more than
        both ``min_delta`` and ``relative_delta * |best|``. A scale-free
        threshold: 1e-4 of a loss near 1 is noise that an absolute
        ``min_delta`` of 1e-4 still counts.

    Attributes
    ----------
    monitor_ : str
        The metric actually monitored in the last fit.
    best_ : float
        Best value seen.
    best_epoch_ : int or None
        Epoch (from 1) that produced it.
    """

    _parameter_constraints: dict = {
        "monitor": [str],
        "mode": [StrOptions({"auto", "min", "max"})],
        "min_delta": [Interval(Real, 0, None, closed="left")],
        "relative_delta": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(self, monitor="valid_loss", mode="auto", min_delta=0.0, relative_delta=0.0):
        self.monitor = monitor
        self.mode = mode
        self.min_delta = min_delta
        self.relative_delta = relative_delta

    def __setstate__(self, state):
        # Callbacks pickled before ``relative_delta`` existed (skneural of
        # 2026-12-01 and earlier) keep the behaviour they were saved with.
        state.setdefault("relative_delta", 0.0)
        super().__setstate__(state)

    def _reset_monitor(self, monitor: str) -> None:
        """Start tracking ``monitor`` from scratch."""
        self.monitor_ = monitor
        if self.mode == "auto":
            self.mode_ = metric_direction(monitor, type(self).__name__)
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
        delta = self.min_delta
        if math.isfinite(self.best_):
            delta = max(delta, self.relative_delta * abs(self.best_))
        if self.mode_ == "min":
            return value < self.best_ - delta
        return value > self.best_ + delta

    def _monitor_for(self, trainer) -> str:
        """The metric to monitor in this fit, falling back to the training loss
        (with a warning) when a ``valid_*`` metric is asked for but the fit has
        no validation data."""
        return resolve_monitor(self.monitor, trainer, type(self).__name__)
