"""Nested cross-validation around any search."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, KFold

from skneural import NeuralClassifier
from skneural.model_selection import OptunaSearchCV, nested_cross_validate
from tests.model_selection.conftest import TINY


def test_outer_scores_come_from_unseen_folds(small_classification):
    X, y = small_classification
    search = GridSearchCV(NeuralClassifier(**TINY), {"lr": [1e-3, 3e-2]}, cv=2)
    outer = KFold(3, shuffle=True, random_state=0)
    result = nested_cross_validate(search, X, y, cv=outer, return_estimator=True)
    assert result["test_score"].shape == (3,) and len(result["best_params"]) == 3
    tests = [test for _, test in outer.split(X)]
    for test, fitted, score, params in zip(
        tests, result["estimator"], result["test_score"], result["best_params"], strict=True
    ):
        # each fold's own search, scored on rows it never saw
        assert fitted.cv_results_["split0_test_score"].shape == (2,)
        assert score == pytest.approx(fitted.score(X[test], y[test]))
        assert params == fitted.best_params_
    assert len(pd.DataFrame({k: v for k, v in result.items() if k != "estimator"})) == 3


def test_works_with_skneural_searches(small_classification):
    pytest.importorskip("optuna")
    search = OptunaSearchCV(NeuralClassifier(**TINY), n_trials=2, cv=2, random_state=0)
    result = nested_cross_validate(search, *small_classification, cv=2)
    assert np.isfinite(result["best_inner_score"]).all() and "estimator" not in result


def test_needs_a_search(small_classification):
    with pytest.raises(TypeError, match="needs a hyperparameter search"):
        nested_cross_validate(NeuralClassifier(**TINY), *small_classification)


def test_needs_refit(small_classification):
    search = GridSearchCV(NeuralClassifier(**TINY), {"lr": [1e-3]}, refit=False)
    with pytest.raises(ValueError, match="refit=True"):
        nested_cross_validate(search, *small_classification)
