"""Tiny data and networks shared by the callback tests."""

import pytest
from sklearn.datasets import make_classification

from skneural import NeuralClassifier


@pytest.fixture(scope="module")
def data():
    """60 rows, 4 features, 2 classes: 54 training rows (4 batches of 16) with
    the default validation split."""
    return make_classification(n_samples=60, n_features=4, random_state=0)


@pytest.fixture
def make_net():
    """A factory of small, fast, reproducible classifiers without early stopping."""

    def make(**params):
        defaults = {
            "hidden_layer_sizes": (8,),
            "max_epochs": 5,
            "batch_size": 16,
            "lr": 0.01,
            "early_stopping": False,
            "random_state": 0,
        }
        return NeuralClassifier(**{**defaults, **params})

    return make
