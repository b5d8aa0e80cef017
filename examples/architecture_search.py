"""Search the architecture of a network with a REINFORCE controller, against random search.

The digits images (8x8 pixels, 10 classes) are classified by a
``NeuralClassifier``. ``ArchitectureSearchCV`` searches the default
architecture space (MLP, ResNet or FT-Transformer; depth and width of each
layer; activation, dropout, normalisation; numeric embeddings): rounds of 5
architectures are cross-validated in parallel and a controller, trained with
REINFORCE, learns from their scores which choices to propose next. The same
budget of 30 architectures is spent on a random search over the same space,
with the same folds. Candidates train for at most 30 epochs; the winner is
then refit with the full budget and scored once on a held-out test set.

The search saves its state after every round in a checkpoint directory:
stop the script (Ctrl-C) and run it again, and it resumes where it stopped.

    python examples/architecture_search.py
    SKNEURAL_EXAMPLE_FAST=1 python examples/architecture_search.py   # a smoke run

Run time: about 10 min on two CPU cores (under a minute in the fast mode). It
writes ``architecture_search.png`` (reward over proposals) when
matplotlib is installed.
"""

import os
import tempfile
from pathlib import Path

import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold, train_test_split

from skneural import NeuralClassifier
from skneural.model_selection import ArchitectureSearchCV

FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
BUDGET = {"n_iter": 6, "proposals_per_update": 3} if FAST else {"n_iter": 30}
CANDIDATE_EPOCHS = 3 if FAST else 30
FINAL_EPOCHS = 5 if FAST else 200


def main():
    X, y = load_digits(return_X_y=True)
    if FAST:
        X, y = X[:300], y[:300]
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    candidate = NeuralClassifier(max_epochs=CANDIDATE_EPOCHS, n_iter_no_change=10, random_state=0)
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    checkpoints = Path(tempfile.gettempdir()) / "skneural-architecture-search"

    searches = {}
    for strategy in ("reinforce", "random"):
        search = ArchitectureSearchCV(
            candidate,
            strategy=strategy,
            cv=folds,
            n_jobs=2,
            random_state=0,
            refit=False,
            checkpoint=checkpoints,
            verbose=1 if strategy == "reinforce" else 0,
            **BUDGET,
        )
        searches[strategy] = search.fit(X_train, y_train)
        print(f"{strategy}: best CV accuracy {search.best_score_:.4f}\n")

    controller = searches["reinforce"]
    results = pd.DataFrame(controller.cv_results_)
    print("The five best architectures the controller proposed:")
    for _, row in results.sort_values("rank_test_score").head(5).iterrows():
        print(f"  {row['mean_test_score']:.4f}  {row['architecture']}")

    print("\nWhat the controller learnt, round by round:")
    print(pd.DataFrame(controller.policy_history_).round(4).to_string(index=False))
    module = controller.controller_.probabilities()["module"]
    print("probability of each family now:", {k: round(v, 3) for k, v in module.items()})

    # Candidates trained for a short budget; the winner gets the full one.
    final = NeuralClassifier(max_epochs=FINAL_EPOCHS, random_state=0)
    final.set_params(**controller.best_params_).fit(X_train, y_train)
    default = NeuralClassifier(max_epochs=FINAL_EPOCHS, random_state=0).fit(X_train, y_train)
    print(f"\ntest accuracy, searched architecture: {final.score(X_test, y_test):.4f}")
    print(f"test accuracy, default architecture:  {default.score(X_test, y_test):.4f}")

    try:
        import matplotlib
    except ImportError:
        return
    matplotlib.use("Agg")
    from skneural.plotting import plot_search_rewards

    figure = plot_search_rewards({"controller": controller, "random search": searches["random"]})
    figure.savefig("architecture_search.png", dpi=100)
    print("reward over proposals: architecture_search.png")


if __name__ == "__main__":
    main()
