"""Stop training when a monitored metric stops improving."""

import copy
import math
from numbers import Integral, Real

from ..utils._sklearn_compat import Interval, Options
from ._monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs.

    Training ends by setting ``trainer.should_stop``; nothing is raised, so a
    real ``Ctrl-C`` is never confused with early stopping.

    Parameters
    ----------
    monitor : str, default="valid_loss"
        History column to watch. When the fit has no validation split, a
        ``valid_*`` monitor falls back to ``"train_loss"`` with a warning.
    mode : {"auto", "min", "max"}, default="auto"
        See :class:`~skneural.callbacks.MonitorCallback`.
    patience : int or math.inf, default=10
        Epochs without improvement before stopping.
    min_delta : float, default=0.0
        Smallest change that counts as an improvement.
    relative_delta : float in [0, 1), default=0.0
        Smallest change that counts, as a fraction of the best value's
        magnitude (an improvement must exceed both thresholds).
    restore_best_weights : bool, default=True
        At the end of training, load the weights of the best epoch.

    Attributes
    ----------
    monitor_ : str
        The metric actually monitored.
    best_ : float
        Best value seen.
    best_epoch_ : int or None
        Epoch (from 1) that produced it.
    stopped_epoch_ : int or None
        Epoch after which training stopped early, or ``None``.

    Examples
    --------
    >>> from skneural import NeuralRegressor
    >>> from skneural.callbacks import EarlyStopping
    >>> reg = NeuralRegressor(early_stopping=False,
    ...                       callbacks=[EarlyStopping(patience=3)])
    """

    _parameter_constraints: dict = {
        **MonitorCallback._parameter_constraints,
        "patience": [Interval(Integral, 1, None, closed="left"), Options(Real, {math.inf})],
        "restore_best_weights": ["boolean"],
    }

    def __init__(
        self,
        monitor="valid_loss",
        mode="auto",
        patience=10,
        min_delta=0.0,
        restore_best_weights=True,
        relative_delta=0.0,
    ):
        super().__init__(
            monitor=monitor, mode=mode, min_delta=min_delta, relative_delta=relative_delta
        )
        self.patience = patience
        self.restore_best_weights = restore_best_weights

    _monitor_state = (*MonitorCallback._monitor_state, "wait_", "stopped_epoch_", "_best_state")

    def on_train_begin(self, trainer, **kwargs):
        self._reset_monitor(self._monitor_for(trainer))
        self.wait_ = 0
        self.stopped_epoch_ = None
        self._best_state = None

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        value = self._current_value(logs)
        if self._is_improvement(value):
            self.best_, self.best_epoch_, self.wait_ = value, epoch, 0
            if self.restore_best_weights:
                self._best_state = copy.deepcopy(trainer.module.state_dict())
            return
        self.wait_ += 1
        if self.wait_ >= self.patience:
            self.stopped_epoch_ = epoch
            trainer.should_stop = True

    def on_train_end(self, trainer, **kwargs):
        if self.restore_best_weights and getattr(self, "_best_state", None) is not None:
            trainer.module.load_state_dict(self._best_state)
        self._best_state = None
