"""scikit-learn transformers that turn raw tables into network-ready features.

:class:`TabularPreprocessor` takes a raw DataFrame (numbers, text, categories,
booleans, datetimes, missing values) to a numeric matrix; its parts
(:class:`CategoryCleaner`, :class:`OutlierClipper`, :class:`DatetimeFeatures`)
work on their own too. :class:`SlidingWindows` cuts a time series into
(window, horizon) pairs for forecasting.
"""

from ._categories import CategoryCleaner
from ._clipping import OutlierClipper
from ._datetime import DatetimeFeatures
from ._tabular import TabularPreprocessor
from ._windows import SlidingWindows

__all__ = [
    "CategoryCleaner",
    "DatetimeFeatures",
    "OutlierClipper",
    "SlidingWindows",
    "TabularPreprocessor",
]
