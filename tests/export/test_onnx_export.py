"""to_onnx: the graph of a fitted estimator or pipeline predicts what skneural predicts."""

import os
import stat

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.datasets import make_classification, make_regression
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.ensemble import (
    DeepEnsembleClassifier,
    DeepEnsembleRegressor,
    SnapshotEnsembleClassifier,
    SnapshotEnsembleRegressor,
)

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

from skneural.export import onnx_inputs, register_converters, to_onnx  # noqa: E402

TINY = {"hidden_layer_sizes": (8,), "max_epochs": 3, "lr": 1e-2, "random_state": 0}


def _run(model, X):
    """The graph's outputs on ``X``, by name, in onnxruntime alone."""
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(None, onnx_inputs(X)), strict=True))


def _data(seed=0):
    X, y = make_classification(
        n_samples=120, n_features=5, n_informative=3, n_classes=3, random_state=seed
    )
    return X, y


def _assert_classifier_parity(model, estimator, X):
    outputs = _run(model, X)
    np.testing.assert_array_equal(outputs["label"], estimator.predict(X))
    np.testing.assert_allclose(outputs["probabilities"], estimator.predict_proba(X), atol=1e-5)


@pytest.fixture
def umask_027():
    """Run a test under the umask 027 (new files 0o640)."""
    previous = os.umask(0o027)
    yield
    os.umask(previous)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
@pytest.mark.parametrize("existing_mode", [None, 0o604], ids=["new-file", "existing-file"])
def test_the_written_file_has_the_mode_open_would_give(tmp_path, umask_027, existing_mode):
    # It was written owner-only (0o600) whatever the umask, narrowing an existing file's mode.
    X, y = _data()
    clf = NeuralClassifier(**TINY).fit(X, y)
    path = tmp_path / "model.onnx"
    if existing_mode is not None:
        path.touch()
        path.chmod(existing_mode)
    to_onnx(clf, X[:10], path=path)
    expected = 0o640 if existing_mode is None else existing_mode
    assert stat.S_IMODE(path.stat().st_mode) == expected
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]


def test_numeric_pipeline_matches_predict_on_new_rows_of_any_batch_size(tmp_path):
    X, y = _data()
    pipeline = make_pipeline(StandardScaler(), NeuralClassifier(**TINY)).fit(X[:100], y[:100])
    path = tmp_path / "model.onnx"
    model = to_onnx(pipeline, X[:10], path=path)
    assert [o.name for o in model.graph.output] == ["label", "probabilities"]
    loaded = onnx.load(path)
    for rows in (X[100:101], X[100:]):  # one row, and a batch size never seen
        _assert_classifier_parity(loaded, pipeline, rows)


@pytest.mark.parametrize(
    "target, params",
    [
        ("multiclass", {}),
        ("strings", {}),
        ("binary", {}),
        ("binary", {"loss": "binary_cross_entropy"}),
        ("multilabel", {}),
    ],
)
def test_classifier_targets_and_temperature(target, params):
    X, y = _data()
    if target == "strings":
        y = np.array(["ant", "bee", "cat"])[y]
    elif target == "binary":
        y = (y == 1).astype(int)
    elif target == "multilabel":
        y = np.c_[y == 0, y == 1, X[:, 0] > 0].astype(int)
    clf = NeuralClassifier(**TINY, **params).fit(X, y)
    assert clf.temperature_ != 1.0  # the temperature is part of the graph
    model = to_onnx(clf, X[:20])
    _assert_classifier_parity(model, clf, X)


@pytest.mark.parametrize(
    "n_outputs, loss", [(1, "squared_error"), (3, "squared_error"), (1, "poisson")]
)
def test_regressor_outputs_and_target_scaling(n_outputs, loss):
    X, y = make_regression(n_samples=120, n_features=5, n_targets=n_outputs, random_state=0)
    if loss == "poisson":
        y = np.round(np.abs(y) / 20)
    else:
        y = y * 100 + 1000  # scaling that the graph must undo
    reg = NeuralRegressor(**TINY, loss=loss).fit(X, y)
    model = to_onnx(reg, X[:20])
    values = _run(model, X)["variable"]
    assert values.shape == (len(X), n_outputs)
    expected = reg.predict(X).reshape(len(X), n_outputs)
    np.testing.assert_allclose(values, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())


def _mixed_frame(n_rows, seed):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n_rows),
            "income": rng.normal(5e4, 1e4, n_rows),
            "city": rng.choice(["paris", "rome", "oslo"], n_rows),
            "plan": pd.Categorical(rng.choice(["basic", "pro"], n_rows)),
        }
    )
    X.loc[::7, "age"] = np.nan
    y = np.where((X["city"] == "rome") | (X["income"] > 5e4), "yes", "no")
    return X, y


def test_mixed_type_dataframe_pipeline_serves_with_onnxruntime_alone():
    X, y = _mixed_frame(150, seed=0)
    prepare = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["city", "plan"]),
        (make_pipeline(SimpleImputer(), StandardScaler()), ["age", "income"]),
    )
    pipeline = make_pipeline(prepare, NeuralClassifier(preprocessing=None, **TINY)).fit(X, y)
    model = to_onnx(pipeline, X.head(30))
    assert [i.name for i in model.graph.input] == ["age", "income", "city", "plan"]
    new_rows, _ = _mixed_frame(40, seed=1)
    new_rows.loc[0, "city"] = "lima"  # unseen category: all zeros, as in scikit-learn
    _assert_classifier_parity(model, pipeline, new_rows)


def test_numeric_dataframe_and_embedded_code_columns():
    X, y = _data()
    X = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    X["shop"] = np.arange(len(X)) % 4  # integer codes, embedded and never standardised
    clf = NeuralClassifier(module_params={"categorical_cardinalities": {5: 4}}, **TINY).fit(X, y)
    model = to_onnx(clf, X.head(10))
    _assert_classifier_parity(model, clf, X)


@pytest.mark.parametrize("module", ["resnet", "ft_transformer"])
def test_tabular_architectures_export(module):
    X, y = _data()
    X[:, 0] = np.arange(len(X)) % 3
    params = {"categorical_cardinalities": {0: 3}}
    if module == "ft_transformer":
        params.update(d_token=8, n_blocks=1, n_heads=2)
    else:
        params.update(n_blocks=1)
    clf = NeuralClassifier(module=module, module_params=params, **TINY).fit(X, y)
    model = to_onnx(clf, X[:10])
    _assert_classifier_parity(model, clf, X[:37])


def test_deep_ensembles_average_their_members():
    X, y = _data()
    y[:2] = 3  # a rare class that a bootstrap member never sees
    ensemble = DeepEnsembleClassifier(
        NeuralClassifier(**TINY), n_estimators=3, bootstrap=True, max_features=0.6, random_state=1
    ).fit(X, y)
    assert [len(member.classes_) for member in ensemble.estimators_] == [4, 3, 4]
    _assert_classifier_parity(to_onnx(ensemble, X[:10]), ensemble, X)

    X, y = make_regression(n_samples=100, n_features=4, random_state=0)
    ensemble = DeepEnsembleRegressor(NeuralRegressor(**TINY), n_estimators=2, random_state=0)
    ensemble.fit(X, y)
    values = _run(to_onnx(ensemble, X[:10]), X)["variable"].ravel()
    np.testing.assert_allclose(values, ensemble.predict(X), atol=1e-5 * np.abs(y).max())


def test_snapshot_ensembles_average_their_snapshots():
    X, y = _data()
    net = NeuralClassifier(hidden_layer_sizes=(8,), random_state=0)
    ensemble = SnapshotEnsembleClassifier(net, n_snapshots=2, cycle_epochs=2).fit(X, y)
    _assert_classifier_parity(to_onnx(ensemble, X[:10]), ensemble, X)

    X, y = make_regression(n_samples=100, n_features=4, n_targets=2, random_state=0)
    net = NeuralRegressor(hidden_layer_sizes=(8,), random_state=0)
    ensemble = SnapshotEnsembleRegressor(net, n_snapshots=2, cycle_epochs=2).fit(X, y)
    values = _run(to_onnx(ensemble, X[:10]), X)["variable"]
    np.testing.assert_allclose(values, ensemble.predict(X), atol=1e-5 * np.abs(y).max())


def test_registered_converters_work_with_skl2onnx_directly():
    from skl2onnx import to_onnx as skl2onnx_to_onnx

    X, y = make_regression(n_samples=60, n_features=4, random_state=0)
    reg = NeuralRegressor(**TINY).fit(X, y)
    register_converters()
    model = skl2onnx_to_onnx(reg, X[:2].astype(np.float32), target_opset=18)
    values = _run(model, X)["variable"].ravel()
    np.testing.assert_allclose(values, reg.predict(X), atol=1e-5 * np.abs(y).max())


def test_a_transformer_given_as_preprocessing_is_part_of_the_graph():
    X, y = _mixed_frame(150, seed=0)
    prepare = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["city", "plan"]),
        (make_pipeline(SimpleImputer(), StandardScaler()), ["age", "income"]),
    )
    clf = NeuralClassifier(preprocessing=prepare, **TINY).fit(X, y)
    model = to_onnx(clf, X.head(30))
    _assert_classifier_parity(model, clf, _mixed_frame(40, seed=1)[0])


def test_sparse_input_is_served_dense():
    import scipy.sparse as sp

    X, y = make_regression(n_samples=80, n_features=6, random_state=0)
    X[np.abs(X) < 1] = 0.0
    X = sp.csr_matrix(X)
    reg = NeuralRegressor(**TINY).fit(X, y)
    values = _run(to_onnx(reg, X[:10]), X)["variable"].ravel()
    np.testing.assert_allclose(values, reg.predict(X), atol=1e-5 * np.abs(y).max())


def test_piecewise_linear_encoding_exports_with_its_bins_and_standardisation():
    # The large-table default (numeric_encoding="auto"), asked for on a small table.
    X, y = make_regression(n_samples=200, n_features=4, noise=1.0, random_state=0)
    reg = NeuralRegressor(numeric_encoding="piecewise_linear", **TINY).fit(X[:150], y[:150])
    model = to_onnx(reg, X[:10])
    (prediction,) = _run(model, X[150:]).values()
    np.testing.assert_allclose(prediction.ravel(), reg.predict(X[150:]), rtol=1e-5, atol=1e-5)
    # the bins gathered per feature, clamped, then standardised
    assert {"Gather", "Max", "Min", "BatchNormalization"} <= {n.op_type for n in model.graph.node}
