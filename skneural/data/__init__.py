"""From user inputs to the network's tensors: input layers, checks, validation splits.

The estimators turn ``X`` into tensors through an :class:`InputLayer`, one
case per kind of input, chosen by :func:`select_input_layer` among the cases
registered with :func:`register_input_layer`. The checks and splits the
estimators use are internal: import them from the private submodules.
"""

from ._dataset_input import DatasetInput
from ._image_input import ImageInput
from ._input_layer import InputLayer, register_input_layer, select_input_layer
from ._numeric_input import NumericInput
from ._sequence_input import SequenceInput
from ._tabular_input import TabularInput
from ._transformer_input import TransformerInput

for _case in (
    NumericInput,
    TransformerInput,
    TabularInput,
    ImageInput,
    SequenceInput,
    DatasetInput,
):
    register_input_layer(_case)

__all__ = [
    "DatasetInput",
    "ImageInput",
    "InputLayer",
    "NumericInput",
    "SequenceInput",
    "TabularInput",
    "TransformerInput",
    "register_input_layer",
    "select_input_layer",
]
