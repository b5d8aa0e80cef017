"""Shared fixtures: tiny data sets and fast estimator settings."""

import os

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

# Settings that make a fit take a fraction of a second.
FAST = {"hidden_layer_sizes": (16,), "max_epochs": 20, "lr": 1e-2, "random_state": 0}


@pytest.fixture(scope="session")
def _session_environment():
    return dict(os.environ)


@pytest.fixture(autouse=True)
def _restore_environment(_session_environment):
    """Undo the environment variables a test's libraries leave behind.

    Starting a dask ``LocalCluster`` sets ``MALLOC_TRIM_THRESHOLD_=65536``
    (and one-thread settings) in this process's ``os.environ`` for its
    workers, and every later subprocess inherits them: the examples and the
    benchmark smoke runs, whose glibc then hands freed memory back to the
    system after every training step, ran 2-3x slower after the dask tests.
    """
    yield
    if os.environ != _session_environment:
        os.environ.clear()
        os.environ.update(_session_environment)


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
