"""Input checks shared by the tabular transformers."""

import numbers
from types import NoneType

import numpy as np
import pandas as pd

from ..utils._sklearn_compat import validate_data

_MISSING_TYPES = (NoneType, type(pd.NA), type(pd.NaT))


def validate_frame(estimator, X, *, reset: bool, numeric_only: bool = False) -> pd.DataFrame:
    """Check ``X`` and return it as a DataFrame, recording or checking its columns.

    A DataFrame is checked without conversion (its columns may hold text,
    categories or datetimes); anything else goes through scikit-learn's
    ``check_array`` (2-D, not sparse, not complex, at least one row and one
    column) and is wrapped in a DataFrame with columns ``0 .. n_features - 1``.
    When ``fit`` saw column names and ``X`` has none (an array, or non-string
    column names), the columns are taken by position and given the fitted
    names, after scikit-learn's warning.

    Parameters
    ----------
    estimator : estimator instance
        Owner of ``n_features_in_`` and ``feature_names_in_``.
    X : DataFrame or array-like of shape (n_samples, n_features)
    reset : bool
        Record the columns (``fit``) or check them against the recorded ones.
    numeric_only : bool, default=False
        Require an array that is not a DataFrame to be numeric.

    Returns
    -------
    DataFrame
    """
    name = type(estimator).__name__
    if isinstance(X, pd.DataFrame):
        validate_data(estimator, X, reset=reset, skip_check_array=True)
        n_rows, n_columns = X.shape
        if n_rows == 0 or n_columns == 0:
            raise ValueError(
                f"{name} got an empty DataFrame ({n_rows} rows, {n_columns} columns); "
                "it needs at least one row and one column."
            )
        duplicated = X.columns[X.columns.duplicated()].unique().tolist()
        if duplicated:
            raise ValueError(f"{name} needs unique column names; {duplicated} appear twice.")
        return _named_as_in_fit(estimator, X, reset=reset)
    try:
        X = validate_data(
            estimator,
            X,
            reset=reset,
            dtype="numeric" if numeric_only else None,
            ensure_all_finite=False,
        )
    except ValueError as exc:
        if numeric_only and "could not convert" in str(exc):
            raise ValueError(
                f"{name} takes text, categorical and datetime columns only inside a "
                f"pandas DataFrame; a NumPy array must be numeric ({exc})."
            ) from exc
        raise
    return _named_as_in_fit(estimator, pd.DataFrame(X), reset=reset)


def _named_as_in_fit(estimator, frame: pd.DataFrame, *, reset: bool) -> pd.DataFrame:
    """``frame`` with the column names seen in ``fit``, when it has none of its own.

    scikit-learn takes the columns by position, after warning that X has no
    valid feature names (an array, or a DataFrame whose column names are not
    all strings). With the fitted names, steps fitted on named columns (a
    ``ColumnTransformer``) find them.
    """
    names = None if reset else getattr(estimator, "feature_names_in_", None)
    if names is None or frame.columns.tolist() == names.tolist():
        return frame
    return frame.set_axis(names, axis=1)


def column_label(frame: pd.DataFrame, position: int) -> str:
    """How error messages name a column: its name, or its position."""
    label = frame.columns[position]
    return repr(label) if isinstance(label, str) else f"at position {position}"


def is_number(value) -> bool:
    """Whether ``value`` is a real number (booleans are not)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def check_value_types(values: pd.Series, allowed: tuple, what: str, owner: str, column: str):
    """Raise a ``TypeError`` if a non-missing value is not of an allowed type.

    Parameters
    ----------
    values : Series of object
        One column.
    allowed : tuple of types
    what : str
        The allowed kinds in words, e.g. ``"a string, a number or a boolean"``.
    owner : str
        Name of the transformer, for the message.
    column : str
        The column as :func:`column_label` names it.
    """
    for kind in set(values.map(type)):
        if issubclass(kind, allowed) or kind in _MISSING_TYPES:
            continue
        example = values[values.map(type) == kind].iloc[0]
        raise TypeError(
            f"{owner} found a value of type {kind.__name__} in column {column}: "
            f"{example!r}; every argument must be {what}."
        )
