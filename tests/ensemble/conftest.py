"""Tiny data and tiny nets shared by the ensemble tests."""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

from skneural import NeuralClassifier, NeuralRegressor

TINY = {"hidden_layer_sizes": (8,), "max_epochs": 5, "lr": 5e-2, "random_state": 0}


@pytest.fixture
def tiny_classifier():
    """Factory of nets that train in milliseconds; keyword arguments override."""
    return lambda **params: NeuralClassifier(**{**TINY, **params})


@pytest.fixture
def tiny_regressor():
    """Factory of nets that train in milliseconds; keyword arguments override."""
    return lambda **params: NeuralRegressor(**{**TINY, **params})


@pytest.fixture
def classification_data():
    """80 rows, 6 features, 3 string classes."""
    X, y = make_classification(
        n_samples=80, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return X, np.array(["ant", "bee", "cat"])[y]


@pytest.fixture
def binary_data():
    X, y = make_classification(n_samples=80, n_features=6, n_informative=4, random_state=1)
    return X, y


@pytest.fixture
def regression_data():
    X, y = make_regression(n_samples=80, n_features=6, noise=5.0, random_state=0)
    return X, y
