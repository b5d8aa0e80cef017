"""Report epochs to scikit-learn's callback API (scikit-learn >= 1.9)."""

from ._base import Callback


class SklearnEpochTasks(Callback):
    """Make each epoch a task of scikit-learn's callback API.

    Added by the estimators to a fit only when scikit-learn callbacks (for
    example ``sklearn.callback.ProgressBar``) are set on the estimator or
    propagated to it from a meta-estimator such as ``GridSearchCV``. Every
    epoch opens a sub-task of the fit's task; when a callback asks to stop at
    the end of an epoch, training stops. It carries no training state: it is
    left out of checkpoints and of ``callbacks_``.

    Parameters
    ----------
    context : sklearn.callback.CallbackContext
        The task of the estimator's fit.
    estimator : estimator
        The estimator being fitted, passed on to the callbacks.
    """

    _transient = True

    def __init__(self, context, estimator):
        self.context = context
        self.estimator = estimator

    def on_epoch_begin(self, trainer, epoch, **kwargs):
        self._task = self.context.subcontext(task_name="epoch")
        self._task.call_on_fit_task_begin(estimator=self.estimator)

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        stop = self._task.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=lambda: {"module_": trainer.module},
        )
        if stop:
            trainer.should_stop = True
