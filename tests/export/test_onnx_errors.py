"""to_onnx's errors: what cannot be exported is named, and nothing unverified is written."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import make_column_transformer
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skneural import NeuralClassifier, NeuralRegressor

pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

from skneural.export import to_onnx  # noqa: E402

TINY = {"hidden_layer_sizes": (8,), "max_epochs": 2, "lr": 1e-2, "random_state": 0}


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=80, n_features=4, random_state=0)


@pytest.fixture(scope="module")
def fitted(data):
    return NeuralClassifier(**TINY).fit(*data)


def test_unfitted_estimator_and_pipeline(data):
    X, _ = data
    with pytest.raises(NotFittedError):
        to_onnx(NeuralClassifier(), X)
    with pytest.raises(NotFittedError):
        to_onnx(make_pipeline(StandardScaler(), NeuralRegressor()), X)


class Doubler(TransformerMixin, BaseEstimator):
    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return 2 * X


def test_step_without_converter_is_named_with_the_way_to_register_one(data):
    pipeline = Pipeline([("double", Doubler()), ("net", NeuralClassifier(**TINY))]).fit(*data)
    with pytest.raises(NotImplementedError, match=r"'double' \(Doubler\).*update_registered"):
        to_onnx(pipeline, data[0])
    inner = make_pipeline(StandardScaler(), Doubler())
    clf = NeuralClassifier(preprocessing=inner, **TINY).fit(*data)
    with pytest.raises(NotImplementedError, match=r"'preprocessing__doubler' \(Doubler\)"):
        to_onnx(clf, data[0])


def test_x_sample_unlike_the_fitted_inputs(data, fitted):
    X, y = data
    with pytest.raises(ValueError, match="X_sample has 3 features.*fitted on 4"):
        to_onnx(fitted, X[:, :3])
    with pytest.raises(ValueError, match="non-empty 2-D"):
        to_onnx(fitted, X[0])
    with pytest.raises(ValueError, match="fitted on an array without column names"):
        to_onnx(fitted, pd.DataFrame(X, columns=list("abcd")))
    frame = pd.DataFrame(X, columns=list("abcd"))
    clf = NeuralClassifier(**TINY).fit(frame, y)
    with pytest.raises(ValueError, match=r"not the fitted columns.*missing: \['d'\]"):
        to_onnx(clf, frame[["a", "b", "c"]])
    with pytest.raises(ValueError, match="in order"):
        to_onnx(clf, frame[["b", "a", "c", "d"]])
    with pytest.raises(ValueError, match=r"columns \['b'\] are not numeric"):
        to_onnx(clf, frame.astype({"b": str}))


def test_x_sample_column_of_another_kind_than_in_fit():
    X = pd.DataFrame({"city": ["1", "2", "3"] * 10, "size": np.arange(30.0)})
    y = np.arange(30) % 2
    prepare = make_column_transformer((OneHotEncoder(), ["city"]), remainder="passthrough")
    pipeline = make_pipeline(prepare, NeuralClassifier(**TINY)).fit(X, y)
    with pytest.raises(ValueError, match="'city' holds int64.*learned text categories"):
        to_onnx(pipeline, X.astype({"city": "int64"}))


def test_tabular_preprocessor_of_text_columns_is_not_exported_and_the_error_says_what_to_do():
    X = pd.DataFrame({"city": ["a", "b", "c"] * 10, "size": np.arange(30.0)})
    clf = NeuralClassifier(**TINY).fit(X, np.arange(30) % 2)
    with pytest.raises(
        NotImplementedError, match="TabularPreprocessor.*Pipeline.*ColumnTransformer"
    ):
        to_onnx(clf, X)


class Bessel(torch.nn.Module):
    """A network with an operation that has no ONNX equivalent."""

    def __init__(self, n_features_in, n_outputs):
        super().__init__()
        self.linear = torch.nn.Linear(n_features_in, n_outputs)

    def forward(self, X):
        return torch.special.i0(self.linear(X))


def test_module_torch_cannot_export_gets_a_wrapped_error(data):
    clf = NeuralClassifier(module=Bessel, max_epochs=1, random_state=0).fit(*data)
    with pytest.raises(RuntimeError, match="torch could not export the network.*Bessel.*i0"):
        to_onnx(clf, data[0])


def test_failed_verification_writes_nothing(data, fitted, tmp_path):
    path = tmp_path / "model.onnx"
    with pytest.raises(ValueError, match="probabilities differ.*not exported"):
        to_onnx(fitted, data[0], path=path, tolerance=1e-15)  # float32 cannot meet this
    assert not path.exists() and list(tmp_path.iterdir()) == []
    to_onnx(fitted, data[0], path=path)
    assert path.exists()


def test_deep_ensemble_of_pipelines_names_what_to_do(data):
    from skneural.ensemble import DeepEnsembleClassifier

    member = make_pipeline(StandardScaler(), NeuralClassifier(**TINY))
    ensemble = DeepEnsembleClassifier(member, n_estimators=2, random_state=0).fit(*data)
    with pytest.raises(NotImplementedError, match="needs NeuralClassifier members.*Pipeline"):
        to_onnx(ensemble, data[0])


def test_verify_rejects_a_graph_of_another_model(data, fitted):
    from skneural.export import verify

    X, y = data
    flipped = NeuralClassifier(**TINY).fit(X, 1 - y)
    with pytest.raises(ValueError, match=r"different label than the model for \d+ of 80 rows"):
        verify(to_onnx(fitted, X), flipped, X)


def test_verify_turns_a_graph_failing_in_onnxruntime_into_a_value_error(data, fitted):
    from skneural.export import verify

    X, _ = data
    with pytest.raises(ValueError, match="graph fails on 80 row.*onnxruntime"):
        verify(to_onnx(fitted, X), fitted, X[:, :3])


@pytest.mark.parametrize("check", [True, False])
@pytest.mark.parametrize(
    "opset, error, match",
    [
        # onnxruntime's NotImplemented (opset 5: no Gemm kernel), a graph torch
        # split into pieces (7) and skl2onnx's RuntimeError (23) escaped before.
        (5, ValueError, "target_opset=5 is outside .* 9 to 2"),
        (7, ValueError, "target_opset=7 is outside"),
        (10_000, ValueError, "target_opset=10000 is outside"),
        (18.0, TypeError, "target_opset must be an integer or None, got 18.0"),
    ],
)
def test_an_opset_the_export_does_not_support_is_a_clear_error(
    data, fitted, tmp_path, check, opset, error, match
):
    path = tmp_path / "model.onnx"
    with pytest.raises(error, match=match):
        to_onnx(fitted, data[0], target_opset=opset, check=check, path=path)
    assert list(tmp_path.iterdir()) == []


def test_every_supported_opset_exports_a_network(data, fitted):
    import skl2onnx

    for opset in (9, skl2onnx.__max_supported_opset__):
        assert to_onnx(fitted, data[0][:5], target_opset=opset).opset_import


def test_verify_turns_a_graph_onnxruntime_cannot_load_into_a_value_error(data, fitted):
    from skneural.export import verify

    X, _ = data
    model = to_onnx(fitted, X)
    model.opset_import[0].version = 5  # claims an opset without kernels for its operators
    with pytest.raises(ValueError, match="cannot load the ONNX graph.*pass a newer target_opset"):
        verify(model, fitted, X)


@pytest.mark.parametrize("swapped", [False, True], ids=["classifier-graph", "regressor-graph"])
def test_verify_rejects_a_graph_of_the_other_kind_of_model(data, swapped):
    # A classifier's graph with text labels, checked against a regressor, once
    # subtracted strings from floats; a regressor's failed to unpack its outputs.
    from skneural.export import verify

    X, y = data
    classifier = NeuralClassifier(**TINY).fit(X, np.array(["no", "yes"])[y])
    regressor = NeuralRegressor(**TINY).fit(X, y.astype(float))
    graph_of, checked = (regressor, classifier) if swapped else (classifier, regressor)
    kind = "classifier" if swapped else "regressor"
    with pytest.raises(ValueError, match=f"outputs .* is a {kind}, whose graph has the outputs"):
        verify(to_onnx(graph_of, X), checked, X)
