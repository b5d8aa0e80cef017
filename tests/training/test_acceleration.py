"""The opt-in speed-ups: precision="bf16" (autocast) and compile=True.

Compiled fits use torch.compile's "aot_eager" backend here (the graph capture
and the autograd tracing of the real compiler, without generating code, which
takes 15 s and more per network on a CPU)."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification, make_regression
from sklearn.utils._param_validation import InvalidParameterError

from skneural import NeuralClassifier, NeuralRegressor
from skneural.training._acceleration import check_precision


@pytest.fixture
def small_table():
    X, y = make_regression(200, 5, noise=1.0, random_state=0)
    return X.astype(np.float32), y


@pytest.fixture
def compile_backend():
    """Compile with ``aot_eager`` during the test, then restore the default."""
    previous = torch.compiler.get_default_backend()
    torch.compiler.set_default_backend("aot_eager")
    yield
    torch.compiler.set_default_backend(previous)
    torch.compiler.reset()


class DtypeRecorder(torch.nn.Module):
    """A linear network that records the dtype of its output per mode."""

    def __init__(self, n_features_in, n_outputs):
        super().__init__()
        self.linear = torch.nn.Linear(n_features_in, n_outputs)
        self.dtypes = {"train": set(), "eval": set()}

    def forward(self, X):
        out = self.linear(X)
        self.dtypes["train" if self.training else "eval"].add(out.dtype)
        return out


def test_bf16_trains_in_bfloat16_and_predicts_in_float32(small_table):
    X, y = small_table
    model = NeuralRegressor(module=DtypeRecorder, precision="bf16", max_epochs=2, random_state=0)
    model.fit(X, y)
    assert model.module_.dtypes["train"] == {torch.bfloat16}
    assert model.module_.dtypes["eval"] == {torch.float32}
    assert next(model.module_.parameters()).dtype == torch.float32
    assert model.predict(X).dtype == np.float64


def test_bf16_is_deterministic_and_close_to_float32(small_table):
    X, y = small_table
    params = {"max_epochs": 30, "random_state": 0}
    bf16 = [NeuralRegressor(precision="bf16", **params).fit(X, y) for _ in range(2)]
    fp32 = NeuralRegressor(**params).fit(X, y)
    np.testing.assert_array_equal(bf16[0].predict(X), bf16[1].predict(X))
    assert bf16[0].history_[0]["train_loss"] != fp32.history_[0]["train_loss"]
    assert bf16[0].score(X, y) == pytest.approx(fp32.score(X, y), abs=0.02)


def test_bf16_classifier_keeps_float32_loss_and_probabilities():
    X, y = make_classification(200, 6, random_state=0)
    model = NeuralClassifier(precision="bf16", max_epochs=5, random_state=0).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert all(np.isfinite(row["train_loss"]) for row in model.history_)


@pytest.mark.parametrize("precision", ["fp16", "float32", "BF16", None])
def test_unknown_precision_is_refused(small_table, precision):
    with pytest.raises(InvalidParameterError, match="'precision' parameter"):
        NeuralRegressor(precision=precision).fit(*small_table)


def test_bf16_needs_native_bfloat16_on_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation: False)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Tesla T4")
    with pytest.raises(ValueError, match="native bfloat16.*Tesla T4.*precision='fp32'"):
        check_precision("bf16", torch.device("cuda"))
    check_precision("fp32", torch.device("cuda"))  # float32 runs anywhere


def test_bf16_is_refused_on_other_devices():
    with pytest.raises(ValueError, match="'cpu' and 'cuda' devices, not on 'mps'"):
        check_precision("bf16", torch.device("mps"))


def test_compile_compiles_in_place_and_keeps_state_dict_keys(small_table, compile_backend):
    X, y = small_table
    params = {"max_epochs": 3, "random_state": 0}
    compiled = NeuralRegressor(compile=True, **params).fit(X, y)
    plain = NeuralRegressor(**params).fit(X, y)
    assert compiled.module_._compiled_call_impl is not None
    assert type(compiled.module_) is type(plain.module_)
    assert list(compiled.module_.state_dict()) == list(plain.module_.state_dict())
    np.testing.assert_allclose(compiled.predict(X), plain.predict(X), rtol=1e-4, atol=1e-4)


def test_compiled_estimator_pickles_and_compiles_again(small_table, compile_backend):
    X, y = small_table
    model = NeuralRegressor(compile=True, max_epochs=2, random_state=0).fit(X, y)
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded.module_._compiled_call_impl is not None
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert model.module_._compiled_call_impl is not None  # the live model is untouched


def test_compile_turned_on_for_a_warm_start_compiles_the_existing_network(
    small_table, compile_backend
):
    X, y = small_table
    model = NeuralRegressor(max_epochs=2, warm_start=True, random_state=0).fit(X, y)
    network = model.module_
    model.set_params(compile=True).fit(X, y)
    assert model.module_ is network and network._compiled_call_impl is not None


def test_compile_with_bf16_and_partial_fit(small_table, compile_backend):
    X, y = small_table
    model = NeuralRegressor(compile=True, precision="bf16", random_state=0)
    model.partial_fit(X, y).partial_fit(X, y)
    assert model.n_iter_ == 2
    assert np.isfinite(model.predict(X)).all()


def test_compiler_failure_names_compile_false_and_leaves_the_estimator_unfitted(small_table):
    def broken_backend(graph, example_inputs):
        raise OSError("no C++ compiler found")

    previous = torch.compiler.get_default_backend()
    torch.compiler.set_default_backend(broken_backend)
    try:
        model = NeuralRegressor(compile=True, max_epochs=2, random_state=0)
        with pytest.raises(RuntimeError, match="compile=True.*compile=False") as info:
            model.fit(*small_table)
    finally:
        torch.compiler.set_default_backend(previous)
        torch.compiler.reset()
    assert "no C++ compiler found" in str(info.value.__cause__)
    assert not hasattr(model, "module_")


def test_compile_is_refused_where_torch_compile_is_unsupported(small_table, monkeypatch):
    import torch._dynamo

    monkeypatch.setattr(torch._dynamo, "is_dynamo_supported", lambda: False)
    with pytest.raises(ValueError, match="compile=True needs torch.compile"):
        NeuralRegressor(compile=True).fit(*small_table)


def test_compile_must_be_a_boolean(small_table):
    with pytest.raises(InvalidParameterError, match="'compile' parameter"):
        NeuralRegressor(compile="yes").fit(*small_table)


def test_default_precision_trains_in_float32(small_table):
    X, y = small_table
    model = NeuralRegressor(module=DtypeRecorder, max_epochs=2, random_state=0).fit(X, y)
    assert model.precision == "fp32" and model.compile is False
    assert model.module_.dtypes["train"] == {torch.float32}
    assert model.module_._compiled_call_impl is None


_RNG = np.random.default_rng(0)
_INPUTS = {
    "table": _RNG.normal(size=(60, 5)).astype(np.float32),
    "image": _RNG.normal(size=(60, 1, 8, 8)).astype(np.float32),
    "sequence": _RNG.normal(size=(60, 12, 2)).astype(np.float32),
}


@pytest.mark.parametrize(
    "module, kind",
    [
        ("mlp", "table"),
        ("resnet", "table"),
        ("ft_transformer", "table"),
        ("cnn", "image"),
        ("resnet_cnn", "image"),
        ("gru", "sequence"),
        ("lstm", "sequence"),
        ("tcn", "sequence"),
        ("inception_time", "sequence"),
        ("sequence_transformer", "sequence"),
    ],
)
def test_every_built_in_module_trains_in_bf16(module, kind):
    X, y = _INPUTS[kind], np.arange(60) % 2
    model = NeuralClassifier(module=module, precision="bf16", max_epochs=2, random_state=0)
    proba = model.fit(X, y).predict_proba(X)
    assert np.isfinite(proba).all() and all(np.isfinite(model.loss_curve_))
