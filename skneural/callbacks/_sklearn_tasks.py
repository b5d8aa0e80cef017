"""Report fits and their epochs to scikit-learn's callback API (scikit-learn >= 1.9)."""

from ._base import Callback


class SklearnFitTask:
    """One fit as a task of scikit-learn's callback API.

    Holds the task's context and the data of the fit, as the user passed
    them to ``fit``, so that callbacks which score the model (such as
    ``sklearn.callback.ScoringMonitor``) can do so at the end of every epoch
    and of the fit.

    Parameters
    ----------
    context : sklearn.callback.CallbackContext
        The task of the estimator's fit.
    estimator : estimator
        The estimator being fitted, passed on to the callbacks.
    X, y : array-like
        The arguments of ``fit``.
    sample_weight : array-like or None
        Passed to the callbacks as ``metadata``.
    """

    def __init__(self, context, estimator, X, y, sample_weight=None):
        self.context = context
        self.estimator = estimator
        self.X, self.y = X, y
        self.metadata = None if sample_weight is None else {"sample_weight": sample_weight}

    def _data(self) -> dict:
        return {"estimator": self.estimator, "X": self.X, "y": self.y, "metadata": self.metadata}

    def begin(self) -> "SklearnFitTask":
        """Tell the callbacks that the fit begins."""
        self.context.call_on_fit_task_begin(**self._data())
        return self

    def end(self) -> None:
        """Tell the callbacks that the fit ended; the estimator is fitted."""
        self.context.call_on_fit_task_end(**self._data(), reconstruction_attributes={})


class SklearnEpochTasks(Callback):
    """Make each epoch a task of scikit-learn's callback API.

    Added by the estimators to a fit only when scikit-learn callbacks (for
    example ``sklearn.callback.ProgressBar``) are set on the estimator or
    propagated to it from a meta-estimator such as ``GridSearchCV``. Every
    epoch opens a sub-task of the fit's task; at its end the callbacks
    receive the fit's data and, when they ask for it, a copy of the estimator
    that predicts with the weights of that epoch. When a callback asks to
    stop at the end of an epoch, training stops. It carries no training
    state: it is left out of checkpoints and of ``callbacks_``.

    Parameters
    ----------
    fit_task : SklearnFitTask
        The task of the estimator's fit.
    """

    _transient = True

    def __init__(self, fit_task):
        self.fit_task = fit_task

    def on_epoch_begin(self, trainer, epoch, **kwargs):
        self._task = self.fit_task.context.subcontext(task_name="epoch")
        self._task.call_on_fit_task_begin(**self.fit_task._data())

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        stop = self._task.call_on_fit_task_end(
            **self.fit_task._data(),
            reconstruction_attributes=lambda: {"module_": trainer.module, "n_iter_": epoch},
        )
        if stop:
            trainer.should_stop = True
