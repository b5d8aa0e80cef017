"""SlidingWindows: (window, horizon) pairs from a series, for forecasting."""

import doctest

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import TimeSeriesSplit

from skneural.preprocessing import SlidingWindows, _windows
from skneural.utils._sklearn_compat import InvalidParameterError


def _two_channels(n_steps=12):
    steps = np.arange(n_steps, dtype=float)
    return np.column_stack([steps, 100 + steps])


@pytest.mark.parametrize(
    "series",
    [np.arange(9.0), np.arange(9.0)[:, None], pd.Series(np.arange(9.0)), list(range(9))],
    ids=["1-D", "2-D", "Series", "list"],
)
def test_univariate_pairs_are_the_window_and_the_steps_after_it(series):
    windows = SlidingWindows(window=3, horizon=2).fit(series)
    X, Y = windows.make_pairs(series)
    assert X.shape == (5, 1, 3) and Y.shape == (5, 2)
    for i in range(5):
        np.testing.assert_array_equal(X[i, 0], [i, i + 1, i + 2])
        np.testing.assert_array_equal(Y[i], [i + 3, i + 4])
    np.testing.assert_array_equal(windows.transform(series), X)
    np.testing.assert_array_equal(windows.make_targets(series), Y)


def test_multichannel_pairs_are_channels_first_with_targets_channel_by_channel():
    series = _two_channels()
    X, Y = SlidingWindows(window=4, horizon=3).fit(series).make_pairs(series)
    assert X.shape == (6, 2, 4) and Y.shape == (6, 6)
    np.testing.assert_array_equal(X[2], [[2, 3, 4, 5], [102, 103, 104, 105]])
    np.testing.assert_array_equal(Y[2].reshape(2, 3), [[6, 7, 8], [106, 107, 108]])


def test_target_channels_by_name_or_position():
    frame = pd.DataFrame(_two_channels(), columns=["load", "temperature"])
    by_name = SlidingWindows(window=4, horizon=3, target_channels="temperature").fit(frame)
    X, Y = by_name.make_pairs(frame)
    assert X.shape == (6, 2, 4) and Y.shape == (6, 3)
    np.testing.assert_array_equal(Y[0], [104, 105, 106])
    assert list(by_name.channel_names_) == ["load", "temperature"]
    by_position = SlidingWindows(window=4, horizon=3, target_channels=[1, 0]).fit(frame)
    np.testing.assert_array_equal(by_position.make_targets(frame)[0], [104, 105, 106, 4, 5, 6])


def test_columns_in_another_order_than_in_fit_are_a_clear_error():
    frame = pd.DataFrame(_two_channels(), columns=["load", "temperature"])
    windows = SlidingWindows(window=4, target_channels="load").fit(frame)
    with pytest.raises(ValueError, match=r"columns \['temperature', 'load'\], but .* fitted on"):
        windows.make_pairs(frame[["temperature", "load"]])
    np.testing.assert_array_equal(windows.make_targets(frame.to_numpy())[0], [4])


def test_step_anchors_the_windows_at_the_end_of_the_series():
    series = np.arange(20.0)
    windows = SlidingWindows(window=4, horizon=2, step=3).fit(series)
    X, Y = windows.make_pairs(series)
    assert Y[-1, -1] == 19  # the last target is the last step
    np.testing.assert_array_equal(X[:, 0, 0], [2, 5, 8, 11, 14])
    assert (np.diff(X[:, 0, 0]) == 3).all()


def test_last_window_forecasts_beyond_the_end():
    series = pd.DataFrame(_two_channels(10), columns=["a", "b"])
    windows = SlidingWindows(window=3, horizon=4).fit(series)
    last = windows.last_window(series)
    np.testing.assert_array_equal(last, [[[7, 8, 9], [107, 108, 109]]])
    assert windows.last_window(series.iloc[:3]).shape == (1, 2, 3)  # shorter than a pair


@pytest.mark.parametrize("horizon, step, gap", [(1, 1, 0), (5, 1, 4), (5, 2, 2), (4, 4, 0)])
def test_gap_keeps_training_targets_apart_from_test_targets(horizon, step, gap):
    series = np.arange(80.0)
    windows = SlidingWindows(window=6, horizon=horizon, step=step).fit(series)
    assert windows.gap == gap
    _, Y = windows.make_pairs(series)
    for train, test in TimeSeriesSplit(n_splits=3, gap=windows.gap).split(Y):
        assert Y[train].max() < Y[test].min()  # targets are the step numbers
    if gap:  # and one pair fewer would not do
        train, test = next(TimeSeriesSplit(n_splits=3, gap=windows.gap - 1).split(Y))
        assert Y[train].max() >= Y[test].min()


def test_dtype_is_kept_and_outputs_are_contiguous_copies():
    series = np.arange(10, dtype=np.float32)
    X, Y = SlidingWindows(window=3).fit(series).make_pairs(series)
    assert X.dtype == Y.dtype == np.float32
    assert X.flags.c_contiguous and not np.shares_memory(X, series)


def test_clone_and_params():
    windows = SlidingWindows(window=5, horizon=2, step=2, target_channels=["a"])
    assert clone(windows).get_params() == windows.get_params()


def test_series_too_short_for_a_pair_is_a_clear_error():
    windows = SlidingWindows(window=5, horizon=3).fit(np.arange(20.0))
    with pytest.raises(ValueError, match="7 steps; a pair needs window \\+ horizon = 8"):
        windows.make_pairs(np.arange(7.0))
    with pytest.raises(ValueError, match="4 steps, fewer than window=5"):
        windows.last_window(np.arange(4.0))


def test_missing_values_and_channel_changes_are_clear_errors():
    series = np.arange(10.0)
    series[4] = np.nan
    with pytest.raises(ValueError, match="series contains NaN"):
        SlidingWindows(window=3).fit(series)
    windows = SlidingWindows(window=3).fit(_two_channels())
    with pytest.raises(ValueError, match="1 channel\\(s\\), but SlidingWindows was fitted on 2"):
        windows.make_pairs(np.arange(10.0))


@pytest.mark.parametrize(
    "params, fit_on, error, message",
    [
        ({"window": 0}, np.arange(5.0), InvalidParameterError, "'window' parameter"),
        ({"window": 2, "horizon": 0}, np.arange(5.0), InvalidParameterError, "'horizon'"),
        ({"window": 2, "target_channels": "x"}, np.arange(5.0), ValueError, "not a column"),
        ({"window": 2, "target_channels": 2}, _two_channels(), ValueError, "out of range"),
        ({"window": 2, "target_channels": []}, _two_channels(), ValueError, "at least one"),
        ({"window": 2, "target_channels": [1.5]}, _two_channels(), TypeError, "positions or"),
    ],
)
def test_bad_settings_are_clear_errors(params, fit_on, error, message):
    with pytest.raises(error, match=message):
        SlidingWindows(**params).fit(fit_on)


def test_docstring_examples_run():
    result = doctest.testmod(_windows, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
