"""Public scikit-learn estimators."""

from ._classifier import NeuralClassifier
from ._regressor import NeuralRegressor

__all__ = ["NeuralClassifier", "NeuralRegressor"]
