"""Integer columns that are codes (ids of students, shops, states), not quantities.

A column of integers can be a quantity (an age, a count of visits) or a code
(the id of a student, a lecturer, a department). A network reads a quantity
well as a number, but has to carve a code's thousands of unrelated values
out of a line, which takes many epochs and stays poor (InstEval's student
and lecturer ids: ``benchmarks/README.md``, "Large tables"); an embedding
learns each code directly. The dtype cannot tell them apart, the target can:

- the mean target varies between the column's values by more than noise
  explains (a one-way analysis of variance: an F ratio of at least
  :data:`MIN_F_RATIO`), and
- neighbouring values do not predict it. Each value's mean target is
  predicted by the average of its two neighbours' and by the overall mean;
  net of what the noise of the means adds to both squared errors, the
  neighbours must leave at least :data:`MIN_NEIGHBOUR_RATIO` of the overall
  mean's error. For a quantity, a smooth function of the value, they leave
  about none (ages, years, counts: 0.2 at most on the benchmark tables); for
  codes of unrelated values, about 1.5 (ids of students and lecturers: 1.4,
  of states 0.9, of Vietnamese communes, numbered by region, 0.74).

Only columns of enough distinct values to need an embedding
(:data:`MIN_CODES`) and enough rows per value to learn one
(:data:`MIN_ROWS_PER_CODE`) are considered. On the ten tables of the
large-table study this finds InstEval's student and lecturer ids and
VietNamI's communes, and nothing else (``benchmarks/README.md``, "Integer
codes").
"""

import numpy as np

from ..training._budget import auto_numeric_encoding
from ..utils._sklearn_compat import _num_samples

#: Fewer distinct values than this are read as numbers (an embedding pays
#: off above the 32 categories the automatic preprocessing one-hot encodes).
MIN_CODES = 33
#: At least this many rows per distinct value (on average) to learn embeddings.
MIN_ROWS_PER_CODE = 10
#: The target must vary between values by at least this F ratio ...
MIN_F_RATIO = 2.0
#: ... and the average of a value's two neighbours must predict its mean
#: target with at least this share of the overall mean's error (both net of
#: noise): about 0 for a smooth function of the value, 1.5 for unrelated codes.
MIN_NEIGHBOUR_RATIO = 0.5
#: Integers up to this magnitude are exact in float32, the network's input.
MAX_EXACT_INTEGER = 2**24
#: At most this many (value, class) cells are tabulated for class targets
#: (64 MB): a column of more values than that over the classes stays numbers.
MAX_CLASS_CELLS = 2**23
#: Rows read first to turn down a column of fractions cheaply.
_SCREEN_ROWS = 1000


def find_code_columns(X, targets, sample_weight=None) -> dict:
    """The columns of ``X`` that hold integer codes, and their values.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Numeric values (columns with missing or infinite values are never codes).
    targets : array-like of shape (n_samples,) or (n_samples, n_targets)
        What the network learns: integer class indices, or float targets
        (standardised regression targets, 0/1 indicator columns).
    sample_weight : ndarray of shape (n_samples,), default=None
        Row weights, relative to each other: rows of weight 0 count as
        absent, and weights of 2 everywhere find what no weights find.

    Returns
    -------
    dict of int to ndarray
        For each code column, its distinct values in increasing order
        (float64): value ``values[k]`` gets code ``k + 1``, unseen values 0.
    """
    weights = _normalised_weights(sample_weight, X.shape[0])
    if weights is None:
        return {}
    n_rows = np.count_nonzero(weights)
    target_columns = _target_columns(targets)
    classes = target_columns[0]
    n_classes = 0 if classes is None else int(classes.max(initial=0)) + 1
    found = {}
    for column in range(X.shape[1]):
        values = _integer_values(X[:, column])
        if values is None:
            continue
        distinct, groups = np.unique(values, return_inverse=True)
        if len(distinct) < MIN_CODES or n_rows < MIN_ROWS_PER_CODE * len(distinct):
            continue
        if len(distinct) * n_classes > MAX_CLASS_CELLS:
            continue
        if _reads_as_code(groups, len(distinct), target_columns, weights):
            found[column] = distinct
    return found


def encode_codes(values: np.ndarray, distinct: np.ndarray) -> np.ndarray:
    """The codes of ``values``: ``k + 1`` for ``distinct[k]``, 0 for a value not in ``distinct``.

    Parameters
    ----------
    values : ndarray of shape (n_samples,)
    distinct : ndarray of shape (n_codes,)
        Sorted values seen in fit.

    Returns
    -------
    ndarray of shape (n_samples,), float32
    """
    positions = np.searchsorted(distinct, values)
    clipped = np.minimum(positions, len(distinct) - 1)
    seen = distinct[clipped] == values
    return np.where(seen, clipped + 1, 0).astype(np.float32)


def _normalised_weights(sample_weight, n_rows):
    """Weights of mean 1 over the rows of positive weight (ones without
    weights), or ``None`` when they sum to 0: the statistics then count rows
    of weight 0 as absent and do not change with the scale of the weights."""
    if sample_weight is None:
        return np.ones(n_rows)
    weights = np.asarray(sample_weight, dtype=np.float64)
    total = weights.sum()
    return None if total <= 0 else weights * (np.count_nonzero(weights) / total)


def _target_columns(targets):
    """The targets as ``(class indices, None)`` or ``(None, float columns)``."""
    targets = np.asarray(targets)
    if targets.dtype.kind in "iub":
        return np.unique(targets.ravel(), return_inverse=True)[1], None
    return None, targets.reshape(len(targets), -1).astype(np.float64)


def _integer_values(column: np.ndarray) -> np.ndarray | None:
    """The column as float64 when all its values are integers exact in float32."""
    screen = np.asarray(column[:_SCREEN_ROWS], dtype=np.float64)
    if not _all_exact_integers(screen):
        return None
    values = np.asarray(column, dtype=np.float64)
    return values if _all_exact_integers(values) else None


def _all_exact_integers(values: np.ndarray) -> bool:
    finite = np.isfinite(values).all()
    return bool(
        finite
        and np.array_equal(values, np.round(values))
        and np.abs(values).max(initial=0) < MAX_EXACT_INTEGER
    )


def _group_moments(groups, n_groups, targets, weights):
    """Per value of the column: its weight, the weighted sums of the target
    columns (class indicators for classes) and of their squares."""
    classes, columns = targets
    group_weight = np.bincount(groups, weights=weights, minlength=n_groups)
    if classes is not None:
        n_classes = int(classes.max(initial=0)) + 1
        cells = groups * n_classes + classes
        sums = np.bincount(cells, weights=weights, minlength=n_groups * n_classes)
        return group_weight, sums.reshape(n_groups, n_classes), group_weight
    sums = np.stack(
        [np.bincount(groups, weights=weights * c, minlength=n_groups) for c in columns.T], axis=1
    )
    squares = np.bincount(groups, weights=weights * (columns**2).sum(axis=1), minlength=n_groups)
    return group_weight, sums, squares


def _reads_as_code(groups, n_groups, targets, weights) -> bool:
    """Whether the mean target varies between the values of a column beyond
    noise (F ratio) but not smoothly with the value (neighbour ratio, net of
    the noise of each value's mean)."""
    group_weight, sums, squares = _group_moments(groups, n_groups, targets, weights)
    present = group_weight > 0
    group_weight, sums, squares = group_weight[present], sums[present], squares[present]
    n_groups, n_rows = len(group_weight), group_weight.sum()
    if n_groups < 3 or n_rows <= n_groups:
        return False
    means = sums / group_weight[:, None]
    overall = sums.sum(axis=0) / n_rows
    between = (group_weight * ((means - overall) ** 2).sum(axis=1)).sum()
    noise = max((squares - group_weight * (means**2).sum(axis=1)).sum(), 0.0) / (n_rows - n_groups)
    if between < MIN_F_RATIO * noise * (n_groups - 1):
        return False  # F ratio below MIN_F_RATIO (written without dividing by 0)
    # Over the values with two neighbours: the squared errors of predicting
    # each value's mean by its neighbours' average and by the overall mean,
    # less what the noise of the means (variance noise / weight) adds to each.
    weight, before, after = group_weight[1:-1], group_weight[:-2], group_weight[2:]
    inner = means[1:-1]
    neighbour_error = (weight * ((inner - (means[:-2] + means[2:]) / 2) ** 2).sum(axis=1)).sum()
    neighbour_error -= noise * (1 + weight * (1 / before + 1 / after) / 4).sum()
    overall_error = (weight * ((inner - overall) ** 2).sum(axis=1)).sum()
    overall_error -= noise * (1 - weight / n_rows).sum()
    return overall_error > 0 and neighbour_error >= MIN_NEIGHBOUR_RATIO * overall_error


def finds_code_columns(params: dict, X, input_kind: str) -> bool:
    """Whether a fit with the estimator parameters ``params`` on ``X`` looks
    for code columns: part of ``numeric_encoding="auto"``, so for the
    built-in ``"mlp"`` and ``"resnet"`` on a large table (where the encoding
    applies), with ``preprocessing="auto"`` and no ``module_params`` that
    say how to read the columns (``categorical_cardinalities``,
    ``numeric_embedding``, ``bin_edges``)."""
    module_params = params.get("module_params") or {}
    if (
        params.get("numeric_encoding") != "auto"
        or not _is_auto(params.get("preprocessing"))
        or {"categorical_cardinalities", "numeric_embedding", "bin_edges"} & set(module_params)
    ):
        return False
    n_rows = _num_samples(X)
    n_train = n_rows - int(round(n_rows * params.get("validation_fraction", 0.0)))
    return auto_numeric_encoding(params.get("module"), input_kind, n_train) is not None


def _is_auto(preprocessing) -> bool:
    return isinstance(preprocessing, str) and preprocessing == "auto"
