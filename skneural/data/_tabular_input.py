"""The tabular case: a raw DataFrame (text, categories, dates, missing values)."""

import numpy as np
import pandas as pd
from sklearn.base import clone

from ._input_layer import _common_arguments
from ._integer_codes import find_code_columns, finds_code_columns
from ._transformer_input import TransformerInput


def needs_tabular_preprocessing(X) -> bool:
    """Whether ``X`` is a DataFrame that the numeric case cannot take:
    non-numeric (text, category, datetime) columns or missing values."""
    if not isinstance(X, pd.DataFrame):
        return False
    numeric = all(
        pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype)
        for dtype in X.dtypes
    )
    return not numeric or bool(X.isna().to_numpy().any())


def _integer_code_names(X: pd.DataFrame, targets, sample_weight) -> list:
    """Names of the numeric columns of ``X`` that hold integer codes."""
    numeric = [
        name
        for name, dtype in X.dtypes.items()
        if dtype.kind in "iuf" and not isinstance(dtype, pd.CategoricalDtype)
    ]
    if not numeric:
        return []
    values = X[numeric].to_numpy(dtype=np.float64, na_value=np.nan)
    return [numeric[c] for c in find_code_columns(values, targets, sample_weight)]


class TabularInput(TransformerInput):
    """A raw DataFrame through :class:`~skneural.preprocessing.TabularPreprocessor`.

    Chosen by ``preprocessing="auto"`` for a DataFrame with text, category,
    boolean or datetime columns or missing values, and for a
    ``TabularPreprocessor`` given as ``preprocessing`` (a clone of it, with its
    settings). Categorical columns of more levels than the preprocessor one-hot
    encodes (32 under ``"auto"``) become integer-code columns, which the
    network embeds (``code_columns_``, labelled by their categories in
    :meth:`code_labels`). Under ``numeric_encoding="auto"`` on a large table,
    the automatic preprocessor also reads as categorical the columns of
    integers that the target shows to be codes (ids), not quantities (see
    :class:`~skneural.data._numeric_input.NumericInput`).

    Parameters
    ----------
    find_codes : bool, default=False
        Look for numeric columns of integer codes in :meth:`fit_transform`
        and declare them categorical to the preprocessor.
    **common
        See :class:`TransformerInput`.

    Attributes
    ----------
    found_codes_ : list
        The numeric columns found to hold codes (declared categorical).
    """

    kind = "tabular"
    priority = 20

    def __init__(self, *, find_codes=False, **common):
        super().__init__(**common)
        self.find_codes = find_codes

    @classmethod
    def accepts(cls, params: dict, X) -> bool:
        from ..preprocessing import TabularPreprocessor

        preprocessing = params.get("preprocessing")
        if isinstance(preprocessing, TabularPreprocessor):
            return True
        return (
            isinstance(preprocessing, str)
            and preprocessing == "auto"
            and needs_tabular_preprocessing(X)
        )

    @classmethod
    def from_params(cls, params: dict, X, *, owner: str, random_state: int):
        from ..preprocessing import TabularPreprocessor

        if isinstance(params["preprocessing"], TabularPreprocessor):
            tabular = clone(params["preprocessing"])
        else:
            tabular = TabularPreprocessor(
                # One-hot up to 32 levels, learned embeddings above: measured
                # better than embedding every column (benchmarks/tune_defaults.py).
                max_onehot_cardinality=32,
                categorical_imputation="category",
                random_state=random_state,
            )
        # The estimator's own transformer: arrays whatever sklearn's global
        # transform_output setting says.
        tabular.set_output(transform="default")
        return cls(
            transformer=tabular,
            # A preprocessor of the user's own is used as set: never finds codes.
            find_codes=finds_code_columns(params, X, cls.kind),
            **_common_arguments(params, X, owner),
        )

    def fit_transform(self, X, y=None, sample_weight=None) -> np.ndarray:
        self.found_codes_ = _integer_code_names(X, y, sample_weight) if self.find_codes else []
        if self.found_codes_:
            self.transformer.set_params(categorical_columns=self.found_codes_)
        return super().fit_transform(X, y, sample_weight)

    def check_input(self, X, *, fitting: bool) -> None:
        """After fit, reject an array that is not numeric: the preprocessing reads
        the columns of the training DataFrame by name and kind."""
        if fitting or isinstance(X, pd.DataFrame) or hasattr(X, "toarray"):
            return
        values = np.asarray(X)
        if values.dtype.kind not in "biuf":
            raise ValueError(
                f"{self.owner} was fitted on a DataFrame and prepares its columns by name "
                f"and kind, but X is a {type(X).__name__} of dtype {values.dtype}: pass a "
                "DataFrame with the columns seen in fit"
                + ("" if self.feature_names is None else f" ({list(self.feature_names)})")
                + "."
            )

    def _code_columns(self) -> dict:
        """Declared code columns, else the preprocessor's (the last columns)."""
        if self.declared_codes is not None:
            return dict(self.declared_codes)
        cardinalities = self.preprocessor_.categorical_cardinalities_
        first = self.input_shape_[0] - len(cardinalities)
        return {first + i: int(card) for i, card in enumerate(cardinalities.values())}

    def code_labels(self) -> dict:
        """Each code column's name and the category of each code (``"<unknown>"``
        for code 0, the categories unseen in fit)."""
        if self.declared_codes is not None:
            return super().code_labels()
        named = self.preprocessor_.code_categories()
        return {
            column: (name, ["<unknown>", *categories])
            for column, (name, categories) in zip(self.code_columns_, named.items(), strict=True)
        }
