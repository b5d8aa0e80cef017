"""Clip numeric outliers to bounds learned from the training data."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..utils._sklearn_compat import Interval, StrOptions, _fit_context, validate_data


class OutlierClipper(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Clip each numeric column to bounds learned in ``fit``.

    ``method="quantile"`` clips to the percentiles in ``quantile_range``;
    ``method="iqr"`` clips to Tukey's fences, ``[Q1 - k * IQR, Q3 + k * IQR]``
    with ``k = iqr_factor``.

    Missing values (NaN) are ignored by ``fit`` and kept by ``transform``.
    Infinite values are ignored by ``fit`` and clipped to the bounds by
    ``transform``. A column whose two bounds coincide (a column that is almost
    constant, or entirely missing) is left unclipped: clipping would turn it
    into a constant.

    Parameters
    ----------
    method : {"quantile", "iqr"}, default="quantile"
        How the bounds are computed.
    quantile_range : tuple of (float, float), default=(1.0, 99.0)
        Lower and upper percentile (between 0 and 100) for ``"quantile"``.
    iqr_factor : float, default=1.5
        Multiple of the interquartile range added beyond the quartiles for
        ``"iqr"``.

    Attributes
    ----------
    lower_ : ndarray of shape (n_features,)
        Lower bound of each column (``-inf`` where unclipped).
    upper_ : ndarray of shape (n_features,)
        Upper bound of each column (``inf`` where unclipped).
    n_features_in_ : int
        Number of columns seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen during ``fit``, when they are all strings.

    See Also
    --------
    sklearn.preprocessing.RobustScaler : Scales with statistics robust to outliers.

    Examples
    --------
    >>> import numpy as np
    >>> from skneural.preprocessing import OutlierClipper
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])
    >>> OutlierClipper(method="iqr").fit_transform(X).ravel().tolist()
    [1.0, 2.0, 3.0, 4.0, 7.0]
    """

    _parameter_constraints: dict = {
        "method": [StrOptions({"quantile", "iqr"})],
        "quantile_range": [tuple],
        "iqr_factor": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        *,
        method: str = "quantile",
        quantile_range: tuple[float, float] = (1.0, 99.0),
        iqr_factor: float = 1.5,
    ):
        self.method = method
        self.quantile_range = quantile_range
        self.iqr_factor = iqr_factor

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the clipping bounds of every column.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric data; NaN and infinity allowed.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted clipper.
        """
        X = self._validate(X, reset=True)
        finite = np.where(np.isfinite(X), X, np.nan)
        if self.method == "quantile":
            low, high = self._check_quantile_range()
        else:
            low, high = 25.0, 75.0
        lower, upper = np.full((2, X.shape[1]), np.nan)
        observed = ~np.isnan(finite).all(axis=0)
        if observed.any():
            lower[observed], upper[observed] = np.nanpercentile(
                finite[:, observed], [low, high], axis=0
            )
        if self.method == "iqr":
            spread = self.iqr_factor * (upper - lower)
            lower, upper = lower - spread, upper + spread
        unclipped = ~(lower < upper)
        lower[unclipped], upper[unclipped] = -np.inf, np.inf
        self.lower_, self.upper_ = lower, upper
        return self

    def transform(self, X):
        """Clip ``X`` to the learned bounds.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            Clipped copy with the dtype of ``X`` (float32 or float64); NaN kept.
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        return np.clip(X, self.lower_.astype(X.dtype), self.upper_.astype(X.dtype))

    def _validate(self, X, *, reset):
        return validate_data(
            self, X, reset=reset, dtype=(np.float64, np.float32), ensure_all_finite=False
        )

    def _check_quantile_range(self):
        bounds = self.quantile_range
        if not (
            len(bounds) == 2
            and all(isinstance(q, Real) for q in bounds)
            and 0 <= bounds[0] < bounds[1] <= 100
        ):
            raise ValueError(
                "quantile_range must be two percentiles (low, high) with "
                f"0 <= low < high <= 100, got {bounds!r}."
            )
        return float(bounds[0]), float(bounds[1])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
