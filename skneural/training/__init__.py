"""The training engine: tensors, the epoch loop, losses, optimizers, devices."""

from ._budget import auto_dropout, auto_lr, auto_patience
from ._history import History
from ._inference import forward_in_chunks
from ._losses import CLASSIFICATION_LOSSES, REGRESSION_LOSSES, LossSpec, reduce_batch_loss
from ._optim import OPTIMIZERS, build_optimizer
from ._trainer import TensorData, Trainer, auto_batch_size, batch_bounds

__all__ = [
    "CLASSIFICATION_LOSSES",
    "History",
    "LossSpec",
    "OPTIMIZERS",
    "REGRESSION_LOSSES",
    "TensorData",
    "Trainer",
    "auto_batch_size",
    "auto_dropout",
    "auto_lr",
    "auto_patience",
    "batch_bounds",
    "build_optimizer",
    "forward_in_chunks",
    "reduce_batch_loss",
]
