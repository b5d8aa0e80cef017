"""Are the predictions of this checkout bit-identical to another checkout's?

Fits a set of fixed-seed configurations (numeric, DataFrame with one-hot and
embedded categories, regressors, multilabel, weights, partial_fit, sparse,
custom preprocessing, ...) once with each checkout's ``skneural``, each in a
fresh process, and compares ``predict_proba``/``predict`` bit for bit.

    python benchmarks/compare_predictions.py --reference /work/main

Run from the repository root; prints one line per configuration and exits
with status 1 when any differs.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np


def _configurations():
    """Name -> function returning the predictions of one fitted configuration."""
    import pandas as pd
    import scipy.sparse as sp
    from sklearn.datasets import (
        make_classification,
        make_multilabel_classification,
        make_regression,
    )
    from sklearn.preprocessing import StandardScaler

    from skneural import NeuralClassifier, NeuralRegressor
    from skneural.ensemble import DeepEnsembleClassifier

    base = {"max_epochs": 15, "random_state": 0}
    X, y = make_classification(n_samples=600, n_features=12, n_informative=6, random_state=0)
    X3, y3 = make_classification(
        n_samples=600, n_features=10, n_informative=6, n_classes=3, random_state=1
    )
    Xr, yr = make_regression(n_samples=600, n_features=8, noise=5.0, random_state=0)
    Xm, Ym = make_multilabel_classification(
        n_samples=500, n_features=10, n_classes=4, random_state=0
    )
    rng = np.random.RandomState(0)
    n = 800
    frame = pd.DataFrame(
        {
            "income": np.where(rng.rand(n) < 0.1, np.nan, rng.lognormal(3, 1, n)),
            "city": rng.choice(["Paris", "Lyon", "Nice", "Metz"], n),
            "member": rng.rand(n) > 0.5,
            "joined": pd.date_range("2020-01-01", periods=n, freq="D"),
            "store": [f"store{i}" for i in rng.randint(0, 60, n)],
        }
    )
    y_frame = ((frame["city"] == "Paris") + frame["member"] + rng.rand(n) > 1.2).astype(int)
    codes = np.column_stack([rng.normal(size=(n, 3)), rng.randint(0, 7, n)])
    y_codes = (codes[:, 0] + (codes[:, 3] % 2) > 0.5).astype(int)

    def partial():
        clf = NeuralClassifier(random_state=0)
        for _ in range(3):
            clf.partial_fit(X, y, classes=[0, 1])
        return clf.predict_proba(X)

    return {
        "numeric binary": lambda: NeuralClassifier(**base).fit(X, y).predict_proba(X),
        "numeric multiclass": lambda: NeuralClassifier(**base).fit(X3, y3).predict_proba(X3),
        "float32 input": lambda: (
            NeuralClassifier(**base)
            .fit(X.astype(np.float32), y)
            .predict_proba(X.astype(np.float32))
        ),
        "binary cross-entropy": lambda: (
            NeuralClassifier(loss="binary_cross_entropy", **base).fit(X, y).predict_proba(X)
        ),
        "weighted": lambda: (
            NeuralClassifier(class_weight="balanced", **base)
            .fit(X3, y3, sample_weight=rng.rand(len(y3)))
            .predict_proba(X3)
        ),
        "DataFrame categories": lambda: (
            NeuralClassifier(**base).fit(frame, y_frame).predict_proba(frame)
        ),
        "DataFrame ft_transformer": lambda: (
            NeuralClassifier(module="ft_transformer", **{**base, "max_epochs": 4})
            .fit(frame, y_frame)
            .predict_proba(frame)
        ),
        "declared codes": lambda: (
            NeuralClassifier(module_params={"categorical_cardinalities": {3: 7}}, **base)
            .fit(codes, y_codes)
            .predict_proba(codes)
        ),
        "piecewise linear": lambda: (
            NeuralClassifier(
                module_params={"numeric_embedding": "piecewise_linear", "n_bins": 8}, **base
            )
            .fit(X, y)
            .predict_proba(X)
        ),
        "sparse": lambda: (
            NeuralClassifier(**base)
            .fit(sp.csr_matrix(np.where(np.abs(X) < 0.5, 0, X)), y)
            .predict_proba(sp.csr_matrix(np.where(np.abs(X) < 0.5, 0, X)))
        ),
        "no preprocessing": lambda: (
            NeuralClassifier(preprocessing=None, **base).fit(X, y).predict_proba(X)
        ),
        "custom preprocessing": lambda: (
            NeuralClassifier(preprocessing=StandardScaler(), **base).fit(X, y).predict_proba(X)
        ),
        "multilabel": lambda: NeuralClassifier(**base).fit(Xm, Ym).predict_proba(Xm),
        "regressor": lambda: NeuralRegressor(**base).fit(Xr, yr).predict(Xr),
        "regressor 2 outputs": lambda: (
            NeuralRegressor(**base).fit(Xr, np.column_stack([yr, -yr])).predict(Xr)
        ),
        "poisson": lambda: (
            NeuralRegressor(loss="poisson", **base).fit(Xr, np.exp(yr / 200)).predict(Xr)
        ),
        "DataFrame regressor": lambda: (
            NeuralRegressor(**base).fit(frame, frame["income"].fillna(1.0) + y_frame).predict(frame)
        ),
        "partial_fit": partial,
        "deep ensemble": lambda: (
            DeepEnsembleClassifier(NeuralClassifier(max_epochs=5), n_estimators=2, random_state=0)
            .fit(X, y)
            .predict_proba(X)
        ),
    }


def _predict_all(out_dir: str) -> None:
    """Child process: fit every configuration and save its predictions."""
    import warnings

    import skneural

    print(f"fitting with {skneural.__file__}", flush=True)
    warnings.simplefilter("ignore")
    for name, run in _configurations().items():
        np.save(Path(out_dir) / f"{name}.npy", np.asarray(run()))


def _run_checkout(checkout: Path, out_dir: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(checkout), "OMP_NUM_THREADS": "1"}
    script = Path(__file__).resolve()
    subprocess.run(
        [sys.executable, str(script), "--child", out_dir], env=env, check=True, cwd=checkout
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, help="root of the other checkout")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _predict_all(args.child)
        return 0
    if args.reference is None:
        parser.error("--reference is required")
    here = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as ours, tempfile.TemporaryDirectory() as theirs:
        _run_checkout(here, ours)
        _run_checkout(args.reference.resolve(), theirs)
        differ = 0
        for path in sorted(Path(ours).glob("*.npy")):
            mine, reference = np.load(path), np.load(Path(theirs) / path.name)
            same = mine.shape == reference.shape and np.array_equal(mine, reference)
            largest = "" if same else f" (max |diff| {np.max(np.abs(mine - reference)):.3g})"
            print(f"{path.stem:28s} {'identical' if same else 'DIFFERENT'}{largest}")
            differ += not same
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
