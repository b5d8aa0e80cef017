"""Change the learning rate during training with a torch scheduler."""

import copy

from ..utils._sklearn_compat import StrOptions
from ._base import Callback
from ._lr_schedules import PRESETS, build_schedule, is_plateau_policy, schedule_name
from ._monitor import monitored_value, resolve_monitor

# Key under which each optimizer parameter group remembers the learning rate
# it had before any schedule touched it, so every fit starts from it.
_BASE_LR = "skneural_base_lr"


class LRScheduler(Callback):
    """Schedule the learning rate with a preset or any torch scheduler class.

    The scheduler is created in ``on_train_begin`` from the trainer's
    optimizer, steps after every epoch or every batch, and is dropped when
    training ends (its final state stays available from :meth:`state_dict`).
    The learning rate of each epoch is in the history's ``"lr"`` column (the
    value in effect when the epoch ended).

    Every fit runs its schedule from the start, from the learning rate the
    optimizer had before any schedule ran, also with ``warm_start=True``.
    Each ``partial_fit`` call is a fit of one epoch, so an epoch-stepped
    schedule does not advance across ``partial_fit`` calls.

    Parameters
    ----------
    policy : str or type
        A preset name or a subclass of
        :class:`torch.optim.lr_scheduler.LRScheduler`, called as
        ``policy(optimizer, **params)``. Presets and their defaults
        (``params`` overrides any of them; a *step* is an epoch or a batch,
        see ``step_every``):

        - ``"step"``: :class:`~torch.optim.lr_scheduler.StepLR`,
          ``step_size=10, gamma=0.1``.
        - ``"cosine"``: :class:`~torch.optim.lr_scheduler.CosineAnnealingLR`
          down to ``eta_min=0`` over ``T_max`` = the steps of this fit.
        - ``"one_cycle"``: :class:`~torch.optim.lr_scheduler.OneCycleLR`
          peaking at ``max_lr`` = the estimator's ``lr`` over
          ``total_steps`` = the steps of this fit.
        - ``"reduce_on_plateau"``:
          :class:`~torch.optim.lr_scheduler.ReduceLROnPlateau` on ``monitor``,
          ``mode`` looked up from the metric (as ``mode="auto"`` of
          :class:`~skneural.callbacks.MonitorCallback` does; give
          ``params={"mode": ...}`` for a metric it does not know), torch's
          ``factor=0.1, patience=10``. Epoch stepping only.
        - ``"linear_warmup"``: linear ramp from ``start_factor=0.1`` times the
          learning rate to the full rate over ``warmup_steps=5`` steps, then
          ``then="constant"`` or ``"cosine"`` (annealing to ``eta_min=0.0``
          over the remaining steps).
    step_every : {"epoch", "batch"}, default="epoch"
        When the scheduler steps.
    params : dict, default=None
        Keyword arguments of the scheduler.
    monitor : str, default="valid_loss"
        History metric a plateau scheduler watches; a ``valid_*`` metric falls
        back to ``"train_loss"`` (with a warning) when the fit has no
        validation data. Ignored by other schedules.

    Attributes
    ----------
    scheduler_ : torch.optim.lr_scheduler.LRScheduler or None
        The live scheduler during training; ``None`` once training ended.
    monitor_ : str or None
        The metric a plateau scheduler watched in the last fit.

    Examples
    --------
    >>> from skneural import NeuralRegressor
    >>> from skneural.callbacks import LRScheduler
    >>> reg = NeuralRegressor(
    ...     lr=0.01, callbacks=[LRScheduler("step", params={"step_size": 2, "gamma": 0.5})]
    ... )
    """

    _parameter_constraints: dict = {
        "policy": [StrOptions(set(PRESETS)), type],
        "step_every": [StrOptions({"epoch", "batch"})],
        "params": [dict, None],
        "monitor": [str],
    }

    _schedules_lr = True

    def __init__(self, policy, *, step_every="epoch", params=None, monitor="valid_loss"):
        self.policy = policy
        self.step_every = step_every
        self.params = params
        self.monitor = monitor

    def on_train_begin(self, trainer, **kwargs):
        plateau = is_plateau_policy(self.policy)
        if plateau and self.step_every == "batch":
            raise ValueError(
                "A plateau schedule steps on a per-epoch metric; use step_every='epoch'."
            )
        self.monitor_ = resolve_monitor(self.monitor, trainer, "LRScheduler") if plateau else None
        steps_per_epoch = trainer.batches_per_epoch if self.step_every == "batch" else 1
        _restore_base_lr(trainer.optimizer)
        self.scheduler_ = build_schedule(
            self.policy,
            trainer.optimizer,
            dict(self.params or {}),
            total_steps=trainer.n_epochs * steps_per_epoch,
            monitor=self.monitor_,
        )
        pending = getattr(self, "_pending_state", None)
        if pending:
            self.scheduler_.load_state_dict(pending)
        self._pending_state = None

    def on_batch_end(self, trainer, batch, loss, **kwargs):
        if self.step_every == "batch":
            self._step()

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        if self.step_every != "epoch":
            return
        if self.monitor_ is None:
            self._step()
        else:
            self._step(monitored_value(logs, self.monitor_, "LRScheduler"))

    def _step(self, *metric):
        """Step the scheduler; a failure of its arithmetic (such as a zero
        period of a scheduler class that torch does not check) names it."""
        try:
            self.scheduler_.step(*metric)
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(
                f"The learning-rate schedule {schedule_name(self.policy)} with "
                f"params={self.params!r} failed to step: {exc}"
            ) from exc

    def on_train_end(self, trainer, **kwargs):
        if getattr(self, "scheduler_", None) is not None:
            self._final_state = self.scheduler_.state_dict()
        self.scheduler_ = None

    def state_dict(self) -> dict:
        """The scheduler's state: live during training, final after it.

        Returns
        -------
        state : dict
            What :meth:`torch.optim.lr_scheduler.LRScheduler.state_dict`
            returns; empty before the first fit.
        """
        if getattr(self, "scheduler_", None) is not None:
            return self.scheduler_.state_dict()
        return copy.deepcopy(getattr(self, "_final_state", {}))

    def load_state_dict(self, state: dict) -> None:
        """Restore a state returned by :meth:`state_dict`.

        During training it is loaded into the live scheduler at once;
        otherwise it is kept and loaded when the next fit creates the
        scheduler.

        Parameters
        ----------
        state : dict
            A scheduler state.
        """
        if getattr(self, "scheduler_", None) is not None:
            self.scheduler_.load_state_dict(state)
        else:
            self._pending_state = copy.deepcopy(state)


def _restore_base_lr(optimizer) -> None:
    """Reset every parameter group to its unscheduled learning rate and clear
    what an earlier torch scheduler left in it, so a new schedule starts fresh."""
    for group in optimizer.param_groups:
        group["lr"] = group.setdefault(_BASE_LR, group["lr"])
        group.pop("initial_lr", None)
