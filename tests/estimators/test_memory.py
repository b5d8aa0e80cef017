"""Fit holds one float32 copy of the data, predict one block (NumPy allocations).

``tracemalloc`` sees NumPy's allocations, not torch's; the network input is a
NumPy array that torch shares, so its copies are what these tests count. The
blocks are made small so that the data span many of them.
"""

import tracemalloc

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier
from skneural.data import NumericInput, _numeric_input
from tests.conftest import FAST


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(_numeric_input, "BLOCK_VALUES", 2**14)


def _peak_bytes(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _data(dtype):
    rng = np.random.RandomState(0)
    X = (rng.normal(size=(30_000, 80)) * 3 + 5).astype(dtype)
    y = (X[:, 0] > 5).astype(int)
    return X, y


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_holds_one_float32_copy(small_blocks, dtype):
    X, y = _data(dtype)
    clf = NeuralClassifier(**{**FAST, "max_epochs": 1})
    clf.fit(X[:100], y[:100])  # a first fit in the process allocates for good
    peak = _peak_bytes(lambda: clf.fit(X, y))
    # The standardised copy, not float64 statistics nor train/validation subsets
    # (which took 2.3 float32 copies for float32 input, 3.3 for float64).
    assert peak < 1.5 * X.size * 4


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_predict_holds_one_block(small_blocks, dtype):
    X, y = _data(dtype)
    clf = NeuralClassifier(**{**FAST, "max_epochs": 1}).fit(X[:2000], y[:2000])
    peak = _peak_bytes(lambda: clf.predict_proba(X))
    assert peak < 0.5 * X.size * 4  # a whole standardised copy took 1 (float64 input: 2)


@pytest.mark.parametrize("weighted", [False, True])
def test_standardisation_in_blocks_matches_one_pass(small_blocks, weighted):
    X, _ = _data(np.float32)
    weights = None
    if weighted:
        weights = np.random.RandomState(1).uniform(0, 2, len(X)).astype(np.float32)
        weights[:5000] = 0  # whole blocks of zero weight add nothing
    layer = NumericInput(standardize=True, owner="test")
    tensor = layer.fit_transform(X, sample_weight=weights)
    expected = StandardScaler().fit(X, sample_weight=weights).transform(X)
    np.testing.assert_allclose(tensor, expected, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(layer.transform(X), tensor)
    np.testing.assert_array_equal(np.concatenate(list(layer.transform_in_chunks(X))), tensor)


def test_one_block_is_exactly_standard_scaler():
    X, _ = _data(np.float32)
    weights = np.random.RandomState(1).uniform(0, 2, len(X))
    layer = NumericInput(standardize=True, owner="test")
    expected = StandardScaler().fit(X, sample_weight=weights).transform(X)
    np.testing.assert_array_equal(layer.fit_transform(X, sample_weight=weights), expected)


@pytest.mark.parametrize("preprocessing", ["standard", None])
def test_the_users_array_is_never_written(small_blocks, preprocessing):
    X, y = _data(np.float32)
    original = X.copy()
    clf = NeuralClassifier(preprocessing=preprocessing, **{**FAST, "max_epochs": 2}).fit(X, y)
    clf.predict_proba(X)
    np.testing.assert_array_equal(X, original)


def test_predictions_do_not_depend_on_the_block_size(monkeypatch):
    X, y = _data(np.float64)
    clf = NeuralClassifier(**{**FAST, "max_epochs": 2}).fit(X, y)
    one_block = clf.predict_proba(X)
    monkeypatch.setattr(_numeric_input, "BLOCK_VALUES", 2**12)
    np.testing.assert_array_equal(clf.predict_proba(X), one_block)
