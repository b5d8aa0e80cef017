"""Tune a network with Optuna, prune hopeless trials, and estimate the result honestly.

The digits images (8x8 pixels, 10 classes) are classified by a
``StandardScaler`` + ``NeuralClassifier`` pipeline. ``OptunaSearchCV`` samples
the default search space (learning rate, depth and width, dropout, weight
decay, batch size) with Optuna's TPE sampler; while each trial's first fold
trains, its per-epoch validation loss goes to a median pruner, which stops
trials that fall behind. The best trial is refit on the training data and
checked once on a test set. Then nested cross-validation estimates the score
of "tune, then train" without the optimism of ``best_score_``.

    pip install "skneural[optuna]"
    python examples/tune_with_optuna.py

Run time: about 150 s of CPU time, shared by two worker processes.
"""

import os

import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier
from skneural.model_selection import OptunaSearchCV, nested_cross_validate

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code, few trials and epochs.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
MAX_EPOCHS, N_TRIALS, N_NESTED_TRIALS, N_FOLDS = (3, 3, 2, 2) if FAST else (60, 25, 10, 3)


def main():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    pipeline = make_pipeline(
        StandardScaler(), NeuralClassifier(max_epochs=MAX_EPOCHS, random_state=0)
    )
    search = OptunaSearchCV(
        pipeline,
        n_trials=N_TRIALS,
        cv=StratifiedKFold(N_FOLDS, shuffle=True, random_state=0),
        n_jobs=2,
        random_state=0,
        verbose=1,
    )
    search.fit(X_train, y_train)

    results = pd.DataFrame(search.cv_results_)
    results.insert(0, "candidate", results.index + 1)  # numbered as in the log above
    print("\ntrials by state:", results["state"].value_counts().to_dict())
    columns = ["candidate", "state", "pruned_at_epoch", "mean_test_score", "mean_fit_time"]
    print(results.sort_values("rank_test_score")[columns].head(5).to_string(index=False))
    print(f"\nbest parameters: {search.best_params_}")
    print(f"best cross-validated accuracy: {search.best_score_:.4f} (optimistic)")
    print(f"test accuracy of the refit best model: {search.score(X_test, y_test):.4f}")

    # Nested CV: the whole search again inside each outer fold (fewer trials to keep it short).
    nested = nested_cross_validate(
        search.set_params(n_trials=N_NESTED_TRIALS, verbose=0), X, y, cv=N_FOLDS
    )
    scores = nested["test_score"]
    print(f"\nnested CV accuracy: {scores.mean():.4f} +/- {scores.std():.4f}")
    for fold, params in enumerate(nested["best_params"], start=1):
        print(
            f"  outer fold {fold} chose lr={params['neuralclassifier__lr']:.2g}, "
            f"layers={params['neuralclassifier__hidden_layer_sizes']}"
        )


if __name__ == "__main__":
    main()
