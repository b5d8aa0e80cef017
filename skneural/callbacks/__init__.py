"""Callbacks that observe and steer the training loop."""

from ._base import Callback
from ._checkpoint import Checkpoint
from ._early_stopping import EarlyStopping
from ._gradient_clipping import GradientClipping
from ._gradual_unfreezing import GradualUnfreezing
from ._lambda import LambdaCallback
from ._lr_scheduler import LRScheduler
from ._mlflow import MLflowLogger
from ._monitor import MonitorCallback
from ._progress_bar import ProgressBar
from ._tensorboard import TensorBoardLogger
from ._weight_averaging import WeightAveraging

__all__ = [
    "Callback",
    "Checkpoint",
    "EarlyStopping",
    "GradientClipping",
    "GradualUnfreezing",
    "LRScheduler",
    "LambdaCallback",
    "MLflowLogger",
    "MonitorCallback",
    "ProgressBar",
    "TensorBoardLogger",
    "WeightAveraging",
]
