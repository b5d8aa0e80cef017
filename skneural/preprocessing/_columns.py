"""What kind each DataFrame column is, and reading numeric and boolean columns.

The readers are the first step of :class:`TabularPreprocessor`'s numeric and
boolean branches (wrapped in ``FunctionTransformer``); they raise errors that
name the column and the values they cannot read.
"""

import numbers

import numpy as np
import pandas as pd

from ._categories import MISSING_STRINGS
from ._validation import check_value_types, column_label, is_number

KINDS = ("numeric", "boolean", "datetime", "categorical")

_OWNER = "TabularPreprocessor"
_SCALAR_TYPES = (str, bool, np.bool_, numbers.Real)
_SCALAR_TYPES_IN_WORDS = "a string, a number or a boolean"
_MISSING_KEYS = frozenset(MISSING_STRINGS)
_TRUE_KEYS = frozenset({"true", "t", "yes", "y", "1"})
_FALSE_KEYS = frozenset({"false", "f", "no", "n", "0"})

# pandas.api.types.infer_dtype of an object column -> its kind.
_OBJECT_KINDS = {
    "boolean": "boolean",
    "integer": "numeric",
    "floating": "numeric",
    "mixed-integer-float": "numeric",
    "empty": "numeric",
    "datetime": "datetime",
    "datetime64": "datetime",
    "date": "datetime",
    "string": "categorical",
    "categorical": "categorical",
    "mixed": "categorical",
    "mixed-integer": "categorical",
}


def infer_kind(values: pd.Series) -> str | None:
    """The kind of a column from its dtype (and, for object columns, its values).

    Returns
    -------
    {"numeric", "boolean", "datetime", "categorical"} or None
        ``None`` for dtypes no kind fits (complex, timedelta, period, ...).
    """
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_numeric_dtype(dtype):
        return None if pd.api.types.is_complex_dtype(dtype) else "numeric"
    if pd.api.types.is_object_dtype(dtype):
        return _OBJECT_KINDS.get(pd.api.types.infer_dtype(values, skipna=True))
    if pd.api.types.is_string_dtype(dtype):
        return "categorical"
    return None


def check_scalars(values: pd.Series, column: str):
    """Raise a ``TypeError`` naming the column if a value is not a string, a number or a boolean.

    Run before anything hashes the values (a list or a dict cannot be hashed).
    """
    check_value_types(values.astype(object), _SCALAR_TYPES, _SCALAR_TYPES_IN_WORDS, _OWNER, column)


def mixes_numbers_and_text(values: pd.Series) -> bool:
    """Whether an object column holds both numbers and strings."""
    if not pd.api.types.is_object_dtype(values.dtype):
        return False
    distinct = pd.unique(values.dropna())
    return any(is_number(v) for v in distinct) and any(isinstance(v, str) for v in distinct)


def as_float(values: pd.Series, column: str) -> np.ndarray:
    """A column as float64, with missing-value markers and infinity read as NaN.

    Numbers written as text (``"3.5"``) are parsed; other text raises a
    ``ValueError`` naming the column.
    """
    dtype = values.dtype
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        result = values.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    else:
        objects = values.astype(object)
        check_scalars(objects, column)
        objects = objects.map(_strip).mask(objects.map(_is_marker).astype(bool))
        parsed = pd.to_numeric(objects, errors="coerce")
        unreadable = objects[parsed.isna() & objects.notna()]
        if len(unreadable):
            raise ValueError(
                f"{_OWNER} cannot read {len(unreadable)} value(s) of numeric column "
                f"{column} as numbers, e.g. {unreadable.unique()[:3].tolist()!r}; clean "
                "them, or declare the column in categorical_columns."
            )
        result = parsed.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    result[np.isinf(result)] = np.nan
    return result


def as_binary(values: pd.Series, column: str) -> np.ndarray:
    """A boolean column as 0.0 / 1.0 floats, NaN where missing.

    Besides booleans, reads the numbers 0 and 1 and the text true/false,
    t/f, yes/no, y/n, 1/0 (any case); anything else raises a ``ValueError``
    naming the column.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    objects = values.astype(object)
    check_scalars(objects, column)
    codes, distinct = pd.factorize(objects)
    mapped = np.array([_binary(value) for value in distinct] + [np.nan], dtype=np.float64)
    unreadable = [value for value, code in zip(distinct, mapped, strict=False) if code < 0]
    if unreadable:
        raise ValueError(
            f"{_OWNER} cannot read the value(s) {unreadable[:3]!r} of boolean column "
            f"{column} as booleans; expected true/false, yes/no or 1/0."
        )
    return mapped[codes]


def numbers_to_float(X: pd.DataFrame) -> np.ndarray:
    """:func:`as_float` over every column of a DataFrame."""
    return _columnwise(as_float, X)


def booleans_to_float(X: pd.DataFrame) -> np.ndarray:
    """:func:`as_binary` over every column of a DataFrame."""
    return _columnwise(as_binary, X)


def shift_codes(X) -> np.ndarray:
    """Add one to ordinal codes, so that the unknown code -1 becomes 0."""
    return np.asarray(X, dtype=np.float64) + 1.0


def _columnwise(read, X) -> np.ndarray:
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(X)
    columns = range(frame.shape[1])
    return np.column_stack([read(frame.iloc[:, p], column_label(frame, p)) for p in columns])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _is_marker(value) -> bool:
    return isinstance(value, str) and value.strip().casefold() in _MISSING_KEYS


def _binary(value) -> float:
    """1.0 or 0.0 for a readable boolean, NaN for a missing marker, -1.0 otherwise."""
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if is_number(value):
        return float(value) if value in (0, 1) else -1.0
    key = value.strip().casefold()
    if key in _TRUE_KEYS:
        return 1.0
    if key in _FALSE_KEYS:
        return 0.0
    return np.nan if key in _MISSING_KEYS else -1.0
