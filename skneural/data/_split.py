"""Hold out a validation subset of the training rows."""

import numpy as np
from sklearn.model_selection import train_test_split


def validation_split(n_samples, validation_fraction, random_state, stratify=None, min_valid_rows=1):
    """Indices of the training and validation rows.

    Parameters
    ----------
    n_samples : int
    validation_fraction : float
        Share of rows held out; ``0`` holds out nothing.
    random_state : int
        Seed of the split.
    stratify : array-like of shape (n_samples,), optional
        Class labels; used only when every class has at least two rows and the
        validation set can hold one row per class.
    min_valid_rows : int, default=1
        Hold nothing out when the validation set would have fewer rows.

    Returns
    -------
    train_index, valid_index : ndarray
        ``valid_index`` is empty when the fraction is 0 or the data are too
        small to leave ``min_valid_rows`` rows out and at least one in.
    """
    all_rows = np.arange(n_samples)
    n_valid = int(round(n_samples * validation_fraction))
    if n_valid < max(min_valid_rows, 1) or n_samples - n_valid < 1:
        return all_rows, all_rows[:0]
    if stratify is not None:
        _, counts = np.unique(stratify, return_counts=True)
        if counts.min() < 2 or n_valid < len(counts) or n_samples - n_valid < len(counts):
            stratify = None
    train_index, valid_index = train_test_split(
        all_rows, test_size=n_valid, random_state=random_state, stratify=stratify
    )
    return np.sort(train_index), np.sort(valid_index)
