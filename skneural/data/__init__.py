"""From user inputs to the network's tensors: input layers, checks, validation splits.

The estimators turn ``X`` into tensors through an :class:`InputLayer`, one
case per kind of input, chosen by :func:`select_input_layer` among the cases
registered with :func:`register_input_layer`.
"""

from ._input_layer import InputLayer, register_input_layer, select_input_layer
from ._numeric_input import NumericInput
from ._split import validation_split
from ._tabular_input import TabularInput
from ._transformer_input import TransformerInput
from ._validation import (
    check_class_labels,
    check_finite,
    check_numeric_columns,
    check_numeric_target,
    to_float32,
    to_float32_dense,
)

for _case in (NumericInput, TransformerInput, TabularInput):
    register_input_layer(_case)

__all__ = [
    "InputLayer",
    "NumericInput",
    "TabularInput",
    "TransformerInput",
    "check_class_labels",
    "check_finite",
    "check_numeric_columns",
    "check_numeric_target",
    "register_input_layer",
    "select_input_layer",
    "to_float32",
    "to_float32_dense",
    "validation_split",
]
