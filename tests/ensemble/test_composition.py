"""skneural nets inside scikit-learn's ensembles, pipelines and parallel fits."""

import numpy as np
import pytest
from sklearn.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    BaggingClassifier,
    BaggingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    StackingClassifier,
    StackingRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural.ensemble import DeepEnsembleClassifier


def scaled(estimator):
    return make_pipeline(StandardScaler(), estimator)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_bagging(classification_data, regression_data, tiny_classifier, tiny_regressor, n_jobs):
    X, y = classification_data
    bagging = BaggingClassifier(
        scaled(tiny_classifier()), n_estimators=3, max_features=0.8, n_jobs=n_jobs, random_state=0
    ).fit(X, y)
    proba = bagging.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert bagging.score(X, y) > 0.5  # three balanced classes: chance is 1/3

    X, y = regression_data
    bagging = BaggingRegressor(tiny_regressor(), n_estimators=3, n_jobs=n_jobs, random_state=0).fit(
        X, y
    )
    assert bagging.score(X, y) > 0.3


def test_bagging_is_reproducible_whatever_n_jobs(classification_data, tiny_classifier):
    X, y = classification_data
    probas = [
        BaggingClassifier(tiny_classifier(), n_estimators=2, n_jobs=n_jobs, random_state=0)
        .fit(X, y)
        .predict_proba(X)
        for n_jobs in (1, 2)
    ]
    np.testing.assert_array_equal(*probas)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_stacking_with_gradient_boosting(
    classification_data, regression_data, tiny_classifier, tiny_regressor, n_jobs
):
    X, y = classification_data
    stack = StackingClassifier(
        [("net", scaled(tiny_classifier())), ("gbm", HistGradientBoostingClassifier(max_iter=20))],
        final_estimator=LogisticRegression(),
        cv=3,
        n_jobs=n_jobs,
    ).fit(X, y)
    assert stack.transform(X).shape == (len(X), 6)  # 3 probabilities x 2 members
    assert set(stack.predict(X)) <= set(y)

    X, y = regression_data
    stack = StackingRegressor(
        [("net", tiny_regressor()), ("gbm", HistGradientBoostingRegressor(max_iter=20))],
        final_estimator=RidgeCV(),
        cv=3,
        n_jobs=n_jobs,
    ).fit(X, y)
    assert stack.score(X, y) > 0.3


@pytest.mark.parametrize("voting", ["soft", "hard"])
def test_voting_classifier(classification_data, tiny_classifier, voting):
    X, y = classification_data
    members = [
        ("net", scaled(tiny_classifier())),
        ("gbm", HistGradientBoostingClassifier(max_iter=20)),
        ("logistic", LogisticRegression()),
    ]
    vote = VotingClassifier(members, voting=voting, weights=[2, 1, 1], n_jobs=2).fit(X, y)
    assert vote.score(X, y) > 0.5
    if voting == "soft":
        net_proba = vote.named_estimators_["net"].predict_proba(X)
        others = [vote.named_estimators_[n].predict_proba(X) for n in ("gbm", "logistic")]
        np.testing.assert_allclose(vote.predict_proba(X), (2 * net_proba + sum(others)) / 4)


def test_voting_regressor(regression_data, tiny_regressor):
    X, y = regression_data
    vote = VotingRegressor(
        [("net", tiny_regressor()), ("gbm", HistGradientBoostingRegressor(max_iter=20))],
        n_jobs=2,
    ).fit(X, y)
    members = [vote.named_estimators_[name].predict(X) for name in ("net", "gbm")]
    np.testing.assert_allclose(vote.predict(X), np.mean(members, axis=0))


def test_voting_weights_of_the_wrong_length(classification_data, tiny_classifier):
    X, y = classification_data
    vote = VotingClassifier(
        [("net", tiny_classifier()), ("logistic", LogisticRegression())], weights=[1, 2, 3]
    )
    with pytest.raises(ValueError, match="Number of `estimators` and weights must be equal"):
        vote.fit(X, y)


def test_adaboost_with_small_nets(
    classification_data, regression_data, tiny_classifier, tiny_regressor
):
    X, y = classification_data
    boost = AdaBoostClassifier(
        tiny_classifier(hidden_layer_sizes=(4,)), n_estimators=3, random_state=0
    ).fit(X, y)
    assert 1 <= len(boost.estimators_) <= 3
    assert boost.estimator_weights_[0] > 0  # the first weak learner beat chance
    assert boost.score(X, y) > 0.5

    X, y = regression_data
    boost = AdaBoostRegressor(tiny_regressor(), n_estimators=3, random_state=0).fit(X, y)
    assert len(boost.estimators_) == 3
    assert boost.score(X, y) > 0.3


@pytest.mark.parametrize("library", ["lightgbm", "xgboost"])
def test_next_to_lightgbm_and_xgboost(classification_data, tiny_classifier, library):
    pytest.importorskip(library)
    if library == "lightgbm":
        from lightgbm import LGBMClassifier as Booster

        booster = Booster(n_estimators=10, verbose=-1)
    else:
        from xgboost import XGBClassifier as Booster

        booster = Booster(n_estimators=10)
    X, y = classification_data
    members = [("net", scaled(tiny_classifier())), ("booster", booster)]
    for ensemble in (
        VotingClassifier(members, voting="soft", n_jobs=2),
        StackingClassifier(members, cv=3, n_jobs=2),
    ):
        assert ensemble.fit(X, y).score(X, y) > 0.5


def test_deep_ensemble_inside_a_stack_and_parallel_cross_validation(
    classification_data, tiny_classifier
):
    X, y = classification_data
    deep = DeepEnsembleClassifier(tiny_classifier(), n_estimators=2, random_state=0)
    stack = StackingClassifier(
        [("deep", scaled(deep)), ("gbm", HistGradientBoostingClassifier(max_iter=10))], cv=2
    )
    scores = cross_val_score(stack, X, y, cv=2, n_jobs=2)
    assert scores.shape == (2,) and (scores > 0.4).all()
