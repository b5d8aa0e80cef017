"""From a raw, messy DataFrame to numeric features a network can use."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    OrdinalEncoder,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)
from sklearn.utils.validation import check_is_fitted

from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from ._categories import CategoryCleaner
from ._clipping import OutlierClipper
from ._columns import (
    KINDS,
    as_binary,
    as_float,
    booleans_to_float,
    check_scalars,
    infer_kind,
    mixes_numbers_and_text,
    numbers_to_float,
    shift_codes,
)
from ._datetime import DatetimeFeatures, parse_datetimes
from ._validation import column_label, validate_frame


class TabularPreprocessor(TransformerMixin, BaseEstimator):
    """Clean, impute, scale and encode a raw DataFrame into numeric features.

    Each column is given a kind, from its dtype unless it is listed in one of
    the ``*_columns`` parameters:

    - **numeric** (int, float, nullable numbers, object columns of numbers):
      infinity and missing-value text (``""``, ``"?"``, ``"n/a"``, ``"nan"``,
      ``"null"``) become NaN; outliers are clipped (:class:`OutlierClipper`),
      values scaled, then NaN imputed by the (scaled) median. Columns that had
      missing values in ``fit`` also get a 0/1 column
      ``missingindicator_<column>``.
    - **boolean** (bool, nullable boolean, object columns of booleans; when
      declared, also text such as yes/no or true/false and the numbers 0/1):
      0/1, missing values imputed by the most frequent value.
    - **datetime** (datetime64 dtypes, object columns of datetimes; when
      declared, also text, parsed with ``datetime_format``): expanded by
      :class:`DatetimeFeatures` (year, month, day, weekday, hour where
      present, and their sine/cosine), scaled, missing values imputed by the
      median.
    - **categorical** (text, pandas ``category``, object columns mixing numbers
      and text): tidied by :class:`CategoryCleaner` (whitespace, case, rare
      categories), missing values imputed, then one-hot encoded when the
      column has at most ``max_onehot_cardinality`` categories, otherwise
      turned into integer codes meant for an embedding layer: ``0`` for a
      category not seen in ``fit``, ``1 .. n`` for the ``n`` categories seen.
      An unseen category gets all zeros in a one-hot encoding.

    The output columns come in the order numeric (values, then missing
    indicators), boolean, datetime, one-hot, integer codes.
    ``categorical_cardinalities_`` lists the integer-code columns.

    Columns that are entirely missing in ``fit`` carry no information: they
    are dropped with a warning and listed in ``dropped_columns_`` (they must
    still be present at transform time).

    The columns passed to ``transform`` must be the ones seen in ``fit``, in
    the same order (select them with ``X[preprocessor.feature_names_in_]``);
    new, missing or reordered columns raise a ``ValueError`` naming them.

    A NumPy array is accepted when it is numeric; its columns are then
    numeric (or boolean, for a bool array). Given to ``transform`` after
    ``fit`` on a DataFrame, it is read by position, after scikit-learn's
    warning that it has no feature names.

    Parameters
    ----------
    numeric_columns, boolean_columns, datetime_columns, categorical_columns : \
list of str, default=None
        Columns whose kind is set rather than detected (names for a
        DataFrame, positions for an array). Declare text columns of dates as
        datetime, yes/no columns as boolean, numeric codes (zip codes) as
        categorical.
    clip : {"quantile", "iqr"} or None, default="quantile"
        How :class:`OutlierClipper` bounds numeric columns (its default
        1st-99th percentiles, or Tukey's fences); ``None`` does not clip.
    scaling : {"standard", "robust", "quantile"} or None, default="standard"
        ``StandardScaler``, ``RobustScaler`` or ``QuantileTransformer`` (to a
        normal distribution) for numeric and datetime features.
    add_indicator : bool, default=True
        Add a missing-value indicator for each numeric column that had
        missing values in ``fit``.
    categorical_imputation : {"most_frequent", "category"}, default="most_frequent"
        Replace a missing category by the most frequent one, or make missing
        a category of its own, ``"missing"``.
    min_frequency : int or float, default=None
        Categories seen fewer times in ``fit`` (a count, or a share of the
        rows) are grouped into one category, ``"rare"``.
    max_onehot_cardinality : int or None, default=10
        Categorical columns with at most this many categories (after
        cleaning and rare grouping) are one-hot encoded, the others become
        integer codes. ``None`` one-hot encodes every column; ``0`` codes
        every column.
    datetime_format : str, default=None
        Format of text datetime columns (see :class:`DatetimeFeatures`).
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling of ``scaling="quantile"`` on more than 10,000 rows.

    Attributes
    ----------
    column_kinds_ : dict of str to list
        The columns of each kind (``"numeric"``, ``"boolean"``,
        ``"datetime"``, ``"categorical"``), dropped columns excluded.
    dropped_columns_ : list
        Columns dropped because they were entirely missing in ``fit``.
    categorical_cardinalities_ : dict of str to int
        For each output column of integer codes (in output order), the
        number of codes, the unknown code 0 included: the size of the
        embedding table it needs.
    column_transformer_ : sklearn.compose.ColumnTransformer
        The fitted scikit-learn pipeline doing the work.
    n_features_in_ : int
        Number of columns seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen during ``fit``, when they are all strings.

    See Also
    --------
    CategoryCleaner, OutlierClipper, DatetimeFeatures : The parts, usable alone.

    Examples
    --------
    >>> import pandas as pd
    >>> from skneural.preprocessing import TabularPreprocessor
    >>> X = pd.DataFrame({
    ...     "age": [25, 32, None, 51],
    ...     "city": ["Paris", " paris", "Lyon", None],
    ...     "member": [True, False, True, True],
    ... })
    >>> prep = TabularPreprocessor(clip=None).fit(X)
    >>> prep.get_feature_names_out().tolist()
    ['age', 'missingindicator_age', 'member', 'city_Lyon', 'city_Paris']
    >>> prep.transform(X).shape
    (4, 5)
    """

    _parameter_constraints: dict = {
        "numeric_columns": ["array-like", None],
        "boolean_columns": ["array-like", None],
        "datetime_columns": ["array-like", None],
        "categorical_columns": ["array-like", None],
        "clip": [StrOptions({"quantile", "iqr"}), None],
        "scaling": [StrOptions({"standard", "robust", "quantile"}), None],
        "add_indicator": ["boolean"],
        "categorical_imputation": [StrOptions({"most_frequent", "category"})],
        "min_frequency": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="neither"),
            None,
        ],
        "max_onehot_cardinality": [Interval(Integral, 0, None, closed="left"), None],
        "datetime_format": [str, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        numeric_columns=None,
        boolean_columns=None,
        datetime_columns=None,
        categorical_columns=None,
        clip: str | None = "quantile",
        scaling: str | None = "standard",
        add_indicator: bool = True,
        categorical_imputation: str = "most_frequent",
        min_frequency: int | float | None = None,
        max_onehot_cardinality: int | None = 10,
        datetime_format: str | None = None,
        random_state=None,
    ):
        self.numeric_columns = numeric_columns
        self.boolean_columns = boolean_columns
        self.datetime_columns = datetime_columns
        self.categorical_columns = categorical_columns
        self.clip = clip
        self.scaling = scaling
        self.add_indicator = add_indicator
        self.categorical_imputation = categorical_imputation
        self.min_frequency = min_frequency
        self.max_onehot_cardinality = max_onehot_cardinality
        self.datetime_format = datetime_format
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Detect the column kinds and fit every cleaning and encoding step.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Raw data; a NumPy array must be numeric.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted preprocessor.
        """
        frame = validate_frame(self, X, reset=True, numeric_only=True)
        kinds = self._column_kinds(frame)
        sizes = self._category_counts(frame, [p for p, k in kinds.items() if k == "categorical"])
        empty = self._empty_columns(frame, kinds, sizes)
        positions = {
            kind: [p for p, k in kinds.items() if k == kind and p not in empty] for kind in KINDS
        }
        limit = self.max_onehot_cardinality
        onehot = [p for p in positions["categorical"] if limit is None or sizes[p] <= limit]
        codes = [p for p in positions["categorical"] if p not in onehot]
        branches = [
            ("numeric", self._numeric_branch(len(frame)), positions["numeric"]),
            ("boolean", self._boolean_branch(), positions["boolean"]),
            ("datetime", self._datetime_branch(len(frame)), positions["datetime"]),
            ("onehot", self._categorical_branch(self._onehot_encoder()), onehot),
            ("codes", self._categorical_branch(*self._code_encoder()), codes),
        ]
        self.column_transformer_ = ColumnTransformer(
            [branch for branch in branches if branch[2]],
            remainder="drop",
            sparse_threshold=0,
            verbose_feature_names_out=False,
        ).set_output(transform="default")
        self.column_transformer_.fit(frame)
        self.column_kinds_ = {kind: [frame.columns[p] for p in positions[kind]] for kind in KINDS}
        self.dropped_columns_ = [frame.columns[p] for p in empty]
        self.categorical_cardinalities_ = self._cardinalities()
        return self

    def transform(self, X):
        """Turn ``X`` into numeric features.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns seen in ``fit``, in the same order.

        Returns
        -------
        ndarray of shape (n_samples, n_features_out)
            Float64 features, without missing values (a DataFrame with
            ``set_output(transform="pandas")``).
        """
        check_is_fitted(self)
        frame = validate_frame(self, X, reset=False, numeric_only=True)
        return np.asarray(self.column_transformer_.transform(frame), dtype=np.float64)

    def get_feature_names_out(self, input_features=None):
        """Names of the output features.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; by default ``feature_names_in_``, or
            ``x0, x1, ...`` when ``fit`` saw no column names.

        Returns
        -------
        ndarray of str objects
        """
        check_is_fitted(self)
        return self.column_transformer_.get_feature_names_out(input_features)

    # --------------------------------------------------------- column kinds
    def _column_kinds(self, frame) -> dict:
        """Kind of every column by position (in column order): declared, else detected."""
        kinds = self._declared_kinds(frame)
        for position in range(frame.shape[1]):
            if position in kinds:
                continue
            values, column = frame.iloc[:, position], column_label(frame, position)
            kind = infer_kind(values)
            if kind is None:
                raise TypeError(
                    f"{type(self).__name__} cannot use column {column} of dtype "
                    f"{values.dtype}; convert it, declare its kind in one of numeric_columns, "
                    "boolean_columns, datetime_columns or categorical_columns, or drop it."
                )
            if kind == "categorical":  # the kind of object columns holding lists or dicts
                check_scalars(values, column)
            if mixes_numbers_and_text(values):
                warnings.warn(
                    f"Column {column} mixes numbers and text; it is treated as categorical "
                    "(numbers become text). If its text only marks missing values, clean it "
                    "or declare it in numeric_columns.",
                    UserWarning,
                    stacklevel=4,
                )
            kinds[position] = kind
        return dict(sorted(kinds.items()))

    def _declared_kinds(self, frame) -> dict:
        declared = {}
        for kind in KINDS:
            listed = getattr(self, f"{kind}_columns")
            for label in [] if listed is None else listed:
                if label not in frame.columns:
                    raise ValueError(f"{kind}_columns lists {label!r}, which is not a column of X.")
                position = frame.columns.get_loc(label)
                if declared.get(position, kind) != kind:
                    raise ValueError(
                        f"Column {label!r} is listed in both {declared[position]}_columns "
                        f"and {kind}_columns."
                    )
                declared[position] = kind
        return declared

    def _empty_columns(self, frame, kinds, sizes) -> list:
        """Positions of the entirely missing columns, dropped with a warning."""
        empty = [
            position
            for position, kind in kinds.items()
            if (
                sizes[position] == 0
                if kind == "categorical"
                else self._is_empty(frame, position, kind)
            )
        ]
        if len(empty) == len(kinds):
            raise ValueError(
                f"{type(self).__name__} has no usable column: every column is entirely missing."
            )
        if empty:
            warnings.warn(
                f"{type(self).__name__} drops the columns {[frame.columns[p] for p in empty]}: "
                "they are entirely missing, so they carry no information.",
                UserWarning,
                stacklevel=4,
            )
        return empty

    def _is_empty(self, frame, position, kind) -> bool:
        """Whether a numeric, boolean or datetime column holds no usable value.

        Reading the column also checks that its values fit its kind.
        """
        values, column = frame.iloc[:, position], column_label(frame, position)
        if kind == "numeric":
            return bool(np.isnan(as_float(values, column)).all())
        if kind == "boolean":
            return bool(np.isnan(as_binary(values, column)).all())
        return bool(self._parse_dates(values, column).isna().all())

    def _category_counts(self, frame, positions) -> dict:
        """Number of categories of each categorical column, after cleaning."""
        if not positions:
            return {}
        cleaner = self._cleaner().fit(frame.iloc[:, positions])
        return {p: len(c) for p, c in zip(positions, cleaner.categories_, strict=True)}

    def _parse_dates(self, values, column):
        return parse_datetimes(
            values,
            format=self.datetime_format,
            unit="s",
            owner=type(self).__name__,
            column=column,
        )

    # -------------------------------------------------------------- branches
    def _numeric_branch(self, n_samples):
        steps = [("to_float", _reader(numbers_to_float))]
        if self.clip is not None:
            steps.append(("clip", OutlierClipper(method=self.clip)))
        steps += self._scaling_steps(n_samples)
        steps.append(("impute", SimpleImputer(strategy="median", add_indicator=self.add_indicator)))
        return Pipeline(steps)

    def _boolean_branch(self):
        return Pipeline(
            [
                ("to_float", _reader(booleans_to_float)),
                ("impute", SimpleImputer(strategy="most_frequent")),
            ]
        )

    def _datetime_branch(self, n_samples):
        return Pipeline(
            [
                ("expand", DatetimeFeatures(format=self.datetime_format)),
                *self._scaling_steps(n_samples),
                ("impute", SimpleImputer(strategy="median")),
            ]
        )

    def _categorical_branch(self, *encoding_steps):
        if self.categorical_imputation == "category":
            imputer = SimpleImputer(strategy="constant", fill_value="missing")
        else:
            imputer = SimpleImputer(strategy="most_frequent")
        return Pipeline([("clean", self._cleaner()), ("impute", imputer), *encoding_steps])

    def _scaling_steps(self, n_samples):
        if self.scaling is None:
            return []
        if self.scaling == "standard":
            scaler = StandardScaler()
        elif self.scaling == "robust":
            scaler = RobustScaler()
        else:
            scaler = QuantileTransformer(
                n_quantiles=min(1000, n_samples),
                output_distribution="normal",
                random_state=self.random_state,
            )
        return [("scale", scaler)]

    def _cleaner(self):
        return CategoryCleaner(min_frequency=self.min_frequency, numbers_as_text=True)

    @staticmethod
    def _onehot_encoder():
        return ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False))

    @staticmethod
    def _code_encoder():
        encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
        return ("encode", encoder), ("shift", _reader(shift_codes))

    def _cardinalities(self) -> dict:
        return {name: len(categories) + 1 for name, categories in self.code_categories().items()}

    def code_categories(self) -> dict:
        """The category behind each integer code of each code column.

        Returns
        -------
        dict of str to ndarray
            For each output column of integer codes (in output order), its
            categories: code ``k`` stands for ``categories[k - 1]``, and code 0
            for a category not seen in ``fit``.
        """
        check_is_fitted(self)
        transformer = self.column_transformer_
        if "codes" not in transformer.named_transformers_:
            return {}
        names = transformer.get_feature_names_out()[transformer.output_indices_["codes"]]
        encoder = transformer.named_transformers_["codes"].named_steps["encode"]
        return {
            str(name): categories
            for name, categories in zip(names, encoder.categories_, strict=True)
        }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def _reader(function):
    """A column-by-column function as a transformer that keeps the column names."""
    return FunctionTransformer(function, feature_names_out="one-to-one")
