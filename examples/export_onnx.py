"""Export a fitted mixed-type Pipeline to one ONNX file and serve it with onnxruntime alone.

A synthetic customer table (numbers with missing values, text and a pandas
category) is prepared by a ColumnTransformer and classified by a
NeuralClassifier. ``skneural.export.to_onnx`` writes the whole pipeline as
one verified ONNX graph; the serving part then needs only onnxruntime and
NumPy. Needs ``pip install "skneural[onnx]"``.

Run with ``python examples/export_onnx.py``. Run time: about 12 s of CPU time.
"""

import os
import tempfile
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skneural import NeuralClassifier
from skneural.export import to_onnx

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code, smaller.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
N_ROWS = 600 if FAST else 6_000
EPOCHS = 5 if FAST else 100


def customers(n_rows: int, seed: int = 0):
    """A churn table: who leaves depends on plan, tenure, city and spend."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "tenure_months": rng.integers(1, 72, n_rows).astype(float),
            "monthly_spend": rng.gamma(2.0, 30.0, n_rows),
            "support_calls": rng.poisson(1.5, n_rows).astype(float),
            "city": rng.choice(["paris", "rome", "oslo", "lisbon"], n_rows),
            "plan": pd.Categorical(rng.choice(["basic", "plus", "pro"], n_rows)),
        }
    )
    risk = (
        1.5 * (X["plan"] == "basic")
        - X["tenure_months"] / 24
        + 0.6 * X["support_calls"]
        + 0.5 * (X["city"] == "rome")
        + rng.normal(0, 0.7, n_rows)
    )
    X.loc[rng.random(n_rows) < 0.1, "monthly_spend"] = np.nan  # missing values
    return X, np.where(risk > 0.5, "churn", "stay")


def serve(path: Path, X: pd.DataFrame):
    """The serving side: onnxruntime and NumPy only, one column per input."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feed = {
        column: X[[column]].to_numpy(np.float32)
        if pd.api.types.is_numeric_dtype(X[column])
        and not isinstance(X[column].dtype, pd.CategoricalDtype)
        else X[[column]].astype(str).to_numpy(str)
        for column in X.columns
    }
    return session.run(None, feed)


def main():
    X, y = customers(N_ROWS)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    prepare = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["city", "plan"]),
        (
            make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
            ["tenure_months", "monthly_spend", "support_calls"],
        ),
    )
    net = NeuralClassifier(
        preprocessing=None, hidden_layer_sizes=(64, 64), max_epochs=EPOCHS, random_state=0
    )
    model = make_pipeline(prepare, net).fit(X_train, y_train)
    print(f"test accuracy (skneural): {model.score(X_test, y_test):.4f}")

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "churn.onnx"
        started = time.perf_counter()
        to_onnx(model, X_train.head(200), path=path)  # verified before it is written
        print(
            f"exported and verified in {time.perf_counter() - started:.1f} s: "
            f"{path.stat().st_size / 1024:.0f} kB"
        )

        labels, probabilities = serve(path, X_test)
        same = np.mean(labels == model.predict(X_test))
        gap = np.abs(probabilities - model.predict_proba(X_test)).max()
        print(
            f"onnxruntime vs skneural on {len(X_test)} new rows: labels identical "
            f"{same:.2%}, largest probability difference {gap:.1e}"
        )
        print(f"test accuracy (onnxruntime): {np.mean(labels == y_test):.4f}")
        assert same == 1.0 and gap <= 1e-5


if __name__ == "__main__":
    main()
