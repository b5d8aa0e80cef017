"""to_onnx with skneural's TabularPreprocessor on numeric and boolean columns."""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline

from skneural import NeuralClassifier, NeuralRegressor
from skneural.preprocessing import TabularPreprocessor

onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

from skneural.export import onnx_inputs, to_onnx  # noqa: E402

TINY = {"hidden_layer_sizes": (8,), "max_epochs": 2, "lr": 1e-2, "random_state": 0}


def _frame(n_rows, seed):
    """Numbers with missing values, infinity and an outlier, integers and booleans."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n_rows),
            "income": rng.lognormal(10, 1, n_rows),
            "member": rng.random(n_rows) > 0.5,
            "visits": rng.integers(0, 9, n_rows),
            "score": rng.normal(size=n_rows),
        }
    )
    X.loc[::5, "age"] = np.nan
    X.loc[3::7, "score"] = np.inf
    X.loc[1, "income"] = 1e9  # clipped to the fitted bounds
    return X


def _outputs(model, X):
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, onnx_inputs(X, model))


def test_auto_preprocessing_of_numbers_with_missing_values_exports():
    X = _frame(120, seed=0)
    y = np.where(X["income"] > 3e4, "high", "low")
    clf = NeuralClassifier(**TINY).fit(X, y)
    assert clf.input_layer_.kind == "tabular"
    model = to_onnx(clf, X.head(20))
    new = _frame(30, seed=1)
    for rows in (new.head(1), new):
        labels, probabilities = _outputs(model, rows)
        np.testing.assert_array_equal(labels, clf.predict(rows))
        np.testing.assert_allclose(probabilities, clf.predict_proba(rows), atol=1e-5)


@pytest.mark.parametrize(
    "params", [{"clip": "iqr", "scaling": "robust"}, {"clip": None, "add_indicator": False}]
)
def test_tabular_preprocessor_as_a_step_or_as_preprocessing(params):
    X = _frame(120, seed=0).astype({"member": "boolean"})
    X.loc[2, "member"] = pd.NA
    y = X["visits"].to_numpy() * 2.0
    for model in (
        make_pipeline(TabularPreprocessor(**params), NeuralRegressor(**TINY)),
        NeuralRegressor(preprocessing=TabularPreprocessor(**params), **TINY),
    ):
        model.fit(X, y)
        graph = to_onnx(model, X.head(20))
        new = _frame(30, seed=1)
        (values,) = _outputs(graph, new)
        np.testing.assert_allclose(values.ravel(), model.predict(new), rtol=1e-5, atol=1e-4)


def test_text_columns_and_quantile_scaling_stay_unsupported_with_the_way_out():
    X = _frame(60, seed=0).assign(city=["paris", "rome", "oslo"] * 20)
    clf = NeuralClassifier(**TINY).fit(X, np.arange(60) % 2)
    with pytest.raises(NotImplementedError, match=r"categorical columns \['city'\].*Pipeline"):
        to_onnx(clf, X.head(10))
    X = X.drop(columns="city")
    reg = make_pipeline(TabularPreprocessor(scaling="quantile"), NeuralRegressor(**TINY))
    reg.fit(X, np.arange(60.0))
    with pytest.raises(NotImplementedError, match="scaling='quantile'"):
        to_onnx(reg, X.head(10))
