"""skneural: PyTorch neural networks as first-class scikit-learn estimators."""

from .estimators import NeuralClassifier, NeuralRegressor

__version__ = "0.1.0"

__all__ = ["NeuralClassifier", "NeuralRegressor", "__version__"]
