"""Split data into training, validation and test parts in one call."""

import math
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_consistent_length, indexable

from ..utils._sklearn_compat import _safe_indexing


def train_val_test_split(
    *arrays,
    val_size: float | int,
    test_size: float | int,
    stratify=None,
    groups=None,
    random_state=None,
    shuffle: bool = True,
) -> list:
    """Split arrays into training, validation and test parts.

    Rows are split once, and every array is cut along the same rows. With
    ``stratify``, each part keeps the class proportions of the labels; with
    ``groups``, all rows of a group land in the same part.

    Parameters
    ----------
    *arrays : sequence of indexables with the same length
        Lists, NumPy arrays, sparse matrices or pandas objects.
    val_size : float or int
        A float in (0, 1) is a share of the rows (of the groups, with
        ``groups``), rounded up; an int is a number of rows (of groups).
    test_size : float or int
        Size of the test part, read like ``val_size``.
    stratify : array-like of shape (n_samples,), default=None
        Class labels to stratify on; needs ``shuffle=True``.
    groups : array-like of shape (n_samples,), default=None
        Group labels; no group is split across two parts. Every row needs a
        label: a missing one (``None``, NaN) is refused, since the row could
        belong to no part. Cannot be combined with ``stratify``.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffling; an int gives the same split on every call.
    shuffle : bool, default=True
        Shuffle before splitting. Without shuffling the parts are
        consecutive: training rows first, then validation, then test (with
        ``groups``, groups in the order they first appear).

    Returns
    -------
    list
        ``3 * len(arrays)`` items: for each input array, in order, its
        training, validation and test parts (``X_train, X_val, X_test,
        y_train, y_val, y_test`` for ``X, y``), each of the input's type.

    Raises
    ------
    ValueError
        If the sizes leave a part empty, if ``stratify`` is combined with
        ``groups`` or with ``shuffle=False``, if a class has too few rows
        to be stratified, or if ``groups`` is not 1-D or has missing labels.

    See Also
    --------
    sklearn.model_selection.train_test_split : The two-way split it builds on.

    Examples
    --------
    >>> import numpy as np
    >>> from skneural.model_selection import train_val_test_split
    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10) % 2
    >>> X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(
    ...     X, y, val_size=0.2, test_size=0.2, stratify=y, random_state=0
    ... )
    >>> len(y_train), len(y_val), len(y_test)
    (6, 2, 2)
    """
    if not arrays:
        raise ValueError("train_val_test_split needs at least one array to split.")
    arrays = indexable(*arrays)
    check_consistent_length(*arrays, stratify, groups)
    if stratify is not None and groups is not None:
        raise ValueError(
            "stratify and groups cannot be combined; for stratified groups use "
            "sklearn.model_selection.StratifiedGroupKFold."
        )
    if stratify is not None and not shuffle:
        raise ValueError("stratify needs shuffle=True: an unshuffled split cannot be stratified.")
    rng = check_random_state(random_state)
    n_rows = len(arrays[0]) if not hasattr(arrays[0], "shape") else arrays[0].shape[0]
    if groups is None:
        parts = _split_rows(n_rows, val_size, test_size, stratify, rng, shuffle)
    else:
        parts = _split_groups(_group_codes(groups), val_size, test_size, rng, shuffle)
    return [_safe_indexing(array, rows) for array in arrays for rows in parts]


def _part_sizes(n_units: int, val_size, test_size, unit: str) -> tuple[int, int]:
    """Numbers of validation and test units (rows or groups), checked."""
    sizes = []
    for name, size in (("val_size", val_size), ("test_size", test_size)):
        if isinstance(size, Integral) and not isinstance(size, bool) and size >= 1:
            sizes.append(int(size))
        elif isinstance(size, Real) and not isinstance(size, Integral) and 0 < size < 1:
            sizes.append(math.ceil(size * n_units))
        else:
            raise ValueError(f"{name} must be a float in (0, 1) or a positive int, got {size!r}.")
    n_val, n_test = sizes
    if n_units - n_val - n_test < 1:
        raise ValueError(
            f"val_size={val_size!r} and test_size={test_size!r} leave no training "
            f"{unit}: {n_units} {unit} cannot give {n_val} to validation and "
            f"{n_test} to test."
        )
    return n_val, n_test


def _split_rows(n_rows, val_size, test_size, stratify, rng, shuffle):
    n_val, n_test = _part_sizes(n_rows, val_size, test_size, "rows")
    rows = np.arange(n_rows)
    stratify = None if stratify is None else np.asarray(stratify)
    rest, test = train_test_split(
        rows, test_size=n_test, stratify=stratify, random_state=rng, shuffle=shuffle
    )
    train, val = train_test_split(
        rest,
        test_size=n_val,
        stratify=None if stratify is None else stratify[rest],
        random_state=rng,
        shuffle=shuffle,
    )
    return train, val, test


def _group_codes(groups) -> np.ndarray:
    """Group numbers of the rows, in order of first appearance; labels checked."""
    groups = np.asarray(groups)
    if groups.ndim != 1:
        raise ValueError(
            f"groups must be 1-D, one label per row, got an array of shape {groups.shape}."
        )
    codes, _ = pd.factorize(groups)
    missing = np.flatnonzero(codes < 0)
    if missing.size:
        raise ValueError(
            f"groups has {missing.size} missing labels (None or NaN), the first at row "
            f"{missing[0]}; such rows would belong to no part. Give every row a group label, "
            "e.g. fill the missing ones with a label of their own."
        )
    return codes


def _split_groups(codes, val_size, test_size, rng, shuffle):
    n_groups = codes.max() + 1
    n_val, n_test = _part_sizes(n_groups, val_size, test_size, "groups")
    order = rng.permutation(n_groups) if shuffle else np.arange(n_groups)
    n_train = n_groups - n_val - n_test
    train, val, test = np.split(order, [n_train, n_train + n_val])
    return tuple(np.flatnonzero(np.isin(codes, part)) for part in (train, val, test))
