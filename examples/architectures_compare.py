"""Compare the built-in architectures, with and without numeric embeddings.

Run with ``python examples/architectures_compare.py``. Every combination of
``module`` ("mlp", "resnet", "ft_transformer") and ``numeric_embedding``
(none, "periodic", "piecewise_linear") is cross-validated with its default
settings on two of scikit-learn's bundled datasets (breast_cancer:
accuracy; diabetes: RMSE), on the same five folds. Run time: about 400 s of
CPU time (7 minutes), most of it for the FT-Transformer.

Each fold standardises the features on its training rows; the
piecewise-linear embedding also takes its bin edges from the training rows
only (``compute_bin_edges``), so the test rows stay unseen.
"""

import os
import time

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.metrics import accuracy_score, root_mean_squared_error
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.nn import compute_bin_edges

DATASETS = {
    "breast_cancer": (load_breast_cancer, NeuralClassifier, StratifiedKFold, accuracy_score),
    "diabetes": (load_diabetes, NeuralRegressor, KFold, root_mean_squared_error),
}
METRIC_NAMES = {"breast_cancer": "accuracy", "diabetes": "RMSE"}
MODULES = ["mlp", "resnet", "ft_transformer"]
NUMERIC_EMBEDDINGS = [None, "periodic", "piecewise_linear"]

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code on 120 rows, 2 epochs.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
N_ROWS, N_FOLDS, EPOCHS = (120, 2, {"max_epochs": 2}) if FAST else (None, 5, {})


def module_params(numeric_embedding, X_train):
    """Constructor arguments of the module for one training fold."""
    if numeric_embedding is None:
        return {}
    params = {"numeric_embedding": numeric_embedding}
    if numeric_embedding == "piecewise_linear":
        params["bin_edges"] = compute_bin_edges(X_train, n_bins=16)
    return params


def cross_validate(dataset, module, numeric_embedding):
    """Test scores of the five folds and the total fit time."""
    loader, Estimator, Splitter, metric = DATASETS[dataset]
    X, y = loader(return_X_y=True)
    X, y = X[:N_ROWS], y[:N_ROWS]
    scores, fit_time = [], 0.0
    for train, test in Splitter(n_splits=N_FOLDS, shuffle=True, random_state=0).split(X, y):
        scaler = StandardScaler().fit(X[train])
        X_train, X_test = scaler.transform(X[train]), scaler.transform(X[test])
        model = Estimator(
            module=module,
            module_params=module_params(numeric_embedding, X_train),
            random_state=0,
            **EPOCHS,
        )
        started = time.perf_counter()
        model.fit(X_train, y[train])
        fit_time += time.perf_counter() - started
        scores.append(metric(y[test], model.predict(X_test)))
    return np.array(scores), fit_time


def main():
    header = f"{'module':<16}{'numeric_embedding':<19}"
    for dataset in DATASETS:
        header += f"{dataset + ' ' + METRIC_NAMES[dataset]:>28}{'fit s':>8}"
    print(f"{N_FOLDS}-fold CV, mean (std) over folds; fit s = total fit time of the folds\n")
    print(header)
    print("-" * len(header))
    for module in MODULES:
        for numeric_embedding in NUMERIC_EMBEDDINGS:
            row = f"{module:<16}{str(numeric_embedding):<19}"
            for dataset in DATASETS:
                scores, fit_time = cross_validate(dataset, module, numeric_embedding)
                row += f"{scores.mean():>19.4f} ({scores.std():.4f}){fit_time:>8.1f}"
            print(row, flush=True)


if __name__ == "__main__":
    main()
