"""Clean the values of categorical columns before they are encoded."""

import numbers
from collections import Counter, defaultdict
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..utils._sklearn_compat import Interval, _fit_context
from ._validation import check_value_types, column_label, is_number, validate_frame

MISSING_STRINGS = ("", "?", "n/a", "nan", "null")
"""Text that :class:`CategoryCleaner` reads as a missing value by default."""

_CATEGORY_TYPES = (str, bool, np.bool_, numbers.Real)
_CATEGORY_TYPES_IN_WORDS = "a string, a number or a boolean"


class CategoryCleaner(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Tidy the text of categorical columns and group rare categories.

    For every column that holds text, each value is turned into a clean
    string: surrounding whitespace is stripped, inner runs of whitespace
    become one space, and (with ``ignore_case``) spellings that differ only
    in case are merged into the spelling most frequent during ``fit``. Values
    listed in ``missing_strings`` become missing (NaN). Categories seen fewer
    than ``min_frequency`` times in ``fit`` are replaced by ``rare_label``.

    Numbers in a text column are written as text, with integral floats
    written as integers (``3.0`` becomes ``"3"``), so a column that mixes
    numbers and strings becomes a clean text column. A column that holds only
    numbers passes through unchanged as floats (no rare grouping) unless
    ``numbers_as_text`` is set. A column entirely missing in ``fit`` passes
    through as numbers when its dtype is numeric, and is text otherwise.

    Values never seen in ``fit`` are cleaned the same way but never grouped
    as rare: they stay distinct, so that an encoder downstream can treat them
    as unknown.

    Parameters
    ----------
    min_frequency : int or float, default=None
        Categories seen fewer times than this in ``fit`` (an int is a count,
        a float in (0, 1) a share of the rows) are replaced by ``rare_label``.
        ``None`` keeps every category.
    rare_label : str, default="rare"
        The category that replaces rare ones. A category already spelled
        this way is merged with them.
    ignore_case : bool, default=True
        Merge spellings that differ only in case (``"Male"``, ``"male "``,
        ``"MALE"``) into the one most frequent in ``fit`` (on a tie, the one
        seen first).
    missing_strings : tuple of str, default=("", "?", "n/a", "nan", "null")
        Text read as a missing value, compared after stripping whitespace
        and ignoring case.
    numbers_as_text : bool, default=False
        Also turn columns that hold only numbers into text (so that rare
        grouping applies to them and every output column is text).

    Attributes
    ----------
    categories_ : list of ndarray
        For each column, the categories the output can hold (sorted), the
        rare label included when a category was grouped. A column that
        passes through as numbers lists its distinct numbers. Empty for a
        column entirely missing in ``fit``.
    rare_categories_ : list of ndarray
        For each column, the cleaned categories replaced by ``rare_label``.
    n_features_in_ : int
        Number of columns seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen during ``fit``, when they are all strings.

    See Also
    --------
    TabularPreprocessor : Cleans, imputes, scales and encodes a whole DataFrame.

    Examples
    --------
    >>> import pandas as pd
    >>> from skneural.preprocessing import CategoryCleaner
    >>> X = pd.DataFrame({"city": ["Paris", " paris", "PARIS ", "Lyon", "Nice", "?"]})
    >>> CategoryCleaner(min_frequency=2).fit_transform(X).ravel().tolist()
    ['Paris', 'Paris', 'Paris', 'rare', 'rare', nan]
    """

    _parameter_constraints: dict = {
        "min_frequency": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="neither"),
            None,
        ],
        "rare_label": [str],
        "ignore_case": ["boolean"],
        "missing_strings": [tuple, list],
        "numbers_as_text": ["boolean"],
    }

    def __init__(
        self,
        *,
        min_frequency: int | float | None = None,
        rare_label: str = "rare",
        ignore_case: bool = True,
        missing_strings: tuple = MISSING_STRINGS,
        numbers_as_text: bool = False,
    ):
        self.min_frequency = min_frequency
        self.rare_label = rare_label
        self.ignore_case = ignore_case
        self.missing_strings = missing_strings
        self.numbers_as_text = numbers_as_text

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the spelling of every category and which ones are rare.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Columns of strings, numbers or booleans; missing values allowed.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted cleaner.
        """
        frame = validate_frame(self, X, reset=True)
        self._missing_keys = {str(text).strip().casefold() for text in self.missing_strings}
        self._columns = []
        self.categories_ = []
        self.rare_categories_ = []
        for position in range(frame.shape[1]):
            codes, uniques = self._distinct(frame, position)
            if self._passes_as_numbers(frame.iloc[:, position], uniques):
                state, categories, rare = None, np.sort(uniques.astype(np.float64)), []
            else:
                counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
                state, levels, rare = self._fit_text(uniques, counts, len(frame))
                categories = np.asarray(levels, dtype=object)
            self._columns.append(state)
            self.categories_.append(categories)
            self.rare_categories_.append(np.asarray(sorted(rare), dtype=object))
        return self

    def transform(self, X):
        """Clean the values of ``X``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            Float64 when every column passes through as numbers, otherwise
            object: clean strings, numbers for numeric columns, NaN where a
            value is missing.
        """
        check_is_fitted(self)
        frame = validate_frame(self, X, reset=False)
        columns = []
        for position, state in enumerate(self._columns):
            codes, uniques = self._distinct(frame, position)
            if state is None:
                mapped = self._as_numbers(uniques, frame, position)
            else:
                mapped = self._clean_values(uniques, state)
            # Code -1 marks a missing value: it picks the NaN appended last.
            columns.append(np.append(mapped, np.nan)[codes])
        if all(state is None for state in self._columns):
            return np.column_stack(columns).astype(np.float64)
        return np.column_stack(columns).astype(object)

    # ------------------------------------------------------------ helpers
    def _distinct(self, frame, position):
        """Codes of the rows and the distinct non-missing values of a column."""
        values = frame.iloc[:, position].astype(object)
        check_value_types(
            values,
            _CATEGORY_TYPES,
            _CATEGORY_TYPES_IN_WORDS,
            type(self).__name__,
            column_label(frame, position),
        )
        codes, uniques = pd.factorize(values)
        return codes, np.asarray(uniques, dtype=object)

    def _passes_as_numbers(self, values, uniques) -> bool:
        """Whether a column passes through as numbers.

        It does when its distinct values ``uniques`` are all numbers or, when
        it has none (it is entirely missing), when its dtype is numeric.
        """
        if self.numbers_as_text:
            return False
        if len(uniques):
            return all(is_number(value) for value in uniques)
        dtype = values.dtype
        return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)

    def _text(self, value):
        """Clean text of one value, or ``None`` for a missing-value marker."""
        if is_number(value) and float(value).is_integer():
            value = int(value)
        text = " ".join(str(value).split())
        return None if text.casefold() in self._missing_keys else text

    def _key(self, text: str) -> str:
        return text.casefold() if self.ignore_case else text

    def _fit_text(self, uniques, counts, n_samples):
        spellings = defaultdict(Counter)
        for value, count in zip(uniques, counts, strict=True):
            text = self._text(value)
            if text is not None:
                spellings[self._key(text)][text] += count
        # The most frequent spelling wins; ties go to the one seen first.
        canonical = {key: found.most_common(1)[0][0] for key, found in spellings.items()}
        level_counts = {canonical[key]: sum(found.values()) for key, found in spellings.items()}
        rare = set()
        if self.min_frequency is not None:
            threshold = self.min_frequency
            if isinstance(threshold, Real) and not isinstance(threshold, Integral):
                threshold = threshold * n_samples
            rare = {level for level, count in level_counts.items() if count < threshold}
        categories = set(level_counts) - rare
        if rare:
            categories.add(self.rare_label)
        return (canonical, frozenset(rare)), sorted(categories), rare

    def _clean_values(self, uniques, state):
        canonical, rare = state
        cleaned = np.empty(len(uniques), dtype=object)
        for index, value in enumerate(uniques):
            text = self._text(value)
            if text is None:
                cleaned[index] = np.nan
                continue
            level = canonical.get(self._key(text), text)
            cleaned[index] = self.rare_label if level in rare else level
        return cleaned

    def _as_numbers(self, uniques, frame, position):
        text = [value for value in uniques if not is_number(value)]
        if text:
            raise ValueError(
                f"{type(self).__name__} read column {column_label(frame, position)} "
                "as numbers during fit, but it now holds "
                f"{text[:3]!r}; fit on data of the same kind or set numbers_as_text=True."
            )
        return uniques.astype(np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        return tags
