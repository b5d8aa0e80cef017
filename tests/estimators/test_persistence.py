"""Pickle/joblib round trips predict identically and keep training state."""

import io
import pickle

import joblib
import numpy as np
import pytest
import torch

from skneural import NeuralClassifier, NeuralRegressor
from tests.conftest import FAST


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_pickle_round_trip_predicts_identically(Estimator, classification_data):
    X, y = classification_data
    model = Estimator(**FAST).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))


def test_joblib_round_trip(classification_data):
    X, y = classification_data
    model = NeuralClassifier(**FAST).fit(X, y)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(joblib.load(buffer).predict_proba(X), model.predict_proba(X))


def test_training_continues_identically_after_unpickling(classification_data):
    X, y = classification_data
    model = NeuralClassifier(**FAST)
    model.partial_fit(X, y, classes=np.unique(y))
    restored = pickle.loads(pickle.dumps(model))
    model.partial_fit(X, y)
    restored.partial_fit(X, y)
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))


def test_model_from_a_missing_gpu_loads_on_cpu(classification_data, monkeypatch):
    # Simulate a model fitted on CUDA: the pickle carries device_ = cuda.
    X, y = classification_data
    model = NeuralClassifier(**FAST).fit(X, y)
    expected = model.predict_proba(X)
    model.device_ = torch.device("cuda")
    payload = pickle.dumps(model)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(UserWarning, match="fitted on cuda which is not available here"):
        restored = pickle.loads(payload)
    assert restored.device_ == torch.device("cpu")
    np.testing.assert_array_equal(restored.predict_proba(X), expected)


def test_pickle_is_small_and_has_no_live_optimizer(classification_data):
    model = NeuralClassifier(**FAST).fit(*classification_data)
    state = model.__getstate__()
    assert state["_optimizer"] is None
    assert "_optimizer_state" in state


def test_pickling_leaves_the_live_model_untouched(classification_data):
    model = NeuralClassifier(**FAST).fit(*classification_data)
    module, optimizer = model.module_, model._optimizer
    pickle.dumps(model)
    assert model.module_ is module
    assert model._optimizer is optimizer
