import numpy as np
import pandas as pd
import pytest

from skneural.preprocessing import DatetimeFeatures, TabularPreprocessor

CALENDAR = ["year", "month", "day", "day_of_week"]
CYCLES = ["month_sin", "month_cos", "day_of_week_sin", "day_of_week_cos"]


def test_features_of_dates_without_time():
    frame = pd.DataFrame({"d": pd.to_datetime(["2024-01-31", "2023-12-25"])})
    expand = DatetimeFeatures().fit(frame)
    assert expand.get_feature_names_out().tolist() == [f"d_{f}" for f in CALENDAR + CYCLES]
    out = expand.transform(frame)
    np.testing.assert_array_equal(out[:, :4], [[2024, 1, 31, 2], [2023, 12, 25, 0]])


def test_hour_is_added_only_when_times_are_present():
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "stamp": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 18:30"]),
        }
    )
    expand = DatetimeFeatures(cyclical=False).fit(frame)
    assert expand.features_ == [tuple(CALENDAR), (*CALENDAR, "hour")]
    assert expand.transform(frame)[:, -1].tolist() == [0.0, 18.0]


def test_cyclical_features_put_december_next_to_january():
    frame = pd.DataFrame({"d": pd.to_datetime(["2024-01-15", "2024-12-15", "2024-06-15"])})
    out = pd.DataFrame(
        DatetimeFeatures().fit_transform(frame), columns=[f"{f}" for f in CALENDAR + CYCLES]
    )
    circle = out[["month_sin", "month_cos"]].to_numpy()
    np.testing.assert_allclose((circle**2).sum(axis=1), 1.0)
    assert np.linalg.norm(circle[0] - circle[1]) < np.linalg.norm(circle[0] - circle[2])


@pytest.mark.parametrize(
    "values, params",
    [
        (["2024-03-05", None, "  "], {}),
        (["05/03/2024", None, ""], {"format": "%d/%m/%Y"}),
        ([1709596800, np.nan, np.nan], {}),  # Unix seconds
        ([19787.0, np.nan, np.nan], {"unit": "D"}),
    ],
)
def test_text_and_numbers_are_parsed_and_missing_gives_nan(values, params):
    out = DatetimeFeatures(cyclical=False, **params).fit_transform(pd.DataFrame({"d": values}))
    np.testing.assert_array_equal(out[0], [2024, 3, 5, 1])
    assert np.isnan(out[1:]).all()


def test_timezone_aware_datetimes_use_local_calendar():
    stamps = pd.to_datetime(["2024-03-05 23:30"]).tz_localize("America/New_York")
    out = DatetimeFeatures(cyclical=False).fit_transform(pd.DataFrame({"d": stamps}))
    assert out[0].tolist() == [2024, 3, 5, 1, 23]


@pytest.mark.parametrize(
    "values, match",
    [
        (["2024-01-15", "15/01/2024"], "column 'when'.*'15/01/2024'.*format"),
        (["2024-01-15", "soon"], "column 'when'.*'soon'"),
    ],
)
def test_unparseable_text_is_rejected_naming_the_column(values, match):
    with pytest.raises(ValueError, match=match):
        DatetimeFeatures().fit(pd.DataFrame({"when": values}))


def test_unparseable_text_at_transform_is_rejected():
    expand = DatetimeFeatures().fit(pd.DataFrame({"when": ["2024-01-15"]}))
    with pytest.raises(ValueError, match="column 'when'.*'tomorrow'"):
        expand.transform(pd.DataFrame({"when": ["tomorrow"]}))


@pytest.mark.parametrize(
    "column, error, match",
    [
        (pd.Series([True, False]), TypeError, "dtype bool"),
        (pd.Series(["2024-01-01", {"day": 1}]), TypeError, "type dict in column 'when'"),
    ],
)
def test_values_that_are_not_datetimes_are_rejected(column, error, match):
    with pytest.raises(error, match=match):
        DatetimeFeatures().fit(pd.DataFrame({"when": column}))


@pytest.mark.parametrize("transformer", [DatetimeFeatures, TabularPreprocessor])
@pytest.mark.parametrize(
    "second",
    [pd.Timestamp("2024-02-01", tz="Europe/Paris"), pd.Timestamp("2024-02-01")],
    ids=["other zone", "no zone"],
)
def test_datetimes_in_mixed_time_zones_are_rejected_with_the_fix(transformer, second):
    column = pd.Series([pd.Timestamp("2024-01-01", tz="UTC"), second, None], dtype=object)
    with pytest.raises(
        ValueError, match=r"column 'when' as datetimes: it mixes time zones.*utc=True"
    ):
        transformer().fit(pd.DataFrame({"when": column}))
