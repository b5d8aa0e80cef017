"""HyperoptSearchCV: the search interface and bad input."""

import sys

import numpy as np
import pytest
from sklearn.exceptions import FitFailedWarning

from skneural import NeuralClassifier, NeuralRegressor
from skneural.model_selection import HyperoptSearchCV
from tests.model_selection.conftest import TINY

hp = pytest.importorskip("hyperopt").hp


def test_search_interface(small_regression):
    X, y = small_regression
    search = HyperoptSearchCV(NeuralRegressor(**TINY), max_evals=3, cv=2, random_state=0)
    search.fit(X, y)
    results = search.cv_results_
    assert list(results["state"]) == ["COMPLETE"] * 3 and list(results["tid"]) == [0, 1, 2]
    assert search.best_score_ == results["mean_test_score"].max()
    assert results["params"][search.best_index_] == search.best_params_
    assert search.predict(X).shape == (120,)
    losses = [trial["result"]["loss"] for trial in search.trials_.trials]
    np.testing.assert_allclose(losses, -results["mean_test_score"])


@pytest.mark.parametrize("algo", ["tpe", "random", "anneal"])
def test_custom_space_and_algorithms(algo, small_classification):
    space = {
        "lr": hp.loguniform("lr", np.log(1e-3), np.log(1e-1)),
        "batch_size": hp.choice("b", [16, 32]),
    }
    search = HyperoptSearchCV(NeuralClassifier(**TINY), space, max_evals=2, algo=algo, cv=2)
    search.fit(*small_classification)
    assert {p["batch_size"] for p in search.cv_results_["params"]} <= {16, 32}
    assert all(1e-3 <= p["lr"] <= 1e-1 for p in search.cv_results_["params"])


def test_same_seed_same_candidates(small_classification):
    params = [
        HyperoptSearchCV(NeuralClassifier(**TINY), max_evals=2, cv=2, random_state=1)
        .fit(*small_classification)
        .cv_results_["params"]
        for _ in range(2)
    ]
    assert params[0] == params[1]


def test_failed_candidates_are_recorded(small_classification):
    space = {"batch_size": hp.choice("batch_size", [0, 16])}
    search = HyperoptSearchCV(NeuralClassifier(**TINY), space, max_evals=5, cv=2, random_state=0)
    with pytest.warns(FitFailedWarning):
        search.fit(*small_classification)
    failed = search.cv_results_["state"] == "FAIL"
    assert failed.any() and search.best_params_ == {"batch_size": 16}
    assert search.cv_results_["rank_test_score"][failed].min() > 1


@pytest.mark.parametrize(
    ("space", "error", "match"),
    [
        ({}, ValueError, "space is empty"),
        ({"lr": [0.1, 0.01]}, TypeError, r"space\['lr'\] must be a hyperopt expression"),
        ({"learning_rate": hp.uniform("x", 0, 1)}, ValueError, "'learning_rate'"),
        ({"hidden_layers_sizes": hp.choice("h", [(4,)])}, ValueError, "'hidden_layer_sizes'"),
    ],
)
def test_malformed_spaces_are_rejected(space, error, match, small_classification):
    search = HyperoptSearchCV(NeuralClassifier(**TINY), space, max_evals=1, cv=2)
    with pytest.raises(error, match=match):
        search.fit(*small_classification)
    assert not hasattr(search, "cv_results_")


def test_missing_hyperopt_names_the_extra(monkeypatch, small_classification):
    monkeypatch.setitem(sys.modules, "hyperopt", None)
    search = HyperoptSearchCV(NeuralClassifier(**TINY), max_evals=1)
    with pytest.raises(ImportError, match=r"pip install skneural\[hyperopt\]"):
        search.fit(*small_classification)


def test_a_search_where_every_candidate_fails_has_no_result(small_classification):
    estimator = NeuralClassifier(**{**TINY, "hidden_layer_sizes": (-1,)})
    space = {"lr": hp.uniform("lr", 1e-3, 1e-1)}
    search = HyperoptSearchCV(estimator, space, max_evals=2, cv=2)
    with (
        pytest.warns(FitFailedWarning),
        pytest.raises(ValueError, match=r"None of the 2 candidates completed .*'FAIL': 2"),
    ):
        search.fit(*small_classification)
    assert not hasattr(search, "cv_results_")
