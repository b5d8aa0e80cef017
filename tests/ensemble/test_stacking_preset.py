"""make_neural_stack on mixed tables and plain arrays."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import StackingClassifier, StackingRegressor

from skneural import NeuralClassifier
from skneural.ensemble import make_neural_stack


def shrink(stack):
    """Tiny nets and few boosting rounds: the structure is what is tested."""
    stack.set_params(
        net__net__hidden_layer_sizes=(8,),
        net__net__max_epochs=5,
        net__net__lr=5e-2,
        gbm__gbm__max_iter=10,
    )
    return stack


@pytest.fixture
def mixed_table():
    """Numbers with gaps, a string column with gaps, a boolean column."""
    rng = np.random.RandomState(0)
    n = 90
    frame = pd.DataFrame(
        {
            "size": rng.normal(size=n),
            "age": rng.randint(18, 70, size=n).astype(float),
            "colour": rng.choice(["red", "green", "blue"], size=n),
            "member": rng.rand(n) > 0.5,
        }
    )
    frame.loc[::9, "age"] = np.nan
    frame.loc[::7, "colour"] = None
    signal = frame["size"] + (frame["colour"] == "red") - 0.02 * frame["age"].fillna(40)
    return frame, signal


def test_classification_on_a_mixed_table(mixed_table):
    X, signal = mixed_table
    y = np.where(signal > signal.median(), "high", "low")
    stack = shrink(make_neural_stack("classification", cv=3, random_state=0))
    assert isinstance(stack, StackingClassifier)
    stack.fit(X, y)
    proba = stack.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert isinstance(stack.named_estimators_["net"][-1], NeuralClassifier)
    # Gradient boosting splits on the string column natively.
    gbm = stack.named_estimators_["gbm"][-1]
    np.testing.assert_array_equal(gbm.is_categorical_, [False, False, True, False])
    # A category never seen in fit is harmless at predict time.
    unseen = X.head(5).assign(colour="purple")
    assert stack.predict(unseen).shape == (5,)


def test_regression_on_a_plain_array(regression_data):
    X, y = regression_data
    stack = shrink(make_neural_stack("regression", cv=2, random_state=0))
    assert isinstance(stack, StackingRegressor)
    assert stack.fit(X, y).score(X, y) > 0.5
    assert stack.final_estimator_.coef_.shape == (3,)


def test_same_seed_same_stack(regression_data):
    X, y = regression_data
    first, second = (
        shrink(make_neural_stack("regression", cv=2, random_state=4)).fit(X, y) for _ in range(2)
    )
    np.testing.assert_array_equal(first.predict(X), second.predict(X))


@pytest.mark.parametrize(
    "task, cv, message",
    [
        ("clustering", 5, "task must be 'classification' or 'regression'"),
        ("regression", 1, "cv must be an integer of at least 2 folds"),
    ],
)
def test_bad_arguments(task, cv, message):
    with pytest.raises(ValueError, match=message):
        make_neural_stack(task, cv=cv)
