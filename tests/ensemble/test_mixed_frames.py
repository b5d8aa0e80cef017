"""Ensembles take the raw DataFrames their member networks take."""

import numpy as np
import pandas as pd
import pytest

from skneural.ensemble import (
    DeepEnsembleClassifier,
    DeepEnsembleRegressor,
    SnapshotEnsembleClassifier,
    SnapshotEnsembleRegressor,
    diversity_report,
)


@pytest.fixture
def mixed_frame():
    rng = np.random.RandomState(0)
    n = 90
    frame = pd.DataFrame(
        {
            "size": np.where(rng.rand(n) < 0.1, np.nan, rng.normal(size=n)),
            "city": rng.choice(["Paris", "Lyon", "Nice"], size=n),
            "member": rng.rand(n) > 0.5,
            "joined": pd.date_range("2021-01-01", periods=n, freq="D"),
        }
    )
    signal = frame["size"].fillna(0) + (frame["city"] == "Paris")
    return frame, signal.to_numpy()


def _ensembles(tiny_classifier, tiny_regressor):
    return [
        (DeepEnsembleClassifier(tiny_classifier(), n_estimators=2, random_state=0), "class"),
        (DeepEnsembleRegressor(tiny_regressor(), n_estimators=2, random_state=0), "value"),
        (
            SnapshotEnsembleClassifier(
                tiny_classifier(), n_snapshots=2, cycle_epochs=2, random_state=0
            ),
            "class",
        ),
        (
            SnapshotEnsembleRegressor(
                tiny_regressor(), n_snapshots=2, cycle_epochs=2, random_state=0
            ),
            "value",
        ),
    ]


@pytest.mark.parametrize("index", range(4))
def test_mixed_dataframe_is_passed_to_the_members(
    mixed_frame, tiny_classifier, tiny_regressor, index
):
    # Rejected with "could not convert string to float" before, though each
    # member network takes such a table.
    ensemble, target = _ensembles(tiny_classifier, tiny_regressor)[index]
    X, signal = mixed_frame
    y = np.where(signal > 0.5, "high", "low") if target == "class" else signal
    ensemble.fit(X, y)
    assert list(ensemble.feature_names_in_) == list(X.columns)
    assert all(
        type(m.preprocessor_).__name__ == "TabularPreprocessor" for m in ensemble.estimators_
    )
    assert ensemble.predict(X.head(7)).shape == (7,)
    with pytest.raises(ValueError, match="city"):
        ensemble.predict(X.drop(columns="city"))


def test_feature_subsets_of_a_dataframe(mixed_frame, tiny_regressor):
    X, y = mixed_frame
    ensemble = DeepEnsembleRegressor(
        tiny_regressor(), n_estimators=3, max_features=2, random_state=0
    ).fit(X, y)
    for member, features in zip(ensemble.estimators_, ensemble.estimators_features_, strict=True):
        assert list(member.feature_names_in_) == list(X.columns[features])
    mean, std = ensemble.predict(X, return_std=True)
    assert mean.shape == std.shape == (len(X),)
    assert diversity_report(ensemble, X, y) is not None


def test_numeric_dataframe_predicts_as_the_array(tiny_classifier):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(80, 4))
    y = (X[:, 0] > 0).astype(int)
    frame = pd.DataFrame(X, columns=list("abcd"))
    ensemble = DeepEnsembleClassifier(tiny_classifier(), n_estimators=2, random_state=0)
    from_array = ensemble.fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(ensemble.fit(frame, y).predict_proba(frame), from_array)
