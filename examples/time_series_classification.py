"""Time-series classification: sequences of different lengths, tuned and stacked.

Run with ``python examples/time_series_classification.py``. The data are made
here (no download): 2-channel sequences of 40 to 80 steps whose class is the
shape of a burst placed at a random time, plus noise. Sequences of different
lengths go in as a list of ``(n_channels, n_timesteps)`` arrays; skneural pads
them with NaN and its sequence modules skip the padding.

Compared on the same 5-fold split: the majority class, gradient boosting on the
flattened series (padding as 0), and ``NeuralClassifier(module="inception_time")``;
then a grid search over the network's size and a stack with gradient boosting.
Run time: about 3 min of CPU time (under a minute with SKNEURAL_EXAMPLE_FAST=1).
"""

import os
import time

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier, StackingClassifier
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_val_score,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skneural import NeuralClassifier
from skneural.augmentation import SequenceAugment

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: less data, fewer epochs.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
N_SEQUENCES = 150 if FAST else 300
EPOCHS = 8 if FAST else 40


def make_sequences(n, rng):
    """Noise with one burst at a random time: class 0 a bump, 1 a dip-then-bump,
    2 a fast oscillation; the second channel carries the burst's envelope."""
    sequences, labels = [], rng.randint(0, 3, size=n)
    for label in labels:
        length = rng.randint(40, 81)
        t = np.arange(length)
        start = rng.randint(0, length - 20)
        u = np.clip((t - start) / 20, 0, 1)
        envelope = np.sin(np.pi * u) * ((t >= start) & (t < start + 20))
        shape = [np.ones_like(u), np.sin(2 * np.pi * u), np.sin(6 * np.pi * u)][label]
        values = np.stack([2 * envelope * shape, envelope])
        sequences.append(values + rng.normal(scale=0.5, size=values.shape))
    return sequences, labels


def pad(sequences):
    """The list as one NaN-padded array (n, C, T_max), for models that need one."""
    length = max(s.shape[1] for s in sequences)
    padded = np.full((len(sequences), sequences[0].shape[0], length), np.nan)
    for row, sequence in enumerate(sequences):
        padded[row, :, : sequence.shape[1]] = sequence
    return padded


def net(**params):
    return NeuralClassifier(
        module="inception_time",
        module_params={"n_filters": 8, "depth": 3, "kernel_sizes": (9, 5, 3)},
        max_epochs=EPOCHS,
        lr=1e-2,
        random_state=0,
        **params,
    )


def main():
    rng = np.random.RandomState(0)
    sequences, y = make_sequences(N_SEQUENCES, rng)
    X = pad(sequences)  # (n, 2, 80): a 3-D array with NaN padding works like the list
    # Gradient boosting gets the series flattened, padding as 0.
    flat = FunctionTransformer(lambda X: np.nan_to_num(X.reshape(len(X), -1)))
    cv = StratifiedKFold(n_splits=3 if FAST else 5, shuffle=True, random_state=0)
    print(f"{len(sequences)} sequences of 2 channels, 40-80 steps, 3 classes\n")

    models = {
        "majority class": DummyClassifier(),
        "gradient boosting (flattened)": make_pipeline(
            flat, HistGradientBoostingClassifier(random_state=0)
        ),
        "NeuralClassifier(module='inception_time')": net(),
        "  + SequenceAugment (time warp, jitter)": net(
            augmentation=SequenceAugment(time_warp=0.2, jitter=0.05)
        ),
    }
    for name, model in models.items():
        start = time.perf_counter()
        scores = cross_val_score(model, X, y, cv=cv)
        print(
            f"{name:<44} accuracy {scores.mean():.3f} (+/- {scores.std():.3f})  "
            f"{time.perf_counter() - start:5.1f} s"
        )

    # The list of arrays of different lengths goes straight in, too.
    clf = net().fit(sequences[:100], y[:100])
    print(f"\nfitted on a list of {len(sequences[:100])} arrays; predicts a 200-step sequence:")
    print("  ", clf.predict([rng.normal(size=(2, 200))]))

    # Tuned like any estimator: module_params entries are searchable.
    search = GridSearchCV(
        net(),
        {"module_params__n_filters": [4, 8], "module_params__depth": [2] if FAST else [2, 3]},
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
    ).fit(X, y)
    print(f"\ngrid search: best {search.best_params_}, accuracy {search.best_score_:.3f}")

    # Stacked with gradient boosting, scored on held-out sequences.
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    stack = StackingClassifier(
        [("net", net()), ("hgb", make_pipeline(flat, HistGradientBoostingClassifier()))],
        cv=3,
    )
    score = stack.fit(X_train, y_train).score(X_test, y_test)
    print(f"stack of the network and gradient boosting: held-out accuracy {score:.3f}")


if __name__ == "__main__":
    main()
