"""Ensemble hyperparameters tuned by GridSearchCV and BayesSearchCV."""

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from skneural.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor, make_neural_stack


def test_grid_search_over_members_and_member_parameters(classification_data, tiny_classifier):
    X, y = classification_data
    grid = {"n_estimators": [2, 3], "estimator__hidden_layer_sizes": [(4,), (8,)]}
    search = GridSearchCV(
        DeepEnsembleClassifier(tiny_classifier(), random_state=0), grid, cv=2, n_jobs=2
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_
    assert len(best.estimators_) == search.best_params_["n_estimators"]
    sizes = {member.hidden_layer_sizes for member in best.estimators_}
    assert sizes == {search.best_params_["estimator__hidden_layer_sizes"]}


def test_grid_search_over_voting_weights(classification_data, tiny_classifier):
    X, y = classification_data
    vote = VotingClassifier(
        [("net", tiny_classifier()), ("logistic", LogisticRegression())], voting="soft"
    )
    search = GridSearchCV(vote, {"weights": [[1, 1], [3, 1], [1, 3]]}, cv=2).fit(X, y)
    assert search.best_params_["weights"] in ([1, 1], [3, 1], [1, 3])
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_grid_search_over_final_estimator_and_member_parameters(
    classification_data, tiny_classifier
):
    X, y = classification_data
    stack = StackingClassifier(
        [("net", tiny_classifier()), ("gbm", HistGradientBoostingClassifier(max_iter=10))],
        final_estimator=LogisticRegression(),
        cv=2,
    )
    grid = {"final_estimator__C": [0.1, 10.0], "net__lr": [1e-2, 5e-2]}
    search = GridSearchCV(stack, grid, cv=2).fit(X, y)
    best = search.best_estimator_
    assert best.final_estimator_.C == search.best_params_["final_estimator__C"]
    assert best.named_estimators_["net"].lr == search.best_params_["net__lr"]


def test_the_stacking_preset_exposes_every_level_to_searches():
    params = make_neural_stack("classification").get_params()
    for name in ("net__net__lr", "gbm__gbm__learning_rate", "linear__linear__C"):
        assert name in params
    assert "final_estimator__logistic__Cs" in params


def test_bayes_search_over_ensemble_size_and_member_learning_rate(regression_data, tiny_regressor):
    skopt = pytest.importorskip("skopt")
    from skopt.space import Integer, Real

    X, y = regression_data
    search = skopt.BayesSearchCV(
        DeepEnsembleRegressor(tiny_regressor(), random_state=0),
        {"n_estimators": Integer(2, 3), "estimator__lr": Real(1e-3, 1e-1, prior="log-uniform")},
        n_iter=3,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert 2 <= search.best_params_["n_estimators"] <= 3
    assert len(search.best_estimator_.estimators_) == search.best_params_["n_estimators"]
    assert search.best_estimator_.estimators_[0].lr == search.best_params_["estimator__lr"]
