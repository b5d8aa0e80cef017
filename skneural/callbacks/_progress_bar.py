"""A tqdm progress bar over the epochs of a fit."""

import sys
import warnings
from numbers import Real

from ._base import Callback

_HIDDEN = ("epoch", "duration")
_SILENT = (
    "ProgressBar shows nothing: standard error is neither a terminal nor a Jupyter "
    "notebook (a log file, a CI log, a pipe or the worker process of a parallel "
    "search), where a redrawn bar would garble the output. Pass ProgressBar(force=True) "
    "to show it anyway, or verbose=1 on the estimator for one line per epoch."
)


class ProgressBar(Callback):
    """Show a progress bar over the epochs with the latest metrics.

    Uses `tqdm <https://tqdm.github.io>`_ (installed with skneural). In a
    terminal the bar is text on standard error; in a Jupyter notebook (or any
    IPython kernel front-end: JupyterLab, VS Code, Colab) it is tqdm's
    notebook widget, or the text bar when ``ipywidgets`` is not installed.
    Elsewhere (standard error redirected to a file, a CI log, a pipe) a bar
    redrawn in place would garble the output, so it is off, and a warning
    says so (once, under Python's default warning filters); ``force=True``
    shows it anyway.

    Parameters
    ----------
    force : bool, default=False
        Show the bar even when standard error is neither a terminal nor a
        notebook.
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
        bar_class = _bar_class(bool(self.force))
        self.enabled_ = bar_class is not None
        self._bar = None
        if bar_class is None:
            warnings.warn(_SILENT, UserWarning, stacklevel=2)
        else:
            self._bar = bar_class(
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


def _bar_class(force: bool):
    """The tqdm class that suits where output goes, or ``None`` for no bar."""
    from tqdm import notebook, std

    if _in_notebook():
        # The widget needs ipywidgets; without it the notebook shows the text bar.
        return notebook.tqdm if notebook.IProgress is not None else std.tqdm
    if force or _stderr_is_terminal():
        return std.tqdm
    return None


def _in_notebook() -> bool:
    """Whether this process is an IPython kernel (Jupyter and its kin)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False
