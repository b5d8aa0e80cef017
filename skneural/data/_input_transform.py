"""The estimators' built-in input preprocessing: user X to the matrix the network sees."""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.preprocessing import StandardScaler


def needs_tabular_preprocessing(X) -> bool:
    """Whether ``X`` is a DataFrame that a plain numeric path cannot take:
    non-numeric (text, category, datetime) columns or missing values."""
    if not isinstance(X, pd.DataFrame):
        return False
    numeric = all(
        pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype)
        for dtype in X.dtypes
    )
    return not numeric or bool(X.isna().to_numpy().any())


def resolve_preprocessing(preprocessing, X, random_state):
    """The kind of input preprocessing a fit uses and its (unfitted) transformer.

    Parameters
    ----------
    preprocessing : "auto", "standard", None or transformer
        The estimator's parameter.
    X : array-like
        The training inputs.
    random_state : int
        Seed for transformers that subsample.

    Returns
    -------
    kind : {"tabular", "custom", "standard", "none"}
        ``"tabular"`` and ``"custom"`` take the raw ``X``; ``"standard"`` and
        ``"none"`` take the validated numeric matrix.
    transformer : transformer or None
    """
    if preprocessing is None:
        return "none", None
    if preprocessing == "standard":
        return "standard", _internal(StandardScaler())
    if preprocessing == "auto":
        if needs_tabular_preprocessing(X):
            from ..preprocessing import TabularPreprocessor

            tabular = TabularPreprocessor(
                # One-hot up to 32 levels, learned embeddings above: measured
                # better than embedding every column (benchmarks/tune_defaults.py).
                max_onehot_cardinality=32,
                categorical_imputation="category",
                random_state=random_state,
            )
            return "tabular", _internal(tabular)
        return "standard", _internal(StandardScaler())
    return "custom", clone(preprocessing)


def _internal(transformer):
    """A transformer of the estimator's own that outputs arrays whatever the
    global ``sklearn.set_config(transform_output=...)``."""
    return transformer.set_output(transform="default")


def code_columns(transformer, n_outputs: int) -> dict:
    """``{output column index: cardinality}`` of integer-code columns.

    Only :class:`~skneural.preprocessing.TabularPreprocessor` declares such
    columns (its ``categorical_cardinalities_``, always the last columns).
    """
    cardinalities = getattr(transformer, "categorical_cardinalities_", None) or {}
    first = n_outputs - len(cardinalities)
    return {first + i: int(card) for i, card in enumerate(cardinalities.values())}


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
