"""Tiny data and estimator settings for the search tests."""

import pytest
from sklearn.datasets import make_classification, make_regression

# A fit takes a few hundredths of a second with these.
TINY = {"hidden_layer_sizes": (8,), "max_epochs": 5, "lr": 1e-2, "random_state": 0}


@pytest.fixture
def small_classification():
    return make_classification(n_samples=120, n_features=5, n_informative=3, random_state=0)


@pytest.fixture
def small_regression():
    return make_regression(n_samples=120, n_features=5, noise=0.1, random_state=0)
