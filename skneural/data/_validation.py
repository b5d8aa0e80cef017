"""Input checks with messages that tell the user what to do."""

import numpy as np
import scipy.sparse as sp

_PREPROCESSING_HINT = (
    "leave preprocessing='auto' (the default), which embeds them, or set "
    "preprocessing=skneural.preprocessing.TabularPreprocessor(), or encode them "
    "first, e.g. with sklearn.preprocessing.OneHotEncoder in a Pipeline"
)
_MISSING_HINT = (
    "impute them first, e.g. with sklearn.impute.SimpleImputer in a Pipeline, or set "
    "preprocessing=skneural.preprocessing.TabularPreprocessor(), which imputes them "
    "(the default preprocessing='auto' does so for DataFrames)"
)


def check_numeric_columns(X, estimator_name: str) -> None:
    """Reject DataFrames with non-numeric columns, naming the columns."""
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
            f"categorical, string or datetime; {_PREPROCESSING_HINT}."
        )


def _numpy_dtype(dtype):
    numpy_dtype = getattr(dtype, "numpy_dtype", None)  # pandas nullable/extension dtypes
    if numpy_dtype is not None:
        return numpy_dtype
    return dtype if isinstance(dtype, np.dtype) else np.dtype(object)


def _is_bool(dtype) -> bool:
    return str(dtype).lower() in ("bool", "boolean")


def check_finite(X, estimator_name: str) -> None:
    """Raise a ``ValueError`` naming NaN or infinity in ``X`` and how to fix it."""
    values = X.data if sp.issparse(X) else X
    if np.isfinite(values).all():
        return
    if np.isnan(values).any():
        raise ValueError(
            f"Input X contains NaN. {estimator_name} does not accept missing values: "
            f"{_MISSING_HINT}."
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
