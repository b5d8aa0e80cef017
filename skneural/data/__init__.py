"""From user inputs to validated arrays: checks, conversion and validation splits."""

from ._split import validation_split
from ._validation import check_finite, check_numeric_columns, to_float32_dense

__all__ = ["check_finite", "check_numeric_columns", "to_float32_dense", "validation_split"]
