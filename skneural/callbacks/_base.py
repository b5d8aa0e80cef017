"""The callback protocol of the training loop."""

from sklearn.base import BaseEstimator


class Callback(BaseEstimator):
    """Base class of every skneural callback.

    A callback observes the training loop through hooks. Each hook receives
    the running :class:`~skneural.training.Trainer` and keyword arguments; a
    hook must accept ``**kwargs`` so that arguments added in later versions
    never break it.

    What a callback may read: ``trainer.module``, ``trainer.optimizer``,
    ``trainer.history``, ``trainer.epoch`` (epochs recorded so far),
    ``trainer.n_epochs`` (epochs requested by this fit),
    ``trainer.batches_per_epoch``, ``trainer.has_validation``, ``trainer.device``.
    What it may change: the module's weights and the optimizer's state
    (learning rate, ...), and ``trainer.should_stop`` (set it to ``True`` to end
    training after the current epoch or batch). Callbacks never see or change the
    estimator's parameters.

    Callbacks are scikit-learn estimators for their settings only: their
    constructor parameters appear in ``get_params`` (so a search can tune
    ``callbacks`` entries) and each fit works on a fresh deep copy, so no state
    leaks between fits, clones or parallel workers.

    Hooks, in the order they run:

    - ``on_train_begin(trainer)``
    - ``on_epoch_begin(trainer, epoch)``
    - ``on_batch_begin(trainer, batch)``, ``on_after_backward(trainer, batch)``
      (gradients are computed, the optimizer has not stepped yet: the place to
      clip or inspect gradients) and ``on_batch_end(trainer, batch, loss)``;
      batch hooks are only called when overridden, so the hot loop pays
      nothing otherwise
    - ``on_epoch_end(trainer, epoch, logs)``: ``logs`` is this epoch's history row;
      add entries to it to record your own metrics
    - ``on_train_end(trainer)``: always runs, also after an interruption or error,
      including one raised by another callback's ``on_train_begin``; release
      resources here, checking that they were created
    """

    def on_train_begin(self, trainer, **kwargs):
        """Run once before the first epoch."""

    def on_epoch_begin(self, trainer, epoch, **kwargs):
        """Run at the start of each epoch (``epoch`` counts from 1)."""

    def on_batch_begin(self, trainer, batch, **kwargs):
        """Run before each optimisation step."""

    def on_after_backward(self, trainer, batch, **kwargs):
        """Run between ``loss.backward()`` and ``optimizer.step()``."""

    def on_batch_end(self, trainer, batch, loss, **kwargs):
        """Run after each optimisation step; ``loss`` is the batch loss tensor."""

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        """Run after each epoch, once its metrics are in ``logs``."""

    def on_train_end(self, trainer, **kwargs):
        """Run once when training ends, however it ends."""


def overrides(callback: Callback, hook: str) -> bool:
    """Whether ``callback`` implements ``hook`` itself rather than inheriting the no-op."""
    return getattr(type(callback), hook) is not getattr(Callback, hook)
