"""Report each epoch's validation metric to an Optuna trial and stop when pruned."""

import copy

from ..callbacks import MonitorCallback
from ..utils._sklearn_compat import HasMethods


class OptunaPruningCallback(MonitorCallback):
    """Let an Optuna pruner stop a fit epoch by epoch.

    After every epoch the monitored history column is reported to ``trial``
    (``trial.report(value, step=epoch)``); when ``trial.should_prune()``
    says so, training stops after that epoch (``trial`` is not told anything
    else: deciding the trial's state is the caller's job, see below).

    The value is reported so that it improves in the direction of the
    trial's study: a loss is negated for a study that maximises a score.

    The trial is shared, never copied: clones and the per-fit copies of this
    callback report to the same trial. Sending it to another process only
    works with a database storage (``optuna.storages.RDBStorage``).

    Parameters
    ----------
    trial : optuna.trial.Trial
        The trial to report to.
    monitor : str, default="valid_loss"
        History column to report (``"valid_accuracy"``, ``"train_loss"``,
        ...). A ``valid_*`` column falls back to ``"train_loss"`` when the fit
        has no validation data.
    mode : {"auto", "min", "max"}, default="auto"
        Whether lower or higher values of ``monitor`` are better; ``"auto"``
        looks the metric up as :class:`~skneural.callbacks.MonitorCallback`
        does and raises for one it does not know.

    Attributes
    ----------
    pruned_epoch_ : int or None
        Epoch after which the pruner stopped the fit, or ``None``.

    Examples
    --------
    In a hand-written objective, prune and tell Optuna so:

    >>> import optuna  # doctest: +SKIP
    >>> def objective(trial):  # doctest: +SKIP
    ...     clf = NeuralClassifier(
    ...         lr=trial.suggest_float("lr", 1e-4, 1e-1, log=True),
    ...         callbacks=[OptunaPruningCallback(trial)],
    ...     ).fit(X_train, y_train)
    ...     if clf.callbacks_[0].pruned_epoch_ is not None:
    ...         raise optuna.TrialPruned()
    ...     return clf.score(X_valid, y_valid)
    """

    _parameter_constraints: dict = {
        **MonitorCallback._parameter_constraints,
        "trial": [HasMethods(["report", "should_prune"])],
    }

    _observer_params = ("trial",)

    def __init__(self, trial, monitor="valid_loss", mode="auto"):
        super().__init__(monitor=monitor, mode=mode)
        self.trial = trial

    def __sklearn_clone__(self):
        return type(self)(self.trial, monitor=self.monitor, mode=self.mode)

    def __deepcopy__(self, memo):
        clone = type(self).__new__(type(self))
        clone.__dict__ = {
            key: value if key == "trial" else copy.deepcopy(value, memo)
            for key, value in self.__dict__.items()
        }
        return clone

    def __getstate__(self):
        storage = getattr(self.trial.study, "_storage", None)
        if type(storage).__name__ == "InMemoryStorage":
            raise TypeError(
                "OptunaPruningCallback cannot be sent to another process when its study "
                "keeps trials in memory: the copy would report to a detached study. Create "
                "the study with a database storage (e.g. storage='sqlite:///study.db') or "
                "run the fit in this process."
            )
        return super().__getstate__()

    def on_train_begin(self, trainer, **kwargs):
        self._reset_monitor(self._monitor_for(trainer))
        self.pruned_epoch_ = None
        maximize = self.trial.study.direction.name == "MAXIMIZE"
        self._sign = 1.0 if (self.mode_ == "max") == maximize else -1.0

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        self.trial.report(self._sign * self._current_value(logs), step=epoch)
        if self.trial.should_prune():
            self.pruned_epoch_ = epoch
            trainer.should_stop = True
