"""Cut a time series into (past window, future horizon) pairs for forecasting."""

from numbers import Integral

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import BaseEstimator
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

from ..utils._sklearn_compat import Interval, _fit_context


class SlidingWindows(BaseEstimator):
    """Turn a series into windows of its past and the values that follow them.

    Each pair is a window of ``window`` consecutive steps of every channel,
    in the ``(n_samples, n_channels, window)`` layout of the sequence
    modules, and the next ``horizon`` steps of the target channels. A
    network fitted on the pairs (``NeuralRegressor(module="gru")`` for
    instance) forecasts ``horizon`` steps ahead from the last ``window``
    steps; :meth:`last_window` gives the input that forecasts beyond the end
    of a series.

    This is not a step of a scikit-learn ``Pipeline``, on purpose: a
    pipeline passes ``y`` unchanged to its final estimator and its
    transformers return one output row per input row, while here the rows
    are windows of a single series and the targets are cut from the series
    itself. Make ``X, Y`` with :meth:`make_pairs` first, then fit,
    cross-validate or search the estimator on them. The pairs come out in
    time order, so a ``TimeSeriesSplit`` keeps every test pair after the
    training pairs; with ``gap=`` :attr:`gap` no training target overlaps a
    test target either.

    Parameters
    ----------
    window : int
        Steps of past each pair's input holds.
    horizon : int, default=1
        Steps ahead each pair's target holds.
    step : int, default=1
        Steps between the starts of consecutive windows. Windows are
        anchored at the end of the series: the last pair's target ends with
        its last step.
    target_channels : int, str, list of them, or None, default=None
        The channels to forecast, by position or, for a DataFrame, by
        column name; None forecasts every channel. All channels are inputs.

    Attributes
    ----------
    n_channels_ : int
        Channels of the series seen in ``fit``.
    channel_names_ : ndarray of str or None
        Column names of a DataFrame (or the name of a Series) seen in
        ``fit``.
    target_indices_ : ndarray of int
        Positions of the target channels.

    See Also
    --------
    sklearn.model_selection.TimeSeriesSplit : Time-ordered cross-validation.

    Examples
    --------
    >>> import numpy as np
    >>> from skneural.preprocessing import SlidingWindows
    >>> series = np.arange(10.0)
    >>> windows = SlidingWindows(window=4, horizon=2).fit(series)
    >>> X, Y = windows.make_pairs(series)
    >>> X.shape, Y.shape
    ((5, 1, 4), (5, 2))
    >>> X[0, 0], Y[0]
    (array([0., 1., 2., 3.]), array([4., 5.]))
    >>> windows.last_window(series)[0, 0]  # forecasts steps 10 and 11
    array([6., 7., 8., 9.])

    With several channels, the targets of each pair are
    ``n_targets * horizon`` values, channel by channel; ``reshape(n,
    n_targets, horizon)`` gives them back per channel:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"load": np.arange(8.0), "temperature": np.arange(8.0) / 10})
    >>> windows = SlidingWindows(window=3, horizon=2, target_channels="load").fit(frame)
    >>> X, Y = windows.make_pairs(frame)
    >>> X.shape, Y.shape
    ((4, 2, 3), (4, 2))
    """

    _parameter_constraints: dict = {
        "window": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "step": [Interval(Integral, 1, None, closed="left")],
        "target_channels": [Integral, str, list, None],
    }

    def __init__(self, window: int, horizon: int = 1, *, step: int = 1, target_channels=None):
        self.window = window
        self.horizon = horizon
        self.step = step
        self.target_channels = target_channels

    @property
    def gap(self) -> int:
        """Pairs to leave out between training and test pairs so that no
        training target overlaps a test target: ``ceil(horizon / step) - 1``.
        Pass it as ``TimeSeriesSplit(gap=...)``."""
        return -(-self.horizon // self.step) - 1

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, series, y=None):
        """Record the channels of ``series`` and resolve the target channels.

        Parameters
        ----------
        series : array-like of shape (n_timesteps,) or (n_timesteps, n_channels)
            A 1-D array or Series (one channel), a 2-D array (one column per
            channel) or a DataFrame (one column per channel).
        y : None
            Ignored.

        Returns
        -------
        self : SlidingWindows
        """
        values = self._values(series, fitted=False)
        self.n_channels_ = values.shape[1]
        self.channel_names_ = _channel_names(series)
        self.target_indices_ = self._resolve_targets()
        return self

    def transform(self, series) -> np.ndarray:
        """The input windows of every pair, ``(n_pairs, n_channels, window)``.

        Parameters
        ----------
        series : array-like of shape (n_timesteps,) or (n_timesteps, n_channels)
            A series with the channels seen in ``fit``, at least ``window +
            horizon`` steps long.

        Returns
        -------
        ndarray of shape (n_pairs, n_channels, window)
            Row ``i`` is aligned with row ``i`` of :meth:`make_targets`.
        """
        return self.make_pairs(series)[0]

    def make_targets(self, series) -> np.ndarray:
        """The targets of every pair: the ``horizon`` steps after each window.

        Parameters
        ----------
        series : array-like of shape (n_timesteps,) or (n_timesteps, n_channels)
            As for :meth:`transform`.

        Returns
        -------
        ndarray of shape (n_pairs, horizon) or (n_pairs, n_targets * horizon)
            One target channel gives ``(n_pairs, horizon)``; several give
            their ``horizon`` steps one channel after the other.
        """
        return self.make_pairs(series)[1]

    def make_pairs(self, series) -> tuple[np.ndarray, np.ndarray]:
        """The inputs and targets of every pair, in time order.

        Parameters
        ----------
        series : array-like of shape (n_timesteps,) or (n_timesteps, n_channels)
            As for :meth:`transform`.

        Returns
        -------
        X : ndarray of shape (n_pairs, n_channels, window)
        Y : ndarray of shape (n_pairs, horizon) or (n_pairs, n_targets * horizon)
        """
        check_is_fitted(self)
        values = self._values(series, fitted=True)
        n_steps = values.shape[0]
        if n_steps < self.window + self.horizon:
            raise ValueError(
                f"The series has {n_steps} steps; a pair needs window + horizon = "
                f"{self.window + self.horizon}."
            )
        last_start = n_steps - self.window - self.horizon
        starts = np.arange(last_start % self.step, last_start + 1, self.step)
        X = sliding_window_view(values, self.window, axis=0)[starts]
        future = sliding_window_view(
            values[self.window :, self.target_indices_], self.horizon, axis=0
        )
        Y = future[starts].reshape(len(starts), -1)
        return np.ascontiguousarray(X), Y

    def last_window(self, series) -> np.ndarray:
        """The input that forecasts the ``horizon`` steps after the end of ``series``.

        Parameters
        ----------
        series : array-like of shape (n_timesteps,) or (n_timesteps, n_channels)
            A series with the channels seen in ``fit``, at least ``window``
            steps long.

        Returns
        -------
        ndarray of shape (1, n_channels, window)
            Its last ``window`` steps.
        """
        check_is_fitted(self)
        values = self._values(series, fitted=True)
        if values.shape[0] < self.window:
            raise ValueError(
                f"The series has {values.shape[0]} steps, fewer than window={self.window}."
            )
        return np.ascontiguousarray(values[-self.window :].T[None])

    def _values(self, series, fitted: bool) -> np.ndarray:
        """``series`` as a finite float array ``(n_timesteps, n_channels)``."""
        values = check_array(
            series,
            ensure_2d=False,
            dtype=[np.float64, np.float32],
            ensure_all_finite=True,
            input_name="series",
        )
        if values.ndim == 1:
            values = values[:, None]
        if fitted and values.shape[1] != self.n_channels_:
            raise ValueError(
                f"The series has {values.shape[1]} channel(s), but SlidingWindows was fitted "
                f"on {self.n_channels_}."
            )
        if fitted and hasattr(series, "columns") and self.channel_names_ is not None:
            names = _channel_names(series)
            if list(names) != list(self.channel_names_):
                raise ValueError(
                    f"The series has the columns {list(names)}, but SlidingWindows was "
                    f"fitted on {list(self.channel_names_)}: pass them in that order "
                    "(series[fitted_columns]), so each channel stays where the network "
                    "learnt it."
                )
        return values

    def _resolve_targets(self) -> np.ndarray:
        wanted = self.target_channels
        if wanted is None:
            return np.arange(self.n_channels_)
        wanted = wanted if isinstance(wanted, list) else [wanted]
        if not wanted:
            raise ValueError("target_channels must name at least one channel.")
        indices = []
        for channel in wanted:
            if isinstance(channel, str):
                names = [] if self.channel_names_ is None else list(self.channel_names_)
                if channel not in names:
                    raise ValueError(
                        f"Target channel {channel!r} is not a column of the fitted series "
                        f"(columns: {names})."
                    )
                indices.append(int(np.flatnonzero(self.channel_names_ == channel)[0]))
            elif isinstance(channel, Integral) and not isinstance(channel, bool):
                if not 0 <= channel < self.n_channels_:
                    raise ValueError(
                        f"Target channel {channel} is out of range for {self.n_channels_} "
                        "channel(s)."
                    )
                indices.append(int(channel))
            else:
                raise TypeError(
                    f"target_channels entries must be channel positions or column names, got "
                    f"{channel!r}."
                )
        return np.asarray(indices)


def _channel_names(series):
    """Column names of a DataFrame or the name of a Series, as strings, else None."""
    columns = getattr(series, "columns", None)
    if columns is not None:
        return np.asarray([str(c) for c in columns], dtype=object)
    name = getattr(series, "name", None)
    return None if name is None else np.asarray([str(name)], dtype=object)
