import numpy as np
import pandas as pd
import pytest

from skneural.preprocessing import CategoryCleaner


def _column(values, **params):
    frame = pd.DataFrame({"c": values})
    return CategoryCleaner(**params).fit_transform(frame)[:, 0].tolist()


def test_spellings_differing_in_whitespace_or_case_are_merged():
    values = ["New  York", " new york", "NEW YORK ", "New  York", "Boston"]
    assert _column(values) == ["New York", "New York", "New York", "New York", "Boston"]


def test_ties_between_spellings_go_to_the_one_seen_first():
    assert _column(["male", "Male", "Female"]) == ["male", "male", "Female"]


def test_ignore_case_false_keeps_case_variants_apart():
    assert _column([" Male", "male"], ignore_case=False) == ["Male", "male"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ["a", np.nan, np.nan, np.nan, np.nan, "NA"]),
        ({"missing_strings": ("NA",)}, ["a", "?", "n/a", "", "NULL", np.nan]),
    ],
)
def test_missing_value_markers_become_nan(params, expected):
    got = _column(["a", " ? ", "n/a", "", "NULL", "NA"], **params)
    assert [g if isinstance(g, str) else "NaN" for g in got] == [
        e if isinstance(e, str) else "NaN" for e in expected
    ]


@pytest.mark.parametrize("min_frequency", [2, 0.3])
def test_rare_categories_are_grouped(min_frequency):
    values = ["a", "a", "a", "b", "b", "c", "d"]
    cleaner = CategoryCleaner(min_frequency=min_frequency).fit(pd.DataFrame({"c": values}))
    out = cleaner.transform(pd.DataFrame({"c": values}))[:, 0].tolist()
    if min_frequency == 2:
        assert out == ["a", "a", "a", "b", "b", "rare", "rare"]
        assert cleaner.categories_[0].tolist() == ["a", "b", "rare"]
        assert cleaner.rare_categories_[0].tolist() == ["c", "d"]
    else:  # 0.3 * 7 rows = 2.1: "b" (2 rows) is rare too
        assert out == ["a", "a", "a", "rare", "rare", "rare", "rare"]
        assert cleaner.rare_categories_[0].tolist() == ["b", "c", "d"]


def test_unseen_values_stay_distinct_and_are_cleaned():
    cleaner = CategoryCleaner(min_frequency=2).fit(pd.DataFrame({"c": ["a", "a", "b"]}))
    out = cleaner.transform(pd.DataFrame({"c": [" A", "b", " zz  top "]}))[:, 0]
    assert out.tolist() == ["a", "rare", "zz top"]


def test_numbers_in_a_text_column_become_text():
    out = _column([1, "x", 2.0, 2.5, None, False])
    assert out[:4] == ["1", "x", "2", "2.5"]
    assert np.isnan(out[4])
    assert out[5] == "False"


def test_numeric_columns_pass_through_unless_numbers_as_text():
    frame = pd.DataFrame({"code": [3, 1, None, 3]})
    out = CategoryCleaner(min_frequency=2).fit_transform(frame)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out[:, 0], [3.0, 1.0, np.nan, 3.0])
    text = CategoryCleaner(min_frequency=2, numbers_as_text=True).fit_transform(frame)
    assert text[[0, 1, 3], 0].tolist() == ["3", "rare", "3"]


def test_text_in_a_column_that_held_numbers_is_rejected():
    cleaner = CategoryCleaner().fit(pd.DataFrame({"code": [1, 2]}))
    with pytest.raises(ValueError, match="column 'code'.*'x'"):
        cleaner.transform(pd.DataFrame({"code": [1, "x"]}))


def test_values_of_other_types_are_rejected_naming_the_column():
    with pytest.raises(TypeError, match="type list in column 'c'"):
        CategoryCleaner().fit(pd.DataFrame({"c": ["a", ["b"]]}))


@pytest.mark.parametrize("dtype", ["category", "string", "str", object])
def test_pandas_text_and_category_dtypes(dtype):
    frame = pd.DataFrame({"c": pd.Series(["x ", None, "X", "y"], dtype=dtype)})
    out = CategoryCleaner().fit_transform(frame)[:, 0]
    assert out[[0, 2, 3]].tolist() == ["x", "x", "y"]
    assert pd.isna(out[1])


def test_pandas_output_keeps_column_names_and_index():
    frame = pd.DataFrame({"a": ["x", "y"], "b": ["u", "v"]}, index=[10, 20])
    out = CategoryCleaner().set_output(transform="pandas").fit_transform(frame)
    assert list(out.columns) == ["a", "b"]
    assert list(out.index) == [10, 20]


@pytest.mark.parametrize("dtype", ["string", object, "category"])
def test_a_text_column_entirely_missing_in_fit_lets_new_values_through(dtype):
    # A cross-validation fold can hold none of a sparse column's values.
    cleaner = CategoryCleaner().fit(pd.DataFrame({"city": pd.Series([None, None], dtype=dtype)}))
    assert cleaner.categories_[0].dtype == object
    assert cleaner.categories_[0].size == 0
    out = cleaner.transform(pd.DataFrame({"city": pd.Series([" Paris", None], dtype=dtype)}))
    assert out[0, 0] == "Paris"
    assert pd.isna(out[1, 0])


def test_a_numeric_column_entirely_missing_in_fit_passes_through_as_numbers():
    cleaner = CategoryCleaner().fit(pd.DataFrame({"n": [np.nan, np.nan]}))
    assert cleaner.categories_[0].dtype == np.float64
    out = cleaner.transform(pd.DataFrame({"n": [2.0, np.nan]}))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out[:, 0], [2.0, np.nan])
