"""Early stopping with crash-safe checkpoints: kill this script, run it again, it resumes.

Each epoch's full training state (weights, optimizer, early-stopping patience,
random generators, history) is written atomically under ``runs/digits``.
Run the script, press Ctrl-C or kill it mid-training, and run it again: the
second run continues from the last saved epoch and ends with exactly the model
an uninterrupted run would have produced. Delete ``runs/`` to start afresh.

    python examples/checkpoint_resume.py

Run time: about 8 s of CPU time.
"""

import os

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skneural import NeuralClassifier
from skneural.callbacks import Checkpoint, EarlyStopping

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code, a few epochs.
MAX_EPOCHS = 3 if os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1" else 200


def main():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)

    clf = NeuralClassifier(
        hidden_layer_sizes=(256, 128),
        dropout=0.2,
        max_epochs=MAX_EPOCHS,
        early_stopping=False,  # configured explicitly below
        callbacks=[
            EarlyStopping(monitor="valid_accuracy", patience=15),
            Checkpoint("runs/digits", monitor="valid_accuracy"),
        ],
        random_state=0,
        verbose=1,
    )
    clf.fit(X_train, y_train)

    # callbacks_ also holds the callbacks the estimator adds (weight averaging):
    # find ours by type, not by position.
    checkpoint = next(cb for cb in clf.callbacks_ if isinstance(cb, Checkpoint))
    stopping = next(cb for cb in clf.callbacks_ if isinstance(cb, EarlyStopping))
    if checkpoint.resumed_from_ is not None:
        print(f"resumed from {checkpoint.resumed_from_}")
    print(
        f"trained {clf.n_iter_} epochs; best valid_accuracy {stopping.best_:.4f} at epoch "
        f"{stopping.best_epoch_}; test accuracy {clf.score(X_test, y_test):.4f}"
    )
    print(f"checkpoints in {checkpoint.directory_}")


if __name__ == "__main__":
    main()
