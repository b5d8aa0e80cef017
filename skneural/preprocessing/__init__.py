"""scikit-learn transformers that turn raw tables into network-ready features.

:class:`TabularPreprocessor` takes a raw DataFrame (numbers, text, categories,
booleans, datetimes, missing values) to a numeric matrix; its parts
(:class:`CategoryCleaner`, :class:`OutlierClipper`, :class:`DatetimeFeatures`)
work on their own too.
"""

from ._categories import CategoryCleaner
from ._clipping import OutlierClipper
from ._datetime import DatetimeFeatures
from ._tabular import TabularPreprocessor

__all__ = ["CategoryCleaner", "DatetimeFeatures", "OutlierClipper", "TabularPreprocessor"]
