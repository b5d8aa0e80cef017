"""scikit-learn's estimator checks over every transformer in skneural.preprocessing."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skneural.preprocessing import (
    CategoryCleaner,
    DatetimeFeatures,
    OutlierClipper,
    TabularPreprocessor,
)

# Default parameters, plus the non-default options that change what the
# transformers compute on numeric data; nothing is declared as an expected
# failure.
TRANSFORMERS = [
    CategoryCleaner(),
    DatetimeFeatures(),
    DatetimeFeatures(unit="D", cyclical=False),
    OutlierClipper(),
    OutlierClipper(method="iqr"),
    TabularPreprocessor(),
    TabularPreprocessor(clip="iqr", scaling="quantile"),
    TabularPreprocessor(clip=None, scaling="robust", add_indicator=False),
]


@parametrize_with_checks(TRANSFORMERS)
def test_sklearn_compatible_transformer(estimator, check):
    check(estimator)
