"""Label smoothing and temperature scaling in NeuralClassifier."""

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

from skneural import NeuralClassifier
from tests.conftest import FAST


@pytest.mark.parametrize("loss", ["log_loss", "binary_cross_entropy"])
def test_temperature_changes_probabilities_not_labels(binary_data, loss):
    X, y = binary_data
    params = {**FAST, "loss": loss, "label_smoothing": 0.2}
    scaled = NeuralClassifier(**params).fit(X, y)
    unscaled = NeuralClassifier(**params, temperature_scaling=False).fit(X, y)
    assert unscaled.temperature_ == 1.0
    assert scaled.temperature_ != pytest.approx(1.0, abs=1e-3)
    np.testing.assert_array_equal(scaled.predict(X), unscaled.predict(X))
    assert not np.allclose(scaled.predict_proba(X), unscaled.predict_proba(X))
    np.testing.assert_allclose(scaled.predict_proba(X).sum(axis=1), 1.0)


def test_probabilities_are_the_softmax_of_logits_over_the_temperature(classification_data):
    X, y = classification_data
    unscaled = NeuralClassifier(**FAST, temperature_scaling=False).fit(X, y).predict_proba(X)
    scaled = NeuralClassifier(**FAST).fit(X, y)
    expected = softmax(np.log(unscaled) / scaled.temperature_, axis=1)
    np.testing.assert_allclose(scaled.predict_proba(X), expected, rtol=1e-4, atol=1e-7)


def test_no_validation_rows_means_no_temperature(classification_data):
    X, y = classification_data
    clf = NeuralClassifier(**FAST, validation_fraction=0.0, early_stopping=False)
    assert clf.fit(X, y).temperature_ == 1.0


def test_partial_fit_resets_the_temperature(classification_data):
    X, y = classification_data
    clf = NeuralClassifier(**FAST).fit(X, y)
    assert clf.temperature_ != 1.0
    clf.partial_fit(X, y)
    assert clf.temperature_ == 1.0


def test_temperature_restores_the_log_loss_that_smoothing_costs():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0, stratify=y)
    params = {"hidden_layer_sizes": (64,), "max_epochs": 40, "label_smoothing": 0.1}
    smoothed = NeuralClassifier(**params, temperature_scaling=False, random_state=0)
    scaled = NeuralClassifier(**params, random_state=0)
    raw_loss = log_loss(y_test, smoothed.fit(X_train, y_train).predict_proba(X_test))
    scaled_loss = log_loss(y_test, scaled.fit(X_train, y_train).predict_proba(X_test))
    assert scaled.temperature_ < 1  # smoothing makes the network under-confident
    assert scaled_loss < 0.8 * raw_loss
