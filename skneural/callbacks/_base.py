"""The callback protocol of the training loop."""

from sklearn.base import BaseEstimator

from ..utils._sklearn_compat import validate_parameter_constraints


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
    - ``on_validation_begin(trainer, epoch)``: the epoch's optimisation steps
      are over (all of them, or fewer when a callback stopped the epoch); the
      weights the network holds now are the ones validated, monitored,
      checkpointed and, after the last epoch, kept. Runs every epoch, also
      without validation data
    - ``on_validation_end(trainer, epoch, logs)``: the validation metrics
      (``valid_loss``, ...) are in ``logs`` when the fit has validation data
    - ``on_epoch_end(trainer, epoch, logs)``: ``logs`` is this epoch's history row;
      add entries to it to record your own metrics
    - ``on_exception(trainer, exception)``: an exception (``KeyboardInterrupt``
      included) escaped the loop or a hook; it propagates after this hook
    - ``on_train_end(trainer)``: always runs, also after an interruption or error,
      including one raised by another callback's ``on_train_begin``; release
      resources here, checking that they were created

    Like the batch hooks, ``on_validation_begin``, ``on_validation_end`` and
    ``on_exception`` are only called on callbacks that override them.

    A callback whose behaviour depends on what it saw in earlier epochs
    implements ``state_dict()`` and ``load_state_dict(state)`` (tensors and plain
    Python values only), so that :class:`~skneural.callbacks.Checkpoint` can
    save it and a resumed fit continues exactly where it stopped.

    Settings are checked like a scikit-learn estimator's: a class attribute
    ``_parameter_constraints`` maps each constructor parameter to its allowed
    values (``Interval``, ``StrOptions``, types, ``None``, ... from
    :mod:`sklearn.utils._param_validation`), and the estimator validates every
    callback against it when ``fit`` starts, before any data is touched. What
    the table cannot express (one setting that needs another) is checked in
    ``on_train_begin``.
    """

    _runs_last = False
    _parameter_constraints: dict = {}
    # A callback that only observes (progress, logging) never changes what the
    # network learns and holds no state: it is no part of the run identity
    # (adding one still resumes a checkpointed fit) nor of checkpoints.
    _observes_only = False
    # Settings of a callback that never change the training (where files go,
    # how often they are written): left out of the run identity.
    _observer_params: tuple = ()
    # A callback that sets the optimizer's learning rate over the fit: the
    # estimators then add no schedule of their own (the cosine of lr="auto"
    # for sequence modules).
    _schedules_lr = False

    def _identity(self):
        """How this callback shapes the training: its class and the settings
        that matter, or ``None`` when it only observes (see
        :func:`skneural.training._run_identity.describe`)."""
        if self._observes_only:
            return None
        params = self.get_params(deep=False)
        return {
            "class": f"{type(self).__module__}.{type(self).__qualname__}",
            "params": {k: v for k, v in params.items() if k not in self._observer_params},
        }

    def _validate_params(self) -> None:
        """Check the settings against ``_parameter_constraints``; an
        ``InvalidParameterError`` names the callback and the parameter."""
        validate_parameter_constraints(
            self._parameter_constraints, self.get_params(deep=False), type(self).__name__
        )

    def on_train_begin(self, trainer, **kwargs):
        """Run once before the first epoch.

        Parameters
        ----------
        trainer : skneural.training.Trainer
            The running training loop.
        **kwargs : dict
            Arguments added in later versions; accept and ignore them.
        """

    def on_epoch_begin(self, trainer, epoch, **kwargs):
        """Run at the start of each epoch.

        Parameters
        ----------
        trainer : skneural.training.Trainer
            The running training loop.
        epoch : int
            The epoch about to run, counted from 1 (and across ``warm_start``
            fits).
        **kwargs : dict
            Arguments added in later versions; accept and ignore them.
        """

    def on_batch_begin(self, trainer, batch, **kwargs):
        """Run before each optimisation step.

        Parameters
        ----------
        trainer : skneural.training.Trainer
            The running training loop.
        batch : int
            Index of the mini-batch within the epoch, from 0.
        **kwargs : dict
            Arguments added in later versions; accept and ignore them.
        """

    def on_after_backward(self, trainer, batch, **kwargs):
        """Run between ``loss.backward()`` and ``optimizer.step()``.

        Parameters
        ----------
        trainer : skneural.training.Trainer
            The running training loop.
        batch : int
            Index of the mini-batch within the epoch, from 0.
        **kwargs : dict
            Arguments added in later versions; accept and ignore them.
        """

    def on_batch_end(self, trainer, batch, loss, **kwargs):
        """Run after each optimisation step.

        Parameters
        ----------
        trainer : skneural.training.Trainer
            The running training loop.
        batch : int
            Index of the mini-batch within the epoch, from 0.
        loss : torch.Tensor
            The (weighted) mean loss of the batch, a scalar tensor.
        **kwargs : dict
            Arguments added in later versions; accept and ignore them.
        """

    def on_validation_begin(self, trainer, epoch, **kwargs):
        """Run after the epoch's last optimisation step, before validation.

        Called every epoch, with or without validation data, also when a
        callback ended the epoch early: the place to put in the weights to
        evaluate (and keep, after the last epoch), e.g. averaged weights.

        Parameters
        ----------
        trainer : skneural.training.Trainer
            The running training loop.
        epoch : int
            The epoch whose training steps ended, counted from 1.
        **kwargs : dict
            Arguments added in later versions; accept and ignore them.
        """

    def on_validation_end(self, trainer, epoch, logs, **kwargs):
        """Run after the validation pass of each epoch.

        Parameters
        ----------
        trainer : skneural.training.Trainer
            The running training loop.
        epoch : int
            The epoch, counted from 1.
        logs : dict
            This epoch's history row so far: ``train_loss`` and, when the fit
            has validation data, ``valid_loss`` and the validation metrics.
        **kwargs : dict
            Arguments added in later versions; accept and ignore them.
        """

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        """Run after each epoch, once its metrics are in ``logs``.

        Parameters
        ----------
        trainer : skneural.training.Trainer
            The running training loop.
        epoch : int
            The epoch that ended, counted from 1.
        logs : dict
            This epoch's history row (``train_loss``, ``valid_loss``, ...);
            entries added here are recorded in the history.
        **kwargs : dict
            Arguments added in later versions; accept and ignore them.
        """

    def on_exception(self, trainer, exception, **kwargs):
        """Run when an exception ends training, before it propagates.

        Called for errors raised by the loop or by any hook (``on_train_begin``
        included) and for ``KeyboardInterrupt``; ``on_train_end`` follows.
        Record how training ended here (e.g. mark a logged run as failed);
        do not raise.

        Parameters
        ----------
        trainer : skneural.training.Trainer
            The running training loop.
        exception : BaseException
            The exception that ended training.
        **kwargs : dict
            Arguments added in later versions; accept and ignore them.
        """

    def on_train_end(self, trainer, **kwargs):
        """Run once when training ends, however it ends.

        Parameters
        ----------
        trainer : skneural.training.Trainer
            The running training loop.
        **kwargs : dict
            Arguments added in later versions; accept and ignore them.
        """

    def state_dict(self) -> dict:
        """The callback's running state, to be saved in checkpoints."""
        return {}

    def load_state_dict(self, state: dict) -> None:
        """Restore a state returned by :meth:`state_dict`."""


def overrides(callback: Callback, hook: str) -> bool:
    """Whether ``callback`` implements ``hook`` itself rather than inheriting the no-op."""
    return getattr(type(callback), hook) is not getattr(Callback, hook)
