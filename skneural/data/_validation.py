"""Input checks with messages that tell the user what to do."""

import numpy as np
import pandas as pd
import scipy.sparse as sp

PREPROCESSING_HINT = (
    "leave preprocessing='auto' (the default), which embeds them, or set "
    "preprocessing=skneural.preprocessing.TabularPreprocessor(), or encode them "
    "first, e.g. with sklearn.preprocessing.OneHotEncoder in a Pipeline"
)
MISSING_HINT = (
    "impute them first, e.g. with sklearn.impute.SimpleImputer in a Pipeline, or set "
    "preprocessing=skneural.preprocessing.TabularPreprocessor(), which imputes them "
    "(the default preprocessing='auto' does so for DataFrames)"
)


def check_numeric_columns(X, estimator_name: str, hint: str = PREPROCESSING_HINT) -> None:
    """Reject DataFrames with non-numeric columns, naming the columns; ``hint``
    says what to do."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(X, "columns"):
        return
    offending = [
        str(col)
        for col, dtype in zip(X.columns, dtypes, strict=True)
        if not (np.issubdtype(_numpy_dtype(dtype), np.number) or _is_bool(dtype))
    ]
    if offending:
        raise ValueError(
            f"{estimator_name} needs numeric input, but columns {offending} are "
            f"categorical, string or datetime; {hint}."
        )


def check_numeric_array(X, estimator_name: str, hint: str = PREPROCESSING_HINT) -> None:
    """Reject a NumPy array of objects or strings holding text or ``pd.NA``,
    naming the column and the value; ``hint`` says what to do. (Other objects
    are left to NumPy, whose ``TypeError`` scikit-learn's checks expect.)"""
    if not isinstance(X, np.ndarray) or X.dtype.kind not in "OUS" or X.ndim != 2:
        return
    for column in range(X.shape[1]):
        value = _first_non_number(X[:, column])
        if value is _NO_VALUE:
            continue
        if value is pd.NA:
            raise ValueError(
                f"Input X contains missing values ({value!r} in column {column} of the "
                f"array). {estimator_name} does not accept missing values: {MISSING_HINT}."
            )
        if not isinstance(value, str):
            return
        raise ValueError(
            f"{estimator_name} needs numeric input, but column {column} of the array X "
            f"holds {value!r}, which is not a number. Text and categories are encoded "
            f"only in a pandas DataFrame: pass X as a DataFrame and {hint}."
        )


def check_numeric_target(y, estimator_name: str) -> None:
    """Reject a target that holds something that is not a number (a regressor's)."""
    values = np.asarray(y)
    if values.dtype.kind not in "OUS":
        return
    value = _first_non_number(values.ravel())
    if value is not _NO_VALUE:
        raise ValueError(
            f"{estimator_name} needs a numeric target, but y holds {value!r}, which is "
            "not a number. For class labels use skneural.NeuralClassifier."
        )


_NO_VALUE = object()


def _first_non_number(values: np.ndarray):
    """The first entry of a 1-D array that ``float()`` rejects (as a Python
    object), else ``_NO_VALUE``. ``None`` counts as a number: NumPy reads it as NaN."""
    try:
        values.astype(np.float64)
        return _NO_VALUE
    except (TypeError, ValueError):
        pass
    for value in values:
        try:
            float(value)
        except (TypeError, ValueError):
            return value.item() if isinstance(value, np.generic) else value
    return _NO_VALUE


def check_class_labels(y, estimator_name: str) -> None:
    """Reject class labels that are missing or that mix strings and numbers."""
    values = np.asarray(y)
    if values.dtype != object:
        return
    missing = np.asarray(pd.isna(values)).reshape(len(values), -1).any(axis=1)
    if missing.any():
        rows = np.flatnonzero(missing)
        raise ValueError(
            f"y contains missing labels (None or NaN) in {len(rows)} of {len(values)} rows "
            f"(the first is row {rows[0]}); {estimator_name} needs a label for every row: "
            "drop those rows, or give them a label of their own such as 'missing'."
        )
    try:
        np.unique(values)
    except TypeError:
        kinds = sorted({type(value).__name__ for value in values.ravel()})
        raise ValueError(
            f"y mixes labels of types {kinds}; {estimator_name} sorts its classes, so the "
            "labels must be all strings or all numbers: convert them first, e.g. with "
            "y.astype(str)."
        ) from None


def _numpy_dtype(dtype):
    numpy_dtype = getattr(dtype, "numpy_dtype", None)  # pandas nullable/extension dtypes
    if numpy_dtype is not None:
        return numpy_dtype
    return dtype if isinstance(dtype, np.dtype) else np.dtype(object)


def _is_bool(dtype) -> bool:
    return str(dtype).lower() in ("bool", "boolean")


def check_finite(X, estimator_name: str, missing_hint: str = MISSING_HINT) -> None:
    """Raise a ``ValueError`` naming NaN or infinity in ``X`` and how to fix it
    (``missing_hint`` for NaN)."""
    values = X.data if sp.issparse(X) else X
    if np.isfinite(values).all():
        return
    if np.isnan(values).any():
        raise ValueError(
            f"Input X contains NaN. {estimator_name} does not accept missing values: "
            f"{missing_hint}."
        )
    raise ValueError(
        f"Input X contains infinity or a value too large for dtype('float32'). "
        f"{estimator_name} needs finite inputs: clip or drop those values first."
    )


def to_float32_dense(X, copy: bool = False) -> np.ndarray:
    """Dense, C-contiguous float32 version of a validated array or sparse matrix.

    ``X`` itself when it is one already, unless ``copy``.
    """
    if sp.issparse(X):
        X = X.toarray()
    with np.errstate(over="ignore"):
        X = np.array(X, dtype=np.float32, order="C", copy=True if copy else None)
    if not np.isfinite(X).all():
        raise ValueError(
            "Input X contains values too large for dtype('float32'); rescale the "
            "features (e.g. with sklearn.preprocessing.StandardScaler)."
        )
    return X


def to_float32(values, what: str) -> np.ndarray:
    """A preprocessor's output as a finite float32 matrix, or a clear error."""
    if hasattr(values, "toarray"):
        values = values.toarray()
    try:
        values = np.ascontiguousarray(np.asarray(values, dtype=np.float64), dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The output of {what} is not numeric: {exc}") from None
    if values.ndim != 2:
        raise ValueError(f"The output of {what} must be 2-D, got shape {values.shape}.")
    if not np.isfinite(values).all():
        raise ValueError(
            f"The output of {what} contains NaN or infinity; the network needs finite inputs."
        )
    return values
