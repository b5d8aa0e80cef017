"""Shared fixtures: tiny data sets and fast estimator settings."""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

# Settings that make a fit take a fraction of a second.
FAST = {"hidden_layer_sizes": (16,), "max_epochs": 20, "lr": 1e-2, "random_state": 0}


@pytest.fixture
def classification_data():
    X, y = make_classification(
        n_samples=200, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return X, y


@pytest.fixture
def binary_data():
    X, y = make_classification(n_samples=200, n_features=5, random_state=1)
    return X, y


@pytest.fixture
def regression_data():
    X, y = make_regression(n_samples=200, n_features=5, noise=0.1, random_state=0)
    return X, y


@pytest.fixture
def rng():
    return np.random.RandomState(0)
