import numpy as np
import pytest

from skneural.preprocessing import OutlierClipper


def test_quantile_bounds_are_the_percentiles():
    X = np.random.default_rng(0).normal(size=(200, 3))
    clipper = OutlierClipper(quantile_range=(5.0, 95.0)).fit(X)
    np.testing.assert_allclose(clipper.lower_, np.percentile(X, 5, axis=0))
    np.testing.assert_allclose(clipper.upper_, np.percentile(X, 95, axis=0))
    out = clipper.transform(X)
    assert (out >= clipper.lower_).all() and (out <= clipper.upper_).all()
    inside = (X > clipper.lower_) & (X < clipper.upper_)
    np.testing.assert_array_equal(out[inside], X[inside])


@pytest.mark.parametrize("factor, bounds", [(1.5, (-1.0, 7.0)), (0.0, (2.0, 4.0))])
def test_iqr_bounds_are_tukey_fences(factor, bounds):
    X = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])
    clipper = OutlierClipper(method="iqr", iqr_factor=factor).fit(X)
    assert (clipper.lower_[0], clipper.upper_[0]) == bounds


def test_nan_is_ignored_and_kept_infinity_is_ignored_and_clipped():
    X = np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [np.nan], [np.inf], [-np.inf]])
    clipper = OutlierClipper(quantile_range=(0.0, 100.0)).fit(X)
    assert (clipper.lower_[0], clipper.upper_[0]) == (1.0, 5.0)
    out = clipper.transform(X)[:, 0]
    assert np.isnan(out[5])
    assert out[6:].tolist() == [5.0, 1.0]


def test_columns_with_coinciding_bounds_are_left_unclipped():
    spike = np.r_[np.zeros(199), 50.0]  # the 1st and 99th percentiles are both 0
    missing = np.full(200, np.nan)
    X = np.column_stack([spike, missing])
    clipper = OutlierClipper().fit(X)
    assert np.isinf(clipper.lower_).all() and np.isinf(clipper.upper_).all()
    np.testing.assert_array_equal(clipper.transform(X), X)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    X = np.arange(10, dtype=dtype).reshape(5, 2)
    assert OutlierClipper().fit_transform(X).dtype == dtype


@pytest.mark.parametrize("bounds", [(50.0, 10.0), (-1.0, 50.0), (1.0, 101.0), (1.0,)])
def test_bad_quantile_range_is_rejected(bounds):
    with pytest.raises(ValueError, match="quantile_range"):
        OutlierClipper(quantile_range=bounds).fit(np.ones((3, 1)))
