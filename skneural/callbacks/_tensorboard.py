"""Log the training history to TensorBoard."""

import os

from ..utils._optional import import_optional
from ._base import Callback
from ._run_logging import numeric_entries, unique_run_name


class TensorBoardLogger(Callback):
    """Write every numeric history entry to TensorBoard after each epoch.

    Needs `TensorBoard <https://www.tensorflow.org/tensorboard>`_
    (``pip install skneural[tensorboard]``). Each fit writes to its own new
    subdirectory of ``log_dir``, so the fits of a search, also in parallel
    processes, never write into one another's files. The writer is opened when
    training begins and closed when it ends; the callback holds no open file
    otherwise, so estimators using it clone and pickle normally.

    Parameters
    ----------
    log_dir : str or os.PathLike, default="runs"
        Directory under which each fit creates its run directory. Point
        ``tensorboard --logdir`` at it to compare the runs.

    Attributes
    ----------
    run_dir_ : str
        The directory the last fit wrote to.

    Examples
    --------
    >>> from skneural import NeuralClassifier
    >>> from skneural.callbacks import TensorBoardLogger
    >>> clf = NeuralClassifier(callbacks=[TensorBoardLogger("runs/breast_cancer")])
    """

    _observes_only = True
    _parameter_constraints: dict = {"log_dir": [str, os.PathLike]}

    def __init__(self, log_dir="runs"):
        self.log_dir = log_dir

    def on_train_begin(self, trainer, **kwargs):
        import_optional("tensorboard", extra="tensorboard", feature="TensorBoardLogger")
        from torch.utils.tensorboard import SummaryWriter

        self.run_dir_ = os.path.join(os.fspath(self.log_dir), unique_run_name())
        self._writer = SummaryWriter(log_dir=self.run_dir_)

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        for name, value in numeric_entries(logs).items():
            self._writer.add_scalar(name, value, global_step=epoch)

    def on_train_end(self, trainer, **kwargs):
        if getattr(self, "_writer", None) is not None:
            self._writer.close()
        self._writer = None
