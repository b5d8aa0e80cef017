"""skneural: PyTorch neural networks as first-class scikit-learn estimators."""

__version__ = "0.1.0"

from .estimators import NeuralClassifier, NeuralRegressor
from .zoo import load_pretrained, save_pretrained

__all__ = [
    "NeuralClassifier",
    "NeuralRegressor",
    "__version__",
    "load_pretrained",
    "save_pretrained",
]
