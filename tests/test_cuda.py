"""The device="cuda" path. Runs where CUDA is present (skipped elsewhere);
tests/estimators/test_bad_input.py covers the fallback to the CPU without CUDA."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV

from skneural import NeuralClassifier, NeuralRegressor
from skneural.callbacks import Checkpoint
from tests.conftest import FAST

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_fit_predict_on_cuda(Estimator, classification_data):
    X, y = classification_data
    model = Estimator(device="cuda", **FAST).fit(X, y)
    assert next(model.module_.parameters()).is_cuda
    assert model.device_.type == "cuda"
    assert model.score(X, y) > 0.6


def test_a_gpu_index_that_does_not_exist_is_a_clear_error(classification_data):
    device = f"cuda:{torch.cuda.device_count()}"
    with pytest.raises(ValueError, match="CUDA device\\(s\\) are visible"):
        NeuralClassifier(device=device, **FAST).fit(*classification_data)


def test_cuda_and_cpu_agree_closely(classification_data):
    X, y = classification_data
    params = {**FAST, "early_stopping": False}
    cpu = NeuralClassifier(device="cpu", **params).fit(X, y).predict_proba(X)
    gpu = NeuralClassifier(device="cuda", **params).fit(X, y).predict_proba(X)
    np.testing.assert_allclose(gpu, cpu, atol=5e-3)


def test_large_table_rules_on_cuda():
    # numeric_encoding="auto", the plateau decay and (96, 96) on a large table.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(14_000, 4)).astype(np.float32)
    y = np.abs(X[:, 0]) + X[:, 1]
    params = {"max_epochs": 3, "random_state": 0}
    gpu = NeuralRegressor(device="cuda", **params).fit(X, y)
    cpu = NeuralRegressor(device="cpu", **params).fit(X, y)
    assert type(gpu.module_.encoder.numeric).__name__ == "PiecewiseLinearEncoding"
    assert gpu.module_.encoder.numeric.feature.is_cuda
    assert gpu.score(X, y) > 0.8 and abs(gpu.score(X, y) - cpu.score(X, y)) < 0.02


@pytest.mark.parametrize(
    "variant", [{"precision": "bf16"}, {"compile": True}, {"precision": "bf16", "compile": True}]
)
def test_bf16_and_compile_on_cuda(variant, classification_data):
    X, y = classification_data
    params = {**FAST, "early_stopping": False, "device": "cuda"}
    plain = NeuralClassifier(**params).fit(X, y)
    fast = NeuralClassifier(**params, **variant).fit(X, y)
    assert list(fast.module_.state_dict()) == list(plain.module_.state_dict())
    assert abs(fast.score(X, y) - plain.score(X, y)) < 0.05
    assert pickle.loads(pickle.dumps(fast)).score(X, y) == fast.score(X, y)


CPU_ONLY_PREDICT = """
import pickle, sys, warnings
import numpy as np, torch
assert not torch.cuda.is_available()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model = pickle.loads(open(sys.argv[1], "rb").read())
assert any("not available here" in str(w.message) for w in caught)
np.save(sys.argv[3], model.predict_proba(np.load(sys.argv[2])))
"""


def test_cuda_model_loads_and_predicts_on_a_cpu_only_process(tmp_path, classification_data):
    X, y = classification_data
    model = NeuralClassifier(device="cuda", **FAST).fit(X, y)
    paths = [tmp_path / "model.pkl", tmp_path / "X.npy", tmp_path / "proba.npy"]
    paths[0].write_bytes(pickle.dumps(model))
    np.save(paths[1], X)
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", CPU_ONLY_PREDICT, *map(str, paths)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    np.testing.assert_allclose(np.load(paths[2]), model.predict_proba(X), atol=1e-5)


def test_cuda_checkpoint_resume_and_search(tmp_path, classification_data):
    X, y = classification_data
    params = {**FAST, "device": "cuda", "early_stopping": False, "max_epochs": 4}
    first = NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **params).fit(X, y)
    again = NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **params).fit(X, y)
    assert again.callbacks_[0].resumed_from_ is not None
    np.testing.assert_array_equal(again.predict_proba(X), first.predict_proba(X))
    search = GridSearchCV(NeuralClassifier(device="cuda", **FAST), {"lr": [1e-2, 1e-3]}, cv=2)
    assert search.fit(X, y).best_estimator_.device_.type == "cuda"


@pytest.mark.parametrize("devices", [("cpu", "cuda"), ("cuda", "cpu")])
def test_fine_tuning_across_devices_keeps_frozen_weights(classification_data, devices):
    from skneural.zoo import backbone

    X, y = classification_data
    pretrained = NeuralClassifier(device=devices[0], **FAST).fit(X, y)
    source = {k: v.detach().cpu().clone() for k, v in pretrained.module_.named_parameters()}
    clf = NeuralClassifier(
        module=backbone(pretrained, freeze=["hidden.*"], backbone_lr_scale=0.1),
        device=devices[1],
        **FAST,
    ).fit(X, y == 0)
    assert next(clf.module_.parameters()).device.type == devices[1]
    for name, value in clf.module_.named_parameters():
        if name.startswith("hidden"):
            assert torch.equal(value.detach().cpu(), source[name]), name
    assert [g["lr"] for g in clf._optimizer.param_groups] == pytest.approx([1e-2, 1e-3])
