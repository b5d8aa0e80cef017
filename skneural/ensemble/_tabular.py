"""Column-type-aware preprocessing for the members of the stacking preset.

Numeric columns are those of a numeric or boolean dtype; every other column
of a DataFrame (strings, categoricals) is categorical. A plain array is all
numeric. The selectors run at fit time, so one preset fits any table.
"""

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler


def _is_numeric(dtype) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)


def numeric_columns(X) -> list:
    """Numeric columns of a DataFrame by name; every column index of an array."""
    if hasattr(X, "dtypes"):
        return [column for column, dtype in X.dtypes.items() if _is_numeric(dtype)]
    return list(range(np.shape(X)[1]))


def categorical_columns(X) -> list:
    """Non-numeric columns of a DataFrame by name; none for an array."""
    if hasattr(X, "dtypes"):
        return [column for column, dtype in X.dtypes.items() if not _is_numeric(dtype)]
    return []


def one_hot_preprocessor() -> ColumnTransformer:
    """Impute and standardise numeric columns, one-hot encode the others.

    Missing numeric values become the median plus a missing-indicator
    column; a missing category is a category of its own; categories unseen
    in fit encode as all zeros. For networks and linear models.
    """
    return ColumnTransformer(
        [
            (
                "numeric",
                make_pipeline(
                    SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
                ),
                numeric_columns,
            ),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical_columns),
        ],
        sparse_threshold=0.0,
    )


def _as_category(X):
    if not hasattr(X, "dtypes"):
        return X
    columns = categorical_columns(X)
    if not columns:
        return X
    return X.astype(dict.fromkeys(columns, "category"))


def category_dtype_encoder() -> FunctionTransformer:
    """Give non-numeric DataFrame columns the pandas ``category`` dtype.

    ``HistGradientBoosting*`` (``categorical_features="from_dtype"``),
    LightGBM and XGBoost then split on them natively; their categories are
    matched by value, so an unseen category at predict time is harmless.
    """
    return FunctionTransformer(_as_category, feature_names_out="one-to-one")
