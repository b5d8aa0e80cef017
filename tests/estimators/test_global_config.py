"""scikit-learn's global configuration does not change what the estimators do."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.compose import make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.ensemble import (
    DeepEnsembleClassifier,
    DeepEnsembleRegressor,
    SnapshotEnsembleClassifier,
    SnapshotEnsembleRegressor,
)
from skneural.preprocessing import TabularPreprocessor
from tests.conftest import FAST

TINY = {**FAST, "max_epochs": 3}


@pytest.fixture
def table():
    rng = np.random.RandomState(0)
    n = 120
    frame = pd.DataFrame(
        {
            "size": rng.normal(size=n),
            "colour": rng.choice(["red", "green", "blue"], size=n),
            "weight": rng.normal(size=n),
        }
    )
    y = (frame["size"] + (frame["colour"] == "red") > 0.5).astype(int).to_numpy()
    return frame, y


def _models():
    one_hot = make_column_transformer(
        (OneHotEncoder(sparse_output=False), ["colour"]), (StandardScaler(), ["size", "weight"])
    )
    return {
        "classifier": (NeuralClassifier(**TINY), "numeric"),
        "regressor": (NeuralRegressor(**TINY), "numeric"),
        "raw table": (NeuralClassifier(**TINY), "frame"),
        "transformer": (NeuralClassifier(preprocessing=one_hot, **TINY), "frame"),
        "pipeline": (make_pipeline(StandardScaler(), NeuralClassifier(**TINY)), "numeric"),
        "pipeline of tables": (make_pipeline(one_hot, NeuralRegressor(**TINY)), "frame"),
        "tabular pipeline": (
            make_pipeline(TabularPreprocessor(), NeuralClassifier(**TINY)),
            "frame",
        ),
        "deep ensemble": (
            DeepEnsembleClassifier(NeuralClassifier(**TINY), n_estimators=2, random_state=0),
            "numeric",
        ),
        "deep ensemble regressor": (
            DeepEnsembleRegressor(NeuralRegressor(**TINY), n_estimators=2, random_state=0),
            "numeric",
        ),
        "snapshot ensemble": (
            SnapshotEnsembleClassifier(
                NeuralClassifier(**TINY), n_snapshots=2, cycle_epochs=2, random_state=0
            ),
            "numeric",
        ),
        "snapshot ensemble regressor": (
            SnapshotEnsembleRegressor(
                NeuralRegressor(**TINY), n_snapshots=2, cycle_epochs=2, random_state=0
            ),
            "numeric",
        ),
    }


@pytest.mark.parametrize("name", list(_models()))
def test_pandas_transform_output_changes_nothing(table, name):
    # sklearn.set_config(transform_output="pandas") is common in notebooks: the
    # estimators' own transformers must not follow it, and the DataFrames that
    # the user's transformers then output must be accepted.
    model, inputs = _models()[name]
    frame, y = table
    X = frame[["size", "weight"]].to_numpy() if inputs == "numeric" else frame
    expected = sklearn.clone(model).fit(X, y).predict(X)
    with sklearn.config_context(transform_output="pandas"):
        predicted = sklearn.clone(model).fit(X, y).predict(X)
    np.testing.assert_array_equal(predicted, expected)


def test_preprocessor_outputs_follow_the_global_setting(table):
    frame, _ = table
    with sklearn.config_context(transform_output="pandas"):
        assert isinstance(TabularPreprocessor().fit_transform(frame), pd.DataFrame)
