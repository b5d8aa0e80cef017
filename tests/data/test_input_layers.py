"""The input layer: which case a fit picks, and how a new case plugs in."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler
from torch import nn

from skneural import NeuralClassifier, NeuralRegressor
from skneural.data import (
    InputLayer,
    NumericInput,
    TabularInput,
    TransformerInput,
    _input_layer,
    register_input_layer,
    select_input_layer,
)
from skneural.nn import compute_bin_edges
from tests.conftest import FAST


def _select(X, **params):
    params = {"preprocessing": "auto", "module_params": None, **params}
    return select_input_layer(params, X, owner="Test", random_state=0)


@pytest.mark.parametrize(
    "X, params, case, standardize",
    [
        (np.zeros((3, 2)), {}, NumericInput, True),
        (pd.DataFrame({"a": [1.0, 2.0]}), {}, NumericInput, True),
        (np.zeros((3, 2)), {"preprocessing": None}, NumericInput, False),
        (pd.DataFrame({"a": ["x", "y"]}), {"preprocessing": "standard"}, NumericInput, True),
        (pd.DataFrame({"a": ["x", "y"]}), {}, TabularInput, None),
        (pd.DataFrame({"a": [1.0, None]}), {}, TabularInput, None),
        (np.zeros((3, 2)), {"preprocessing": SimpleImputer()}, TransformerInput, None),
    ],
)
def test_the_case_follows_the_parameters_and_X(X, params, case, standardize):
    layer = _select(X, **params)
    assert type(layer) is case
    if standardize is not None:
        assert layer.standardize is standardize


def test_fitted_layer_describes_the_tensor(binary_data):
    X, y = binary_data
    clf = NeuralClassifier(module_params={"categorical_cardinalities": {4: 3}}, **FAST)
    X[:, 4] = np.arange(len(X)) % 3
    clf.fit(X, y)
    layer = clf.input_layer_
    assert layer.kind == "numeric"
    assert layer.input_shape_ == (5,)
    assert layer.layout == ("sample", "feature")
    assert layer.code_columns_ == {4: 3}
    assert layer.module_kwargs == {
        "n_features_in": 5,
        "input_shape": (5,),
        "categorical_cardinalities": {4: 3},
    }
    assert layer.code_labels() == {4: ("x4", [0, 1, 2])}
    assert clf.preprocessor_ is layer.preprocessor_
    np.testing.assert_array_equal(layer.transform(X)[:, 4], X[:, 4])  # codes stay unscaled


def _regression_data():
    rng = np.random.RandomState(0)
    return rng.randn(60, 4), rng.randn(60)


def _piecewise_linear(edges, **params):
    module_params = {"numeric_embedding": "piecewise_linear", "bin_edges": edges}
    return NeuralRegressor(module_params=module_params, max_epochs=1, random_state=0, **params)


def test_bin_edges_are_in_the_units_of_X():
    # The estimator standardises X; edges computed on X, as the docs say,
    # must be standardised with it (they were not: every row fell below the
    # first edge, in the same bin).
    X, y = _regression_data()
    X = X * 1000 + 500
    edges = compute_bin_edges(X, n_bins=8)
    reg = _piecewise_linear(edges).fit(X, y)
    scaler = reg.input_layer_.preprocessor_
    embedding = reg.module_.encoder.numeric
    expected = (np.array(edges) - scaler.mean_[:, None]) / scaler.scale_[:, None]
    np.testing.assert_allclose(embedding.left.numpy(), expected[:, :-1], rtol=1e-5, atol=1e-5)
    with torch.no_grad():
        encoding = embedding.encode(torch.from_numpy(reg.input_layer_.transform(X)))
    assert (encoding[:, :, 1:] > 0).any(dim=0).all()  # every bin is reached by some row


def test_bin_edges_are_not_scaled_when_X_is_not():
    X, y = _regression_data()
    edges = compute_bin_edges(X, n_bins=4)
    reg = _piecewise_linear(edges, preprocessing=None).fit(X, y)
    left = reg.module_.encoder.numeric.left.numpy()
    np.testing.assert_array_equal(left, np.array(edges, dtype=np.float32)[:, :-1])


def test_bin_edges_for_a_module_without_them_are_an_error():
    # Scaled edges were passed only where the module accepts them: silently dropped.
    class Plain(nn.Module):
        def __init__(self, n_features_in, n_outputs):
            super().__init__()
            self.linear = nn.Linear(n_features_in, n_outputs)

        def forward(self, X):
            return self.linear(X)

    X, y = _regression_data()
    reg = NeuralRegressor(module=Plain, module_params={"bin_edges": compute_bin_edges(X, 4)})
    with pytest.raises(TypeError, match="Could not build module Plain .*bin_edges"):
        reg.fit(X, y)


def test_bin_edges_of_code_columns_stay_as_given():
    X, y = _regression_data()
    X[:, 2] = np.arange(len(X)) % 3
    edges = compute_bin_edges(X, n_bins=4, categorical_columns=[2])
    params = {"categorical_cardinalities": {2: 3}}
    reg = _piecewise_linear(edges)
    reg.set_params(module_params={**reg.module_params, **params}).fit(X, y)
    assert reg.input_layer_.rewritten_module_params()["bin_edges"][2] is None
    assert reg.module_.encoder.numeric.left.shape == (3, 4)


@pytest.mark.parametrize(
    "cardinalities, error, message",
    [
        ({9: 3}, ValueError, r"keys must be column indices in \[0, 4\), got 9"),
        ({"0": 3}, ValueError, r"keys must be column indices in \[0, 4\), got '0'"),
        ({0: 0}, ValueError, "cardinality of column 0 must be an integer >= 1"),
        ([3], TypeError, "categorical_cardinalities must be a dict"),
    ],
)
def test_bad_categorical_cardinalities_are_clear_errors(cardinalities, error, message):
    X, y = _regression_data()
    reg = NeuralRegressor(module_params={"categorical_cardinalities": cardinalities}, **FAST)
    with pytest.raises(error, match=message):
        reg.fit(X, y)


class _Grid(InputLayer):
    """A test case for (n, rows, columns) arrays, kept in their shape."""

    kind = "grid"
    priority = 100
    x_validation = {"allow_nd": True, "dtype": np.float32}
    layout = ("sample", "row", "column")

    @classmethod
    def accepts(cls, params, X):
        return np.ndim(X) == 3

    def fit_transform(self, X, y=None, sample_weight=None):
        self.preprocessor_ = None
        self.input_shape_ = X.shape[1:]
        self.code_columns_ = {}
        return self.transform(X)

    def transform(self, X):
        return np.ascontiguousarray(X, dtype=np.float32)


class _GridNet(nn.Module):
    def __init__(self, input_shape, n_outputs):
        super().__init__()
        self.input_shape = input_shape
        self.layer = nn.Sequential(nn.Flatten(), nn.Linear(int(np.prod(input_shape)), n_outputs))

    def forward(self, X):
        return self.layer(X)


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(_input_layer, "_CASES", list(_input_layer._CASES))


def test_a_registered_case_trains_without_touching_the_estimator(registry):
    register_input_layer(_Grid)
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 2, 3))
    y = X[:, 0, 0] + X[:, 1, 2]
    reg = NeuralRegressor(module=_GridNet, **FAST).fit(X, y)
    assert reg.input_layer_.kind == "grid"
    assert reg.module_.input_shape == (2, 3)
    assert reg.predict(X[:7]).shape == (7,)
    assert reg.score(X, y) > 0.5
    # Two-dimensional X still goes to the built-in cases.
    assert NeuralRegressor(**FAST).fit(X[:, 0], y).input_layer_.kind == "numeric"


def test_register_input_layer_takes_input_layer_classes_only(registry):
    with pytest.raises(TypeError, match="Expected an InputLayer subclass"):
        register_input_layer(NeuralClassifier)
    assert register_input_layer(_Grid) is _Grid
    register_input_layer(_Grid)
    assert _input_layer._CASES.count(_Grid) == 1


class _Doubled(_Grid):
    """A test case at the default priority, 0: any table, doubled."""

    kind = "doubled"
    priority = 0
    x_validation = {"dtype": np.float32}
    layout = ("sample", "feature")

    @classmethod
    def accepts(cls, params, X):
        return np.ndim(X) == 2

    def transform(self, X):
        return np.ascontiguousarray(2 * X, dtype=np.float32)


def test_a_registered_case_wins_ties_with_the_built_in_ones(registry):
    # At the default priority it was never chosen: the numeric case, also at
    # 0 and registered first, takes every table.
    register_input_layer(_Doubled)
    X = np.random.RandomState(0).normal(size=(60, 4))
    assert type(_select(X)) is _Doubled
    assert NeuralRegressor(**FAST).fit(X, X[:, 0]).input_layer_.kind == "doubled"
    # A built-in case of a higher priority still comes first.
    assert type(_select(pd.DataFrame({"a": ["x", "y"]}))) is TabularInput


def test_categorical_cardinalities_that_are_no_dict_are_named_for_every_input():
    # A preprocessing transformer (another input layer) gave "cannot convert dictionary
    # update sequence" for a list.
    X, y = _regression_data()
    reg = NeuralRegressor(
        preprocessing=StandardScaler(),
        module_params={"categorical_cardinalities": [3]},
        **FAST,
    )
    with pytest.raises(TypeError, match="categorical_cardinalities must be a dict"):
        reg.fit(X, y)
