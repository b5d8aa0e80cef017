import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skneural.preprocessing import TabularPreprocessor

# Plain settings: no clipping or scaling, so outputs can be read directly.
PLAIN = {"clip": None, "scaling": None}


def _out(preprocessor, X):
    """Transform ``X`` into a DataFrame named by get_feature_names_out."""
    return pd.DataFrame(preprocessor.transform(X), columns=preprocessor.get_feature_names_out())


@pytest.mark.parametrize(
    "column, kind",
    [
        (pd.Series([1, 2, 3]), "numeric"),
        (pd.Series([1.5, np.nan, 3.0]), "numeric"),
        (pd.Series([1, None, 3], dtype="Int64"), "numeric"),
        (pd.Series([1, 2.5, None], dtype=object), "numeric"),
        (pd.Series([True, False, True]), "boolean"),
        (pd.Series([True, None, False], dtype="boolean"), "boolean"),
        (pd.Series([True, None, False], dtype=object), "boolean"),
        (pd.Series(["a", "b", None]), "categorical"),
        (pd.Series(["a", "b", None], dtype="string"), "categorical"),
        (pd.Series(["a", "b", "a"], dtype="category"), "categorical"),
        (pd.Series([1, 2, 1], dtype="category"), "categorical"),
        (pd.Series(pd.to_datetime(["2024-01-01", None, "2024-02-01"])), "datetime"),
        (
            pd.Series(pd.to_datetime(["2024-01-01", "2024-02-01", None]).tz_localize("UTC")),
            "datetime",
        ),
        (
            pd.Series([pd.Timestamp("2024-01-01"), None, pd.Timestamp("2024-03-01")], dtype=object),
            "datetime",
        ),
    ],
)
def test_column_kinds_are_detected_from_dtypes(column, kind):
    preprocessor = TabularPreprocessor().fit(pd.DataFrame({"c": column}))
    assert preprocessor.column_kinds_[kind] == ["c"]


def test_declared_kinds_override_detection():
    frame = pd.DataFrame(
        {
            "zip": [75001, 69001, 75001, 13001],
            "member": ["yes", "No", " YES", None],
            "sold": ["2024-01-05", "2024-02-05", "2024-03-05", "2024-04-05"],
            "score": ["1.5", " 2", "?", "4"],
        }
    )
    preprocessor = TabularPreprocessor(
        categorical_columns=["zip"],
        boolean_columns=["member"],
        datetime_columns=["sold"],
        numeric_columns=["score"],
        **PLAIN,
    ).fit(frame)
    assert preprocessor.column_kinds_ == {
        "numeric": ["score"],
        "boolean": ["member"],
        "datetime": ["sold"],
        "categorical": ["zip"],
    }
    out = _out(preprocessor, frame)
    assert out["member"].tolist() == [1.0, 0.0, 1.0, 1.0]  # missing: most frequent
    assert out["score"].tolist() == [1.5, 2.0, 2.0, 4.0]  # "?" is missing: median
    assert out["missingindicator_score"].tolist() == [0, 0, 1, 0]
    assert out["sold_month"].tolist() == [1, 2, 3, 4]
    assert out["zip_75001"].tolist() == [1, 0, 1, 0]


@pytest.mark.parametrize(
    "params, match",
    [
        ({"numeric_columns": ["nope"]}, "numeric_columns lists 'nope'"),
        ({"numeric_columns": ["a"], "categorical_columns": ["a"]}, "'a' is listed in both"),
    ],
)
def test_bad_declarations_are_rejected(params, match):
    with pytest.raises(ValueError, match=match):
        TabularPreprocessor(**params).fit(pd.DataFrame({"a": [1, 2]}))


@pytest.mark.parametrize(
    "column",
    [pd.Series(pd.to_timedelta([1, 2], unit="D")), pd.Series([1 + 1j, 2 + 0j])],
)
def test_unsupported_dtypes_are_rejected_naming_the_column(column):
    with pytest.raises(TypeError, match="column 'odd' of dtype"):
        TabularPreprocessor().fit(pd.DataFrame({"odd": column, "ok": [1, 2]}))


def test_infinity_is_missing_and_missing_numbers_get_the_median_and_an_indicator():
    frame = pd.DataFrame({"x": [1.0, np.inf, 3.0, np.nan, 10.0], "full": [1, 2, 3, 4, 5]})
    preprocessor = TabularPreprocessor(**PLAIN).fit(frame)
    out = _out(preprocessor, frame)
    assert list(out.columns) == ["x", "full", "missingindicator_x"]
    assert out["x"].tolist() == [1.0, 3.0, 3.0, 3.0, 10.0]
    assert out["missingindicator_x"].tolist() == [0, 1, 0, 1, 0]
    assert np.isinf(frame["x"].iloc[1])  # the input is not modified
    # A column complete in fit gets no indicator; its missing values are imputed.
    later = _out(preprocessor, pd.DataFrame({"x": [2.0], "full": [np.nan]}))
    assert later["full"].tolist() == [3.0]


def test_without_add_indicator_there_are_no_indicator_columns():
    frame = pd.DataFrame({"x": [1.0, np.nan, 3.0]})
    preprocessor = TabularPreprocessor(add_indicator=False).fit(frame)
    assert preprocessor.get_feature_names_out().tolist() == ["x"]


@pytest.mark.parametrize("clip", ["quantile", "iqr"])
def test_outliers_are_clipped(clip):
    x = np.r_[np.arange(99.0), 1e6]
    q1, q3, q99 = np.percentile(x, [25, 75, 99])
    upper = q99 if clip == "quantile" else q3 + 1.5 * (q3 - q1)
    out = TabularPreprocessor(clip=clip, scaling=None).fit_transform(pd.DataFrame({"x": x}))
    assert out.max() == pytest.approx(upper)
    assert out.max() < 1e6


@pytest.mark.parametrize("scaling", ["standard", "robust", "quantile"])
def test_scaling_centres_numeric_columns(scaling):
    x = np.random.default_rng(0).lognormal(size=301)
    out = TabularPreprocessor(scaling=scaling).fit_transform(pd.DataFrame({"x": x}))[:, 0]
    centre = out.mean() if scaling == "standard" else np.median(out)
    assert centre == pytest.approx(0.0, abs=1e-9)
    if scaling == "standard":
        assert out.std() == pytest.approx(1.0)


def test_low_cardinality_is_one_hot_high_cardinality_gets_codes():
    frame = pd.DataFrame(
        {"small": ["a", "b", "a", "b", "a", "b"], "large": ["p", "q", "r", "s", "p", "q"]}
    )
    preprocessor = TabularPreprocessor(max_onehot_cardinality=3).fit(frame)
    assert preprocessor.get_feature_names_out().tolist() == ["small_a", "small_b", "large"]
    assert preprocessor.categorical_cardinalities_ == {"large": 5}  # 4 categories + unknown
    new = pd.DataFrame({"small": ["b", "zzz"], "large": ["s", "zzz"]})
    out = _out(preprocessor, new)
    assert out["large"].tolist() == [4.0, 0.0]  # codes 1..4 by sorted category, 0 = unknown
    assert out[["small_a", "small_b"]].to_numpy().tolist() == [[0, 1], [0, 0]]


@pytest.mark.parametrize("limit, n_codes", [(None, 0), (0, 2), (2, 1), (100, 0)])
def test_max_onehot_cardinality_sets_which_columns_get_codes(limit, n_codes):
    frame = pd.DataFrame({"two": ["a", "b", "a"], "three": ["x", "y", "z"]})
    preprocessor = TabularPreprocessor(max_onehot_cardinality=limit).fit(frame)
    assert len(preprocessor.categorical_cardinalities_) == n_codes
    assert list(preprocessor.categorical_cardinalities_) == (
        preprocessor.get_feature_names_out()[-n_codes:].tolist() if n_codes else []
    )


def test_category_cleaning_and_rare_grouping_before_encoding():
    frame = pd.DataFrame({"sex": ["Male", " male", "MALE", "Female", "female ", "?", "X"]})
    preprocessor = TabularPreprocessor(min_frequency=2).fit(frame)
    out = _out(preprocessor, frame)
    assert list(out.columns) == ["sex_Female", "sex_Male", "sex_rare"]
    # "?" is missing: imputed by the most frequent category.
    assert out["sex_Male"].tolist() == [1, 1, 1, 0, 0, 1, 0]
    assert out["sex_rare"].tolist() == [0, 0, 0, 0, 0, 0, 1]


def test_missing_categories_can_be_a_category_of_their_own():
    frame = pd.DataFrame({"c": ["a", None, "b", "a"]})
    preprocessor = TabularPreprocessor(categorical_imputation="category").fit(frame)
    out = _out(preprocessor, frame)
    assert out["c_missing"].tolist() == [0, 1, 0, 0]


def test_entirely_missing_columns_are_dropped_with_a_warning():
    frame = pd.DataFrame({"x": [1.0, 2.0], "empty": [np.nan, np.inf], "blank": ["", "?"]})
    with pytest.warns(UserWarning, match=r"drops the columns \['empty', 'blank'\]"):
        preprocessor = TabularPreprocessor().fit(frame)
    assert preprocessor.dropped_columns_ == ["empty", "blank"]
    assert preprocessor.get_feature_names_out().tolist() == ["x"]
    assert preprocessor.transform(frame).shape == (2, 1)


def test_a_frame_with_only_missing_values_is_rejected():
    with pytest.raises(ValueError, match="every column is entirely missing"):
        TabularPreprocessor().fit(pd.DataFrame({"a": [np.nan, np.nan]}))


def test_a_column_mixing_numbers_and_text_becomes_categorical_with_a_warning():
    frame = pd.DataFrame({"size": [1, "large", 2.0, 1]})
    with pytest.warns(UserWarning, match="'size' mixes numbers and text"):
        preprocessor = TabularPreprocessor().fit(frame)
    assert preprocessor.get_feature_names_out().tolist() == ["size_1", "size_2", "size_large"]


@pytest.mark.parametrize("stage", ["fit", "transform"])
def test_text_in_a_declared_numeric_column_is_rejected(stage):
    good = pd.DataFrame({"n": ["1", "2.5"]})
    bad = pd.DataFrame({"n": ["1", "lots"]})
    preprocessor = TabularPreprocessor(numeric_columns=["n"])
    with pytest.raises(ValueError, match="numeric column 'n' as numbers.*'lots'"):
        preprocessor.fit(bad) if stage == "fit" else preprocessor.fit(good).transform(bad)


def test_unreadable_values_of_a_declared_boolean_column_are_rejected():
    with pytest.raises(ValueError, match=r"\['maybe'\] of boolean column 'b'"):
        TabularPreprocessor(boolean_columns=["b"]).fit(pd.DataFrame({"b": ["yes", "maybe"]}))


def test_unparseable_dates_in_a_declared_datetime_column_are_rejected():
    frame = pd.DataFrame({"d": ["2024-01-31", "31.01.2024"]})
    with pytest.raises(ValueError, match="column 'd'.*'31.01.2024'"):
        TabularPreprocessor(datetime_columns=["d"]).fit(frame)
    preprocessor = TabularPreprocessor(datetime_columns=["d"], datetime_format="mixed")
    assert preprocessor.fit_transform(frame).shape[0] == 2


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda f: f.drop(columns="b"), "missing:\n- b"),
        (lambda f: f.assign(extra=1), "unseen at fit time:\n- extra"),
        (lambda f: f[["b", "a"]], "same order"),
    ],
)
def test_columns_at_transform_must_match_fit(change, match):
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]})
    preprocessor = TabularPreprocessor().fit(frame)
    with pytest.raises(ValueError, match=match):
        preprocessor.transform(change(frame))
    # Selecting the fitted columns is the fix.
    fixed = change(frame).reindex(columns=preprocessor.feature_names_in_, fill_value="x")
    assert preprocessor.transform(fixed).shape == (2, 3)


@pytest.mark.parametrize(
    "frame", [pd.DataFrame(), pd.DataFrame({"a": []}), pd.DataFrame(index=[0])]
)
def test_empty_frames_are_rejected(frame):
    with pytest.raises(ValueError, match="empty DataFrame"):
        TabularPreprocessor().fit(frame)


def test_numeric_arrays_are_accepted_and_text_arrays_are_explained():
    X = np.array([[1.0, 0.0], [np.nan, 1.0], [3.0, 2.0]])
    preprocessor = TabularPreprocessor().fit(X)
    assert preprocessor.get_feature_names_out().tolist() == ["x0", "x1", "missingindicator_x0"]
    with pytest.raises(ValueError, match="only inside a pandas DataFrame"):
        TabularPreprocessor().fit(np.array([["a", "b"], ["c", "d"]], dtype=object))


FRAME_AND_ARRAY = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [5.0, 6.0, 7.0, 80.0]})


@pytest.mark.parametrize(
    "fitted_on, given, warning",
    [
        (FRAME_AND_ARRAY, FRAME_AND_ARRAY.to_numpy(), "X does not have valid feature names"),
        (FRAME_AND_ARRAY, FRAME_AND_ARRAY.set_axis([0, 1], axis=1), "not have valid feature"),
        (FRAME_AND_ARRAY.to_numpy(), FRAME_AND_ARRAY, "X has feature names"),
    ],
    ids=["array after frame", "unnamed frame after frame", "frame after array"],
)
def test_columns_are_taken_by_position_between_arrays_and_frames(fitted_on, given, warning):
    # As in scikit-learn: a warning, and the columns read in the order seen in fit.
    preprocessor = TabularPreprocessor().fit(fitted_on)
    with pytest.warns(UserWarning, match=warning):
        out = preprocessor.transform(given)
    np.testing.assert_array_equal(out, preprocessor.transform(fitted_on))


def test_a_text_array_after_fitting_on_a_frame_is_rejected():
    frame = pd.DataFrame({"a": [1.0, 2.0], "c": ["x", "y"]})
    preprocessor = TabularPreprocessor().fit(frame)
    with pytest.warns(UserWarning, match="valid feature names"):
        with pytest.raises(ValueError, match="only inside a pandas DataFrame"):
            preprocessor.transform(frame.to_numpy())


@pytest.mark.parametrize("value", [[1], {"k": 1}, {1}], ids=["list", "dict", "set"])
def test_values_that_are_not_scalars_are_rejected_naming_the_column(value):
    frame = pd.DataFrame({"ok": [1, 2, 3], "odd": pd.Series([value, value, "x"], dtype=object)})
    match = f"TabularPreprocessor found a value of type {type(value).__name__} in column 'odd'"
    with pytest.raises(TypeError, match=match):
        TabularPreprocessor().fit(frame)


def test_pandas_output_is_named_and_keeps_the_index():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "c": ["x", "y", "x"]}, index=[7, 8, 9])
    out = TabularPreprocessor().set_output(transform="pandas").fit(frame).transform(frame)
    assert list(out.columns) == ["a", "c_x", "c_y"]
    assert list(out.index) == [7, 8, 9]


def test_clone_refits_from_scratch_and_fit_is_repeatable():
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0], "c": ["x", "y", None, "x"]})
    first = TabularPreprocessor().fit_transform(frame)
    again = clone(TabularPreprocessor()).fit(frame).transform(frame)
    np.testing.assert_array_equal(first, again)
    assert not np.isnan(first).any()


def test_no_warnings_on_clean_data():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "c": ["x", "y", "x"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TabularPreprocessor().fit(frame).transform(frame)


def test_output_follows_column_order_whatever_is_declared():
    frame = pd.DataFrame({"b": [1.0, 2.0, 3.0], "a": ["1", "2", "3"], "c": [3.0, 1.0, 2.0]})
    preprocessor = TabularPreprocessor(numeric_columns=["a"]).fit(frame)
    assert preprocessor.column_kinds_["numeric"] == ["b", "a", "c"]
    assert preprocessor.get_feature_names_out().tolist() == ["b", "a", "c"]


def test_parameters_are_searchable_in_a_grid_search():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=60), "c": rng.choice(["u", "v", "w"], size=60)})
    y = (frame["x"] > 0).to_numpy()
    search = GridSearchCV(
        make_pipeline(TabularPreprocessor(), LogisticRegression()),
        {
            "tabularpreprocessor__scaling": ["standard", "quantile"],
            "tabularpreprocessor__clip": [None, "iqr"],
        },
        cv=3,
    ).fit(frame, y)
    assert search.best_score_ > 0.8
