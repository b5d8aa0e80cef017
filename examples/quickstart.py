"""Quick-start: a Pipeline with a NeuralClassifier, cross-validated on a bundled dataset.

Run with ``python examples/quickstart.py``; it trains on scikit-learn's
breast-cancer data (569 rows, 30 numeric features), so it needs no download.
Run time: about 15 s of CPU time.
"""

import os
import time

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code, a few epochs.
EPOCHS = {"max_epochs": 3} if os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1" else {}


def main():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    models = {
        "skneural NeuralClassifier": NeuralClassifier(random_state=0, **EPOCHS),
        "sklearn MLPClassifier": MLPClassifier(
            max_iter=EPOCHS.get("max_epochs", 500), random_state=0
        ),
    }
    print(f"breast_cancer: {X.shape[0]} rows x {X.shape[1]} features, 5-fold CV\n")
    for name, model in models.items():
        pipeline = Pipeline([("scale", StandardScaler()), ("net", model)])
        started = time.perf_counter()
        scores = cross_validate(pipeline, X, y, cv=cv, scoring=("accuracy", "neg_log_loss"))
        elapsed = time.perf_counter() - started
        print(
            f"{name:<28} accuracy {scores['test_accuracy'].mean():.4f} "
            f"(+/- {scores['test_accuracy'].std():.4f})  "
            f"log-loss {-scores['test_neg_log_loss'].mean():.4f}  {elapsed:.1f}s"
        )

    pipeline = Pipeline(
        [("scale", StandardScaler()), ("net", NeuralClassifier(random_state=0, **EPOCHS))]
    )
    pipeline.fit(X, y)
    net = pipeline.named_steps["net"]
    print(f"\nFitted on all rows: {net.n_iter_} epochs (early stopping), classes {net.classes_}")
    print(net.history_.to_frame()[["train_loss", "valid_loss", "valid_accuracy"]].tail(3))


if __name__ == "__main__":
    main()
