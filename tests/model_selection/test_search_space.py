"""Default search spaces for every backend, and BayesSearchCV on them."""

import math
import pickle
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skopt import BayesSearchCV
from skopt.space import Categorical, Real
from torch import nn

from skneural import NeuralClassifier, NeuralRegressor
from skneural.model_selection import LayerSizes, OptunaSpace, search_space
from tests.model_selection.conftest import TINY

DEFAULT_NAMES = ["batch_size", "dropout", "hidden_layer_sizes", "lr", "weight_decay"]
CLASSIFIER_NAMES = sorted([*DEFAULT_NAMES, "label_smoothing"])


class WidthNet(nn.Module):
    """A user network with its own width argument and no hidden_layer_sizes."""

    def __init__(self, n_features_in, n_outputs, width=8):
        super().__init__()
        self.hidden = nn.Linear(n_features_in, width)
        self.out = nn.Linear(width, n_outputs)

    def forward(self, X):
        return self.out(self.hidden(X).relu())


@pytest.mark.parametrize("backend", ["skopt", "optuna", "hyperopt", "sklearn"])
@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_default_space_covers_the_usual_hyperparameters(backend, Estimator):
    if backend in ("optuna", "hyperopt"):
        pytest.importorskip(backend)
    space = search_space(Estimator(), backend=backend)
    if backend == "optuna":
        params = space(sys.modules["optuna"].create_study().ask())
    else:
        params = space
    expected = CLASSIFIER_NAMES if Estimator is NeuralClassifier else DEFAULT_NAMES
    assert sorted(params) == expected


def test_skopt_space_types():
    space = search_space(NeuralClassifier(), "skopt")
    assert isinstance(space["lr"], Real) and space["lr"].prior == "log-uniform"
    assert isinstance(space["weight_decay"], Real) and space["weight_decay"].prior == "log-uniform"
    assert space["dropout"].prior == "uniform"
    layers = space["hidden_layer_sizes"]
    assert isinstance(layers, Categorical)
    assert all(isinstance(choice, LayerSizes) for choice in layers.categories)
    assert {len(choice) for choice in layers.categories} == {1, 2, 3}


def test_sklearn_space_samples_valid_parameters():
    space = search_space(NeuralClassifier(), "sklearn")
    rng = np.random.RandomState(0)
    lrs = space["lr"].rvs(size=200, random_state=rng)
    assert 1e-4 <= lrs.min() and lrs.max() <= 3e-2
    # log-uniform: about half the draws below the geometric middle
    assert 0.35 < np.mean(lrs < math.sqrt(1e-4 * 3e-2)) < 0.65
    assert (2, 2) not in space["hidden_layer_sizes"] and (64, 64) in space["hidden_layer_sizes"]


def test_hyperopt_space_is_made_of_expressions():
    pyll = pytest.importorskip("hyperopt").pyll
    space = search_space(NeuralRegressor(), "hyperopt")
    assert all(isinstance(expression, pyll.Apply) for expression in space.values())
    sample = pyll.stochastic.sample(space, rng=np.random.default_rng(0))
    assert isinstance(sample["hidden_layer_sizes"], tuple)


def test_optuna_space_builds_layers_from_depth_and_width():
    optuna = pytest.importorskip("optuna")
    space = search_space(NeuralClassifier(), "optuna")
    assert isinstance(space, OptunaSpace)
    trial = optuna.create_study().ask()
    params = space(trial)
    assert params["hidden_layer_sizes"] == (trial.params["width"],) * trial.params["depth"]
    assert pickle.loads(pickle.dumps(space)).dimensions == space.dimensions


def test_pipeline_space_is_prefixed():
    pipe = make_pipeline(StandardScaler(), NeuralClassifier())
    space = search_space(pipe, "sklearn")
    assert sorted(space) == [f"neuralclassifier__{name}" for name in CLASSIFIER_NAMES]


def test_user_module_keeps_only_the_architecture_it_accepts():
    space = search_space(NeuralClassifier(module=WidthNet), "sklearn")
    assert sorted(space) == ["batch_size", "label_smoothing", "lr", "weight_decay"]


def test_layer_sizes_is_one_value_that_estimators_accept(small_classification):
    sizes = LayerSizes(8, 4)
    assert np.array(sizes).shape == ()
    assert sizes == (8, 4) and hash(sizes) == hash((8, 4)) and len(sizes) == 2
    assert repr(sizes) == "LayerSizes(8, 4)"
    clf = NeuralClassifier(**{**TINY, "hidden_layer_sizes": sizes}).fit(*small_classification)
    linear = [layer for layer in clf.module_.modules() if isinstance(layer, nn.Linear)]
    assert [layer.out_features for layer in linear] == [8, 4, 2]


def test_layer_sizes_keeps_numpy_integers():
    assert LayerSizes(np.int64(8), 4).sizes == (8, 4)


@pytest.mark.parametrize("width", [3.7, 4.0, "4", True])
def test_layer_sizes_refuses_widths_that_are_not_integers(width):
    with pytest.raises(TypeError, match="integer layer widths, got"):
        LayerSizes(8, width)


@pytest.mark.parametrize("backend", ["pytorch", "", None])
def test_unknown_backend_is_rejected(backend):
    with pytest.raises(ValueError, match="backend must be one of"):
        search_space(NeuralClassifier(), backend=backend)


def test_space_needs_a_skneural_estimator():
    with pytest.raises(TypeError, match="holds no skneural estimator"):
        search_space(make_pipeline(StandardScaler(), LogisticRegression()))


@pytest.mark.parametrize(("backend", "module"), [("optuna", "optuna"), ("hyperopt", "hyperopt")])
def test_missing_optional_backend_names_the_extra(monkeypatch, backend, module):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=rf"pip install skneural\[{module}\]"):
        search_space(NeuralClassifier(), backend=backend)


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_bayes_search_on_the_default_space_just_works(Estimator, request):
    data = "small_classification" if Estimator is NeuralClassifier else "small_regression"
    X, y = request.getfixturevalue(data)
    est = Estimator(max_epochs=3, random_state=0)
    search = BayesSearchCV(est, search_space(est), n_iter=3, cv=2, random_state=0).fit(X, y)
    assert len(search.cv_results_["params"]) == 3
    expected = CLASSIFIER_NAMES if Estimator is NeuralClassifier else DEFAULT_NAMES
    assert set(search.best_params_) == set(expected)
    assert tuple(search.best_estimator_.hidden_layer_sizes) == tuple(
        search.best_params_["hidden_layer_sizes"]
    )


def test_randomized_search_on_the_sklearn_space(small_classification):
    pipe = make_pipeline(StandardScaler(), NeuralClassifier(max_epochs=3, random_state=0))
    search = RandomizedSearchCV(pipe, search_space(pipe, "sklearn"), n_iter=3, cv=2, random_state=0)
    search.fit(*small_classification)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
