"""Everyday inputs are accepted and give correct results."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_multilabel_classification

from skneural import NeuralClassifier, NeuralRegressor
from tests.conftest import FAST


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32, bool])
def test_classifier_accepts_any_numeric_dtype(binary_data, dtype):
    X, y = binary_data
    X = (X > 0) if dtype is bool else (X * 10).astype(dtype)
    clf = NeuralClassifier(**FAST).fit(X, y)
    assert clf.predict(X).dtype == y.dtype
    assert clf.score(X, y) > 0.7


@pytest.mark.parametrize(
    "labels", [["cat", "dog", "fish"], [3, 7, 9], [-2, 0, 11]], ids=["str", "int", "negative"]
)
def test_predictions_are_original_labels(classification_data, labels):
    X, y = classification_data
    y_labels = np.asarray(labels)[y]
    clf = NeuralClassifier(**FAST).fit(X, y_labels)
    np.testing.assert_array_equal(clf.classes_, np.sort(labels))
    predictions = clf.predict(X)
    assert set(predictions) <= set(labels)
    assert np.mean(predictions == y_labels) > 0.8


def test_bool_labels(binary_data):
    X, y = binary_data
    clf = NeuralClassifier(**FAST).fit(X, y.astype(bool))
    assert clf.predict(X).dtype == bool
    assert clf.score(X, y.astype(bool)) > 0.8


def test_dataframe_keeps_feature_names(binary_data):
    X, y = binary_data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = NeuralClassifier(**FAST).fit(frame, y)
    np.testing.assert_array_equal(clf.feature_names_in_, frame.columns)
    assert clf.score(frame, y) > 0.8
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        clf.predict(X)


def test_nullable_pandas_dtypes_are_numeric(binary_data):
    X, y = binary_data
    frame = pd.DataFrame({"a": pd.array((X[:, 0] > 0).astype(int), dtype="Int64"), "b": X[:, 1]})
    clf = NeuralClassifier(**FAST).fit(frame, y)
    assert clf.n_features_in_ == 2


def test_sparse_input_matches_dense(binary_data):
    X, y = binary_data
    X[np.abs(X) < 0.5] = 0
    dense = NeuralClassifier(**FAST).fit(X, y).predict_proba(X)
    sparse = NeuralClassifier(**FAST).fit(sp.csr_matrix(X), y).predict_proba(sp.csr_matrix(X))
    np.testing.assert_array_equal(dense, sparse)


def test_multilabel_indicator_target():
    X, Y = make_multilabel_classification(n_samples=200, n_features=8, n_classes=4, random_state=0)
    clf = NeuralClassifier(**FAST).fit(X, Y)
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    assert clf.predict(X).shape == Y.shape
    majority = np.maximum(Y.mean(axis=0), 1 - Y.mean(axis=0)).mean()  # 0.56 here
    assert np.mean(clf.predict(X) == Y) > majority + 0.2


@pytest.mark.parametrize("loss", ["log_loss", "cross_entropy", "binary_cross_entropy"])
def test_binary_losses_give_normalised_probabilities(binary_data, loss):
    X, y = binary_data
    clf = NeuralClassifier(loss=loss, **FAST).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


def test_one_d_regression_target_learns_and_predicts_one_d(regression_data):
    # skorch broadcasts a 1-D y against (n, 1) outputs and trains to R^2 ~ 0.
    X, y = regression_data
    reg = NeuralRegressor(hidden_layer_sizes=(32,), max_epochs=60, lr=1e-2, random_state=0)
    reg.fit(X, y)
    assert reg.predict(X).shape == (len(X),)
    assert reg.score(X, y) > 0.95


def test_two_d_and_multi_output_regression(regression_data):
    X, y = regression_data
    column = NeuralRegressor(**FAST).fit(X, y.reshape(-1, 1))
    assert column.predict(X).shape == (len(X), 1)
    Y = np.column_stack([y, -2 * y + 5])
    multi = NeuralRegressor(hidden_layer_sizes=(32,), max_epochs=60, lr=1e-2, random_state=0)
    multi.fit(X, Y)
    assert multi.predict(X).shape == (len(X), 2)
    assert multi.score(X, Y) > 0.9


def test_target_standardisation_handles_large_scales(regression_data):
    X, y = regression_data
    reg = NeuralRegressor(hidden_layer_sizes=(32,), max_epochs=60, lr=1e-2, random_state=0)
    reg.fit(X, y * 1e4 + 1e6)
    assert reg.score(X, y * 1e4 + 1e6) > 0.95


@pytest.mark.parametrize("loss", ["absolute_error", "huber", "quantile"])
def test_robust_regression_losses(regression_data, loss):
    X, y = regression_data
    reg = NeuralRegressor(loss=loss, hidden_layer_sizes=(32,), max_epochs=60, lr=1e-2)
    assert reg.set_params(random_state=0).fit(X, y).score(X, y) > 0.8


def test_poisson_loss_predicts_positive_counts(rng):
    X = rng.normal(size=(300, 3))
    y = rng.poisson(np.exp(0.5 * X[:, 0] + 1))
    reg = NeuralRegressor(loss="poisson", **FAST).fit(X, y)
    predictions = reg.predict(X)
    assert (predictions > 0).all()
    assert np.corrcoef(predictions, np.exp(0.5 * X[:, 0] + 1))[0, 1] > 0.8


def test_a_sparse_label_indicator_matrix_is_a_multilabel_target():
    # It failed with "TypeError: len() of unsized object"; scikit-learn's MLP takes it.
    X, Y = make_multilabel_classification(n_samples=50, random_state=0)
    dense = NeuralClassifier(max_epochs=2, random_state=0).fit(X, Y)
    sparse = NeuralClassifier(max_epochs=2, random_state=0).fit(X, sp.csr_matrix(Y))
    np.testing.assert_array_equal(sparse.predict_proba(X), dense.predict_proba(X))
    assert sparse.score(X, sp.csr_matrix(Y)) == dense.score(X, Y)


def test_a_class_weight_dict_on_a_multilabel_target_says_what_works():
    # scikit-learn's message asked for a list of dicts, which the parameter refuses.
    X, Y = make_multilabel_classification(n_samples=50, random_state=0)
    with pytest.raises(ValueError, match="class_weight='balanced', or weight the rows"):
        NeuralClassifier(class_weight={0: 2.0}, max_epochs=2).fit(X, Y)
    assert NeuralClassifier(class_weight="balanced", max_epochs=2).fit(X, Y).classes_.size == 5
