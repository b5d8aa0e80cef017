"""Choose among regularisers on validation data.

L2 or L1 penalties (``alpha``, ``l1_ratio``), dropout, batch or layer
normalisation, weight decay and label smoothing are all plain parameters, so
one ``GridSearchCV`` compares them on held-out folds; early stopping stays on
inside each fit. The search picks on cross-validated accuracy and the winner is
checked once on a test set it never saw.

    python examples/choose_regularization.py

Run time: about 65 s of CPU time, shared by two worker processes.
"""

import os

import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code, a few epochs.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
MAX_EPOCHS, N_FOLDS = (2, 2) if FAST else (100, 5)

CANDIDATES = [
    {"net__alpha": [0.0]},  # the defaults: dropout, label smoothing, weight decay 0.1
    # early stopping alone
    {"net__dropout": [0.0], "net__label_smoothing": [0.0], "net__weight_decay": [0.0]},
    {"net__alpha": [1e-3, 1e-2], "net__l1_ratio": [0.0]},  # defaults + L2
    {"net__alpha": [1e-3], "net__l1_ratio": [1.0]},  # defaults + L1
    {"net__dropout": [0.3, 0.5]},
    {"net__batch_norm": [True]},
    {"net__module_params": [{"layer_norm": True}]},
    {"net__weight_decay": [1e-2]},
    {"net__label_smoothing": [0.0, 0.2]},
]


def main():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    pipeline = Pipeline(
        [
            ("scale", StandardScaler()),
            ("net", NeuralClassifier(max_epochs=MAX_EPOCHS, random_state=0)),
        ]
    )
    search = GridSearchCV(
        pipeline, CANDIDATES, cv=StratifiedKFold(N_FOLDS, shuffle=True, random_state=0), n_jobs=2
    )
    search.fit(X_train, y_train)
    results = pd.DataFrame(search.cv_results_)[["params", "mean_test_score", "std_test_score"]]
    print(results.sort_values("mean_test_score", ascending=False).to_string(index=False))
    print(f"\nchosen: {search.best_params_}")
    print(f"test accuracy of the chosen model: {search.score(X_test, y_test):.4f}")


if __name__ == "__main__":
    main()
