"""Cosine learning-rate cycles with a copy of the weights at the end of each cycle."""

import math
from numbers import Integral, Real

from ..callbacks import Callback
from ..utils._sklearn_compat import Interval


class SnapshotCallback(Callback):
    """Cyclic cosine learning rate (warm restarts) that snapshots the weights.

    Within each cycle of ``cycle_epochs`` epochs the learning rate of every
    parameter group falls from its initial value to ``min_lr`` along half a
    cosine; the next cycle restarts at the initial value. At the end of each
    cycle the network sits in a low-loss region, and a CPU copy of its
    weights is kept: the members of a snapshot ensemble.

    Parameters
    ----------
    cycle_epochs : int, default=10
        Length of one cycle in epochs.
    min_lr : float, default=0.0
        Learning rate reached at the end of each cycle.

    Attributes
    ----------
    snapshots_ : list of dict
        One ``state_dict`` (tensors on the CPU) per completed cycle.
    base_lrs_ : list of float
        The initial learning rate of each parameter group; restored when
        training ends.

    Examples
    --------
    >>> from skneural import NeuralRegressor
    >>> from skneural.ensemble import SnapshotCallback
    >>> reg = NeuralRegressor(max_epochs=30, early_stopping=False,
    ...                       callbacks=[SnapshotCallback(cycle_epochs=10)])
    """

    _parameter_constraints: dict = {
        "cycle_epochs": [Interval(Integral, 1, None, closed="left")],
        "min_lr": [Interval(Real, 0, None, closed="left")],
    }

    _schedules_lr = True

    def __init__(self, cycle_epochs=10, min_lr=0.0):
        self.cycle_epochs = cycle_epochs
        self.min_lr = min_lr

    def on_train_begin(self, trainer, **kwargs):
        self.base_lrs_ = [group["lr"] for group in trainer.optimizer.param_groups]
        self.snapshots_ = []

    def on_epoch_begin(self, trainer, epoch, **kwargs):
        position = (epoch - 1) % self.cycle_epochs
        factor = 0.5 * (1.0 + math.cos(math.pi * position / self.cycle_epochs))
        for group, base_lr in zip(trainer.optimizer.param_groups, self.base_lrs_, strict=True):
            group["lr"] = self.min_lr + (base_lr - self.min_lr) * factor

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        if epoch % self.cycle_epochs == 0:
            state = trainer.module.state_dict()
            self.snapshots_.append({name: t.detach().cpu().clone() for name, t in state.items()})

    def on_train_end(self, trainer, **kwargs):
        if not hasattr(self, "base_lrs_"):  # on_train_begin did not get that far
            return
        for group, base_lr in zip(trainer.optimizer.param_groups, self.base_lrs_, strict=True):
            group["lr"] = base_lr

    def take_snapshots(self) -> list:
        """Hand over the snapshots and forget them, so they are not stored twice.

        Returns
        -------
        list of dict
            The ``state_dict`` copies taken so far, oldest first.
        """
        snapshots, self.snapshots_ = self.snapshots_, []
        return snapshots
