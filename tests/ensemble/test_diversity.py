"""diversity_report on skneural ensembles, scikit-learn ensembles and lists."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import (
    AdaBoostClassifier,
    BaggingClassifier,
    BaggingRegressor,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    StackingClassifier,
    StackingRegressor,
    VotingClassifier,
)
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skneural.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor, diversity_report


class ColumnClassifier(ClassifierMixin, BaseEstimator):
    """Predicts column ``column`` of X: a member whose predictions we choose."""

    def __init__(self, column=0):
        self.column = column

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.asarray(X)[:, self.column]


def test_classification_measures_match_hand_computed_values():
    y = np.array([0, 0, 1, 1, 0, 1])
    a = np.array([0, 0, 1, 0, 0, 1])  # wrong on row 3
    b = np.array([0, 1, 1, 0, 0, 1])  # wrong on rows 1 and 3
    X = np.column_stack([a, b])
    members = [("a", ColumnClassifier(0).fit(X, y)), ("b", ColumnClassifier(1).fit(X, y))]
    report = diversity_report(members, X, y)
    assert list(report.index) == ["a", "b", "ensemble"]
    assert report.loc["a", "accuracy"] == pytest.approx(5 / 6)
    assert report.loc["b", "accuracy"] == pytest.approx(4 / 6)
    assert report.loc["a", "disagreement"] == pytest.approx(1 / 6)
    # Errors (0, 0, 0, 1, 0, 0) and (0, 1, 0, 1, 0, 0): cov 4/36, variances 5/36 and 8/36.
    assert report.loc["a", "error_correlation"] == pytest.approx(4 / np.sqrt(40))
    # Both right on 4 rows, both wrong on 1, only a right on 1: Q = (4 - 0) / (4 + 0).
    assert report.loc["a", "q_statistic"] == pytest.approx(1.0)
    # The members tie on row 1: the vote goes to the first class, 0, which is right.
    assert report.loc["ensemble", "accuracy"] == pytest.approx(5 / 6)

    pairs = diversity_report(members, X, y, pairwise=True)
    assert list(pairs.index) == [("a", "b")]
    assert pairs.loc[("a", "b"), "q_statistic"] == pytest.approx(1.0)


def test_q_statistic_is_negative_when_errors_never_coincide():
    y = np.array([0, 0, 0, 0, 1, 1])
    a = np.array([1, 0, 0, 0, 1, 1])  # wrong on row 0
    b = np.array([0, 1, 0, 0, 1, 1])  # wrong on row 1
    X = np.column_stack([a, b])
    members = [ColumnClassifier(0).fit(X, y), ColumnClassifier(1).fit(X, y)]
    report = diversity_report(members, X, y)
    assert report.loc["ColumnClassifier_0", "q_statistic"] == pytest.approx(-1.0)


def test_regression_ambiguity_decomposition_is_exact(regression_data, tiny_regressor):
    X, y = regression_data
    ensemble = DeepEnsembleRegressor(tiny_regressor(), n_estimators=3, random_state=0).fit(X, y)
    report = diversity_report(ensemble, X, y)
    assert list(report.index) == ["member_0", "member_1", "member_2", "average", "ensemble"]
    members = report.iloc[:3]
    average = report.loc["average"]
    assert average["mse"] == pytest.approx(members["mse"].mean() - members["ambiguity"].mean())
    assert report.loc["ensemble", "mse"] == pytest.approx(average["mse"])
    assert (members["ambiguity"] > 0).all()
    predictions = np.stack([member.predict(X) for member in ensemble.estimators_])
    assert members.loc["member_0", "mse"] == pytest.approx(np.mean((predictions[0] - y) ** 2))


def test_regression_ensemble_row_is_the_ensembles_own_prediction(regression_data):
    X, y = regression_data
    stack = StackingRegressor([("ridge", Ridge()), ("ols", LinearRegression())], cv=2)
    report = diversity_report(stack.fit(X, y), X, y)
    assert list(report.index) == ["ridge", "ols", "average", "ensemble"]
    assert report.loc["ensemble", "mse"] == pytest.approx(np.mean((stack.predict(X) - y) ** 2))


def _fitted_sklearn_ensembles(X, y):
    tree = DecisionTreeClassifier(max_depth=2, random_state=0)
    return {
        "bagging": BaggingClassifier(tree, n_estimators=3, max_features=0.5, random_state=0),
        "forest": RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0),
        "voting": VotingClassifier([("tree", tree), ("logistic", LogisticRegression())]),
        "stacking": StackingClassifier([("tree", tree), ("logistic", LogisticRegression())]),
        "adaboost": AdaBoostClassifier(tree, n_estimators=3, random_state=0),
    }


@pytest.mark.parametrize("kind", ["bagging", "forest", "voting", "stacking", "adaboost"])
def test_scikit_learn_ensembles_report_their_members_true_accuracy(classification_data, kind):
    X, y = classification_data  # string labels: members of most ensembles see codes
    ensemble = _fitted_sklearn_ensembles(X, y)[kind].fit(X, y)
    report = diversity_report(ensemble, X, y)
    n_members = len(ensemble.estimators_)
    assert len(report) == n_members + 1
    assert report.loc["ensemble", "accuracy"] == pytest.approx(ensemble.score(X, y))
    features = getattr(ensemble, "estimators_features_", [slice(None)] * n_members)
    for row, member, columns in zip(report.index, ensemble.estimators_, features, strict=False):
        labels = member.predict(X[:, columns])
        if kind != "adaboost":
            labels = ensemble.classes_[labels.astype(int)]
        assert report.loc[row, "accuracy"] == pytest.approx(np.mean(labels == y))
    assert report.iloc[:n_members]["accuracy"].between(0, 1).all()


def test_names_of_voting_members_and_pipelines_are_unwrapped(classification_data):
    X, y = classification_data
    voting = VotingClassifier(
        [
            ("tree", DecisionTreeClassifier(max_depth=2)),
            ("dropped", "drop"),
            ("logistic", LogisticRegression()),
        ]
    )
    pipeline = make_pipeline(StandardScaler(), voting).fit(X, y)
    report = diversity_report(pipeline, X, y)
    assert list(report.index) == ["tree", "logistic", "ensemble"]


def test_deep_ensemble_with_feature_subsets_and_dataframe_input(
    classification_data, tiny_classifier
):
    X, y = classification_data
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    ensemble = DeepEnsembleClassifier(
        tiny_classifier(), n_estimators=3, max_features=4, random_state=0
    ).fit(frame, y)
    report = diversity_report(ensemble, frame, y)
    first = ensemble.estimators_[0]
    # Members see the DataFrame's columns (and names) they were given.
    labels = ensemble.classes_[first.predict(frame.iloc[:, ensemble.estimators_features_[0]])]
    assert report.loc["member_0", "accuracy"] == pytest.approx(np.mean(labels == y))
    assert report.loc["ensemble", "accuracy"] == pytest.approx(ensemble.score(frame, y))


def test_members_with_inconsistent_classes_are_rejected(classification_data):
    X, y = classification_data
    three = LogisticRegression().fit(X, y)
    two = LogisticRegression().fit(X[y != "cat"], y[y != "cat"])
    with pytest.raises(ValueError, match="Members with inconsistent classes: 'b' has classes"):
        diversity_report([("a", three), ("b", two)], X, y)


@pytest.mark.parametrize(
    "ensemble, error, message",
    [
        (VotingClassifier([("only", LogisticRegression())]), ValueError, "at least 2 members"),
        (LogisticRegression(), TypeError, "LogisticRegression has no list of fitted members"),
        (HistGradientBoostingClassifier(max_iter=3), TypeError, "no list of fitted members"),
    ],
)
def test_what_is_not_an_ensemble_of_several(classification_data, ensemble, error, message):
    X, y = classification_data
    with pytest.raises(error, match=message):
        diversity_report(ensemble.fit(X, y), X, y)


def test_other_bad_input(classification_data, regression_data):
    X, y = classification_data
    members = [LogisticRegression().fit(X, y), LogisticRegression(C=0.1).fit(X, y)]
    with pytest.raises(ValueError, match="y has 79 rows but X has 80"):
        diversity_report(members, X, y[:-1])
    with pytest.raises(ValueError, match="at least 2 members"):
        diversity_report(members[:1], X, y)
    Xr, yr = regression_data
    mixed = [members[0], BaggingRegressor(n_estimators=2).fit(Xr, yr)]
    with pytest.raises(ValueError, match="mix classifiers and regressors"):
        diversity_report(mixed, X, y)
