"""Expand datetime columns into numeric calendar features."""

import datetime
import numbers

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..utils._sklearn_compat import StrOptions, _check_feature_names_in, _fit_context
from ._validation import check_value_types, column_label, is_number, validate_frame

_CALENDAR = ("year", "month", "day", "day_of_week")
# Period and first value of each component encoded on a circle.
_CYCLES = {"month": (12, 1), "day_of_week": (7, 0), "hour": (24, 0)}
_DATETIME_OBJECTS = (datetime.date, np.datetime64)
_DATETIME_TYPES = (str, numbers.Real, *_DATETIME_OBJECTS)
_DATETIME_TYPES_IN_WORDS = "a string, a number or a datetime"


class DatetimeFeatures(TransformerMixin, BaseEstimator):
    """Turn each datetime column into year, month, day, weekday and hour features.

    Every column gives ``year``, ``month`` (1-12), ``day`` (of the month),
    ``day_of_week`` (Monday=0) and, when some value seen in ``fit`` has a time
    of day other than midnight, ``hour``. With ``cyclical=True`` the month,
    weekday and hour are also placed on a circle (``_sin`` and ``_cos``
    features), so that December sits next to January. Output columns are
    named ``<column>_<feature>``.

    Columns may hold datetimes, text (parsed with :func:`pandas.to_datetime`)
    or numbers (read as Unix time in ``unit``). Missing values, and blank
    strings, give NaN features. Text that does not parse raises a
    ``ValueError`` naming the column and the values.

    Parameters
    ----------
    format : str, default=None
        ``strftime`` format of text columns, e.g. ``"%d/%m/%Y"``. ``None``
        infers it from the first value; ``"mixed"`` parses every value on its
        own (slower).
    unit : {"s", "ms", "us", "ns", "D"}, default="s"
        Unit of numeric columns, read as time since 1970-01-01.
    cyclical : bool, default=True
        Add sine and cosine features of the month, weekday and hour.

    Attributes
    ----------
    features_ : list of tuple of str
        For each column, the names of its features (the output suffixes).
    n_features_in_ : int
        Number of columns seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen during ``fit``, when they are all strings.

    See Also
    --------
    TabularPreprocessor : Expands datetime columns with this transformer.

    Examples
    --------
    >>> import pandas as pd
    >>> from skneural.preprocessing import DatetimeFeatures
    >>> X = pd.DataFrame({"sold": ["2024-01-31", "2024-07-04", None]})
    >>> expand = DatetimeFeatures(cyclical=False).fit(X)
    >>> expand.get_feature_names_out().tolist()
    ['sold_year', 'sold_month', 'sold_day', 'sold_day_of_week']
    >>> expand.transform(X)[1].tolist()
    [2024.0, 7.0, 4.0, 3.0]
    """

    _parameter_constraints: dict = {
        "format": [str, None],
        "unit": [StrOptions({"s", "ms", "us", "ns", "D"})],
        "cyclical": ["boolean"],
    }

    def __init__(self, *, format: str | None = None, unit: str = "s", cyclical: bool = True):
        self.format = format
        self.unit = unit
        self.cyclical = cyclical

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Parse the columns and decide which features each one gives.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Datetime, text or numeric columns.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        frame = validate_frame(self, X, reset=True)
        self.features_ = []
        for position in range(frame.shape[1]):
            stamps = self._parse(frame, position).dropna()
            components = _CALENDAR
            if (stamps != stamps.dt.normalize()).any():
                components += ("hour",)
            if self.cyclical:
                cycles = [name for name in _CYCLES if name in components]
                components += tuple(f"{name}_{wave}" for name in cycles for wave in ("sin", "cos"))
            self.features_.append(components)
        return self

    def transform(self, X):
        """Compute the features.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, n_features_out)
            Float64 features, NaN where the datetime is missing.
        """
        check_is_fitted(self)
        frame = validate_frame(self, X, reset=False)
        blocks = []
        for position, components in enumerate(self.features_):
            stamps = self._parse(frame, position)
            blocks.extend(_component(stamps, name) for name in components)
        return np.column_stack(blocks)

    def get_feature_names_out(self, input_features=None):
        """Names of the output features, ``<column>_<feature>``.

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
        names = _check_feature_names_in(self, input_features)
        return np.asarray(
            [
                f"{name}_{component}"
                for name, components in zip(names, self.features_, strict=True)
                for component in components
            ],
            dtype=object,
        )

    def _parse(self, frame, position) -> pd.Series:
        return parse_datetimes(
            frame.iloc[:, position],
            format=self.format,
            unit=self.unit,
            owner=type(self).__name__,
            column=column_label(frame, position),
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def _component(stamps: pd.Series, name: str) -> np.ndarray:
    """One calendar feature (``"month"``, ``"month_sin"``, ...) as float64."""
    if not name.endswith(("_sin", "_cos")):
        return getattr(stamps.dt, name).to_numpy(dtype=np.float64, na_value=np.nan)
    base, wave = name[:-4], name[-3:]
    values = getattr(stamps.dt, base).to_numpy(dtype=np.float64, na_value=np.nan)
    period, start = _CYCLES[base]
    angle = 2 * np.pi * (values - start) / period
    return np.sin(angle) if wave == "sin" else np.cos(angle)


def parse_datetimes(values: pd.Series, *, format, unit, owner: str, column: str) -> pd.Series:
    """Read one column as datetimes, raising an error that names the column.

    Parameters
    ----------
    values : Series
        Datetimes, text or numbers (Unix time in ``unit``).
    format : str or None
        Format of text values, as in :func:`pandas.to_datetime`.
    unit : str
        Unit of numeric values.
    owner : str
        Name of the transformer, for error messages.
    column : str
        The column as error messages name it.

    Returns
    -------
    Series of datetime64
    """
    dtype = values.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return values
    if pd.api.types.is_bool_dtype(dtype) or not (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    ):
        raise TypeError(f"{owner} cannot read column {column} of dtype {dtype} as datetimes.")
    values = values.astype(object)
    check_value_types(values, _DATETIME_TYPES, _DATETIME_TYPES_IN_WORDS, owner, column)
    try:
        if all(is_number(value) for value in values.dropna()):
            return pd.to_datetime(pd.to_numeric(values), unit=unit)
        blank = values.map(lambda value: isinstance(value, str) and not value.strip())
        values = values.mask(blank.astype(bool))
        parsed = pd.to_datetime(values, format=format, errors="coerce")
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(f"{owner} cannot read column {column} as datetimes: {exc}") from exc
    unparsed = values[parsed.isna() & values.notna()]
    if len(unparsed):
        _check_time_zones(values, unparsed, owner, column)
        raise ValueError(
            f"{owner} cannot parse {len(unparsed)} value(s) of column {column} as "
            f"datetimes, e.g. {unparsed.unique()[:3].tolist()!r}; pass their format "
            "(e.g. '%d/%m/%Y', or 'mixed' to parse each value on its own) or clean them."
        )
    return parsed


def _check_time_zones(values: pd.Series, unparsed: pd.Series, owner: str, column: str):
    """Raise a ``ValueError`` if datetime objects went unparsed because of mixed time zones.

    pandas cannot put datetimes of several time zones in one column: it reads
    those that do not match as missing, and no ``format`` helps.
    """
    if not any(isinstance(value, _DATETIME_OBJECTS) for value in unparsed):
        return
    zones = {_time_zone(value) for value in values if isinstance(value, _DATETIME_OBJECTS)}
    if len(zones) > 1:
        raise ValueError(
            f"{owner} cannot read column {column} as datetimes: it mixes time zones "
            f"({sorted(zones)}). Convert it to one time zone first, e.g. to UTC with "
            "pd.to_datetime(X[column], utc=True) (which reads datetimes without a time "
            "zone as UTC)."
        )


def _time_zone(value) -> str:
    zone = getattr(value, "tzinfo", None)
    return "no time zone" if zone is None else str(zone)
