"""to_onnx on networks fed images and sequences: one graph from the raw X of predict."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

from skneural.export import onnx_inputs, to_onnx  # noqa: E402

FAST = {"max_epochs": 2, "lr": 1e-2, "random_state": 0}
CONV = {"channels": (4,)}
RECURRENT = {"hidden_size": 4}


def _images(dtype, shape=(28, 2, 6, 6), seed=0):
    pixels = np.random.default_rng(seed).integers(0, 256, size=shape)
    return pixels.astype(np.uint8) if dtype == "uint8" else (pixels / 64).astype(dtype)


def _sequences(shape=(28, 2, 12), seed=0):
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.normal(size=shape), axis=-1) + 5.0  # off-centre: scaling matters


def _labels(n_rows):
    return np.array(["low", "mid", "high"])[np.arange(n_rows) % 3]


def _outputs(model, X):
    """The graph's outputs on ``X``, by name, in onnxruntime alone."""
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(None, onnx_inputs(X, model)), strict=True))


def _assert_parity(model, estimator, X):
    """Labels equal and values within 1e-5 on one row and on a batch never seen."""
    for rows in (X[:1], X):
        outputs = _outputs(model, rows)
        if "label" in outputs:
            np.testing.assert_array_equal(outputs["label"], estimator.predict(rows))
            np.testing.assert_allclose(
                outputs["probabilities"], estimator.predict_proba(rows), atol=1e-5
            )
        else:
            expected = estimator.predict(rows).reshape(len(rows), -1)
            np.testing.assert_allclose(outputs["variable"], expected, rtol=1e-5, atol=1e-5)


def _batch_axis_and_type(model):
    (graph_input,) = model.graph.input
    first = graph_input.type.tensor_type.shape.dim[0]
    return first.dim_value, graph_input.type.tensor_type.elem_type


IMAGE_CASES = {
    "cnn, uint8 (n, C, H, W)": (
        NeuralClassifier(module="cnn", module_params=CONV, **FAST),
        _images("uint8"),
    ),
    "resnet_cnn, float (n, H, W), standardised": (
        NeuralClassifier(module="resnet_cnn", module_params=CONV, preprocessing="standard", **FAST),
        _images("float64", shape=(28, 6, 6)),
    ),
    "cnn, flattened uint8 pixels, standardised": (
        NeuralRegressor(
            module="cnn",
            module_params={**CONV, "input_shape": (2, -1, 6)},
            preprocessing="standard",
            **FAST,
        ),
        _images("uint8").reshape(28, -1),
    ),
    "resnet_cnn, float32 (n, C, H, W)": (
        NeuralRegressor(module="resnet_cnn", module_params=CONV, **FAST),
        _images("float32"),
    ),
}


@pytest.mark.parametrize("case", list(IMAGE_CASES))
def test_image_network_exports_its_input_layer_too(case):
    estimator, X = IMAGE_CASES[case]
    if isinstance(estimator, NeuralClassifier):
        y = _labels(len(X))
    else:
        y = X.reshape(len(X), -1)[:, :2].astype(float)
    estimator.fit(X[:20], y[:20])
    model = to_onnx(estimator, X[:4])  # check=True: verified on 4 rows and on 1
    batch, element_type = _batch_axis_and_type(model)
    assert batch == 0  # dynamic
    expected_type = onnx.TensorProto.UINT8 if X.dtype == np.uint8 else onnx.TensorProto.FLOAT
    assert element_type == expected_type
    _assert_parity(model, estimator, X[20:])


def test_image_network_after_scikit_learn_steps_on_flattened_pixels():
    X = _images("float64").reshape(28, -1)
    network = NeuralClassifier(
        module="resnet_cnn", module_params={**CONV, "input_shape": (2, 6, 6)}, **FAST
    )
    pipeline = make_pipeline(StandardScaler(), network).fit(X[:20], _labels(20))
    model = to_onnx(pipeline, X[:4])
    _assert_parity(model, pipeline, X[20:])


SEQUENCE_CASES = {
    "tcn, (n, C, T) classifier": (
        NeuralClassifier(module="tcn", module_params={"n_filters": 3, "depth": 2}, **FAST),
        _sequences(),
    ),
    # patches fix the batch size in the TorchScript export: the dynamo exporter takes over
    "sequence_transformer with patches, (n, C, T) classifier": (
        NeuralClassifier(
            module="sequence_transformer",
            module_params={
                "d_model": 4,
                "n_heads": 2,
                "num_layers": 1,
                "patch_size": 2,
                "pooling": "cls",
            },
            **FAST,
        ),
        _sequences(),
    ),
    "gru, (n, T) classifier": (
        NeuralClassifier(module="gru", module_params=RECURRENT, **FAST),
        _sequences(shape=(28, 12)),
    ),
    "lstm, (n, C, T) regressor, unscaled": (
        NeuralRegressor(module="lstm", module_params=RECURRENT, preprocessing=None, **FAST),
        _sequences(),
    ),
    "gru, (n, C, T) regressor, last step": (
        NeuralRegressor(
            module="gru", module_params={**RECURRENT, "pooling": "last", "num_layers": 2}, **FAST
        ),
        _sequences(),
    ),
}


@pytest.mark.parametrize("case", list(SEQUENCE_CASES))
def test_sequence_network_exports_with_a_dynamic_batch_axis(case):
    estimator, X = SEQUENCE_CASES[case]
    y = _labels(len(X)) if isinstance(estimator, NeuralClassifier) else X[..., -1]
    estimator.fit(X[:20], y[:20])
    model = to_onnx(estimator, X[:4])
    assert _batch_axis_and_type(model) == (0, onnx.TensorProto.FLOAT)
    _assert_parity(model, estimator, X[20:])


def test_nan_padded_sequences_read_as_predict_reads_them():
    X = _sequences()
    X[::3, :, 7:] = np.nan  # shorter rows, padded at the end to the training length
    X[1, 0, 2] = np.nan  # a missing value inside a row
    clf = NeuralClassifier(module="gru", module_params=RECURRENT, **FAST).fit(X[:20], _labels(20))
    model = to_onnx(clf, X[:4])
    _assert_parity(model, clf, X[20:])


def test_ensembles_of_image_and_sequence_networks_on_2d_inputs():
    from skneural.ensemble import DeepEnsembleClassifier, SnapshotEnsembleRegressor

    pixels = _images("uint8").reshape(28, -1)
    member = NeuralClassifier(module="cnn", module_params={**CONV, "input_shape": (2, 6, 6)})
    ensemble = DeepEnsembleClassifier(member.set_params(**FAST), n_estimators=2, random_state=0)
    ensemble.fit(pixels[:20], _labels(20))
    _assert_parity(to_onnx(ensemble, pixels[:4]), ensemble, pixels[20:])

    X = _sequences(shape=(28, 12))
    member = NeuralRegressor(module="gru", module_params=RECURRENT, random_state=0)
    ensemble = SnapshotEnsembleRegressor(member, n_snapshots=2, cycle_epochs=1)
    ensemble.fit(X[:20], X[:20, -1])
    _assert_parity(to_onnx(ensemble, X[:4]), ensemble, X[20:])


def test_images_or_sequences_unlike_the_fitted_ones_are_refused():
    X = _images("uint8")
    clf = NeuralClassifier(module="cnn", module_params=CONV, **FAST).fit(X, _labels(len(X)))
    with pytest.raises(ValueError, match="uint8 pixels"):
        to_onnx(clf, X.astype(np.float32))
    with pytest.raises(ValueError, match="another image size"):
        to_onnx(clf, X[:, :, :5, :5])

    sequences = _sequences()
    reg = NeuralRegressor(module="gru", module_params=RECURRENT, **FAST)
    reg.fit(sequences, sequences[:, 0, -1])
    with pytest.raises(ValueError, match="training length, 12 steps: pad shorter"):
        to_onnx(reg, sequences[:, :, :10])
    with pytest.raises(ValueError, match="must be one numeric array.*got a list.*NaN"):
        to_onnx(reg, [row[:, :8] for row in sequences])
