"""Save the training state every epoch and resume an interrupted fit."""

import os
from numbers import Integral
from pathlib import Path

from ..utils._sklearn_compat import Interval
from ._checkpoint_io import atomic_save, load_checkpoint
from ._monitor import MonitorCallback

LATEST = "latest.pt"
BEST = "best.pt"


class Checkpoint(MonitorCallback):
    """Write crash-safe checkpoints and resume from them.

    After every ``every`` epochs the full training state (network, optimizer,
    every callback's state such as early stopping's patience and a learning
    rate schedule, the random generators, the history) is written atomically
    to ``<dirname>/<run_id>/latest.pt``. The ``run_id`` is a hash of what the
    training depends on: the estimator's class and parameters, the seeds
    drawn from ``random_state``, the training data. Settings that do not
    change the training are left out: ``verbose``, observer callbacks
    (progress bars, loggers) and this callback's ``dirname``, ``every``,
    ``resume`` and ``load_best``. So parallel fits of a search never share
    files, and fitting the same estimator on the same data again finds its
    own checkpoint: with ``resume=True`` it continues from there,
    bit-identically on CPU, and ``max_epochs`` still counts the total.

    With ``random_state=None`` every fit draws new seeds and is a new run
    (a new random model, never a resumption): to resume a killed fit, give
    the estimator a fixed ``random_state``. A checkpoint is only ever resumed
    by a fit of the same run; ``resume=<path>`` to another run's file is an
    error that lists what differs.

    Parameters
    ----------
    dirname : str or os.PathLike, default="checkpoints"
        Root directory; each fit writes into its own sub-directory.
    every : int, default=1
        Save every ``every`` epochs (the final epoch is always saved).
    monitor : str or None, default=None
        When set, also keep ``best.pt`` with the state of the best epoch for
        this history column.
    mode : {"auto", "min", "max"}, default="auto"
        Direction of ``monitor``.
    resume : bool or str or os.PathLike, default=True
        ``True`` continues from this fit's ``latest.pt`` when it exists;
        ``False`` always starts afresh (overwriting this fit's checkpoints); a
        path resumes from that checkpoint file, which must exist and belong
        to this run (e.g. a ``latest.pt`` or ``best.pt`` of this directory
        that was moved).
    load_best : bool, default=False
        At the end of training, load the weights of ``best.pt`` (needs
        ``monitor``).

    Attributes
    ----------
    directory_ : pathlib.Path
        This fit's checkpoint directory.
    resumed_from_ : pathlib.Path or None
        Checkpoint the fit resumed from.

    Examples
    --------
    >>> from skneural import NeuralClassifier
    >>> from skneural.callbacks import Checkpoint
    >>> clf = NeuralClassifier(callbacks=[Checkpoint("runs/ckpt")])  # doctest: +SKIP
    >>> clf.fit(X, y)  # killed halfway? run it again: it resumes  # doctest: +SKIP
    """

    _runs_last = True
    # Where and how often the state is written, and whether and where from to
    # resume, never change the training: a fit resumes whatever they are.
    _observer_params = ("dirname", "every", "resume", "load_best")
    _parameter_constraints: dict = {
        **MonitorCallback._parameter_constraints,
        "dirname": [str, os.PathLike],
        "every": [Interval(Integral, 1, None, closed="left")],
        "monitor": [str, None],
        "resume": ["boolean", str, os.PathLike],
        "load_best": ["boolean"],
    }

    def __init__(
        self,
        dirname="checkpoints",
        every=1,
        monitor=None,
        mode="auto",
        resume=True,
        load_best=False,
    ):
        super().__init__(monitor=monitor, mode=mode, min_delta=0.0)
        self.dirname = dirname
        self.every = every
        self.resume = resume
        self.load_best = load_best

    def on_train_begin(self, trainer, **kwargs):
        if self.load_best and self.monitor is None:
            raise ValueError("load_best=True needs a monitor to decide which epoch is best.")
        self.directory_ = Path(self.dirname) / trainer.run_id
        if self.monitor is not None:
            self._reset_monitor(self._monitor_for(trainer))
        self.resumed_from_ = None
        source = self._resume_source()
        if source is not None:
            state = load_checkpoint(source)
            try:
                trainer.load_state_dict(state)
            except ValueError as exc:
                raise ValueError(
                    f"Cannot resume from the checkpoint {str(source)!r}: {exc}"
                ) from None
            self.resumed_from_ = source

    def _resume_source(self):
        if self.resume is False:
            return None
        if self.resume is True:
            latest = self.directory_ / LATEST
            return latest if latest.is_file() else None
        source = Path(self.resume)
        if not source.is_file():
            raise FileNotFoundError(f"resume={str(self.resume)!r}: no checkpoint file there.")
        return source

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        improved = False
        if self.monitor is not None:
            value = self._current_value(logs)
            improved = self._is_improvement(value)
            if improved:
                self.best_, self.best_epoch_ = value, epoch
        last_epoch = trainer.should_stop or epoch >= trainer.max_epochs
        if not (improved or last_epoch or epoch % self.every == 0):
            return
        state = trainer.state_dict()
        if epoch % self.every == 0 or last_epoch:
            atomic_save(state, self.directory_ / LATEST)
        if improved:
            atomic_save(state, self.directory_ / BEST)

    def on_train_end(self, trainer, **kwargs):
        best = getattr(self, "directory_", None) and self.directory_ / BEST
        if self.load_best and best and best.is_file():
            state = load_checkpoint(best)
            if state.get("run_id") != trainer.run_id:
                raise ValueError(
                    f"Cannot load the best weights from {str(best)!r}: the file belongs to "
                    "a different training run."
                )
            trainer.module.load_state_dict(state["module"])
