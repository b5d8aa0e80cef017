"""A tqdm progress bar over the epochs of a fit."""

import sys
from numbers import Real

from ..utils._optional import import_optional
from ._base import Callback

_HIDDEN = ("epoch", "duration")


class ProgressBar(Callback):
    """Show a progress bar over the epochs with the latest metrics.

    Needs `tqdm <https://tqdm.github.io>`_ (``pip install skneural[progress]``).
    The bar writes to standard error and is off when standard error is not a
    terminal (log files, CI, the worker processes of a parallel search),
    unless ``force=True``.

    Parameters
    ----------
    force : bool, default=False
        Show the bar even when standard error is not a terminal.
    metrics : list of str, default=None
        History entries shown after the bar; ``None`` shows every numeric
        entry except ``epoch`` and ``duration``. Entries missing from an
        epoch's history row are skipped.

    Attributes
    ----------
    enabled_ : bool
        Whether the bar was shown in the last fit.

    Examples
    --------
    >>> from skneural import NeuralClassifier
    >>> from skneural.callbacks import ProgressBar
    >>> clf = NeuralClassifier(callbacks=[ProgressBar()])
    """

    _observes_only = True
    _parameter_constraints: dict = {"force": ["boolean"], "metrics": [list, None]}

    def __init__(self, force=False, metrics=None):
        self.force = force
        self.metrics = metrics

    def on_train_begin(self, trainer, **kwargs):
        tqdm = import_optional("tqdm", extra="progress", feature="ProgressBar")
        self.enabled_ = bool(self.force) or _stderr_is_terminal()
        self._bar = None
        if self.enabled_:
            self._bar = tqdm.tqdm(
                total=trainer.n_epochs, desc="epochs", unit="epoch", file=sys.stderr
            )

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        if self._bar is None:
            return
        names = self.metrics if self.metrics is not None else logs
        shown = {
            name: f"{logs[name]:.4g}"
            for name in names
            if name not in _HIDDEN and isinstance(logs.get(name), Real)
        }
        self._bar.set_postfix(shown, refresh=False)
        self._bar.update(1)

    def on_train_end(self, trainer, **kwargs):
        if getattr(self, "_bar", None) is not None:
            self._bar.close()
        self._bar = None


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False
