"""Nested cross-validation around any search."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, LeaveOneGroupOut

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


def last_candidate(cv_results):
    """A callable ``refit``: pick the last candidate."""
    return len(cv_results["params"]) - 1


def test_a_callable_refit_reports_the_chosen_candidates_inner_score(small_classification):
    search = GridSearchCV(
        NeuralClassifier(**TINY), {"lr": [1e-3, 3e-2]}, cv=2, refit=last_candidate
    )
    result = nested_cross_validate(search, *small_classification, cv=2, return_estimator=True)
    assert result["best_params"] == [{"lr": 3e-2}] * 2
    inner = [fitted.cv_results_["mean_test_score"][1] for fitted in result["estimator"]]
    np.testing.assert_array_equal(result["best_inner_score"], inner)


def test_a_multimetric_search_with_a_callable_refit_has_no_inner_score(small_classification):
    search = GridSearchCV(
        NeuralClassifier(**TINY),
        {"lr": [1e-3]},
        cv=2,
        scoring=["accuracy", "roc_auc"],
        refit=last_candidate,
    )
    result = nested_cross_validate(search, *small_classification, cv=2, scoring="accuracy")
    assert np.isnan(result["best_inner_score"]).all() and result["test_score"].shape == (2,)


@pytest.mark.parametrize("scoring", [["accuracy"], ("accuracy",), {"acc": "accuracy"}])
def test_several_outer_metrics_are_refused(scoring, small_classification):
    search = GridSearchCV(NeuralClassifier(**TINY), {"lr": [1e-3]}, cv=2)
    with pytest.raises(ValueError, match="scoring must be a str, a callable or None"):
        nested_cross_validate(search, *small_classification, cv=2, scoring=scoring)


def test_groups_reach_a_group_aware_inner_cv(small_classification):
    X, y = small_classification
    groups = np.arange(len(y)) % 6
    search = GridSearchCV(NeuralClassifier(**TINY), {"lr": [1e-2]}, cv=LeaveOneGroupOut())
    result = nested_cross_validate(
        search, X, y, cv=GroupKFold(3), groups=groups, return_estimator=True
    )
    # each outer training fold holds 4 of the 6 groups, so 4 inner splits
    assert [fitted.n_splits_ for fitted in result["estimator"]] == [4, 4, 4]
