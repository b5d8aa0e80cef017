"""A safe codec for a fitted estimator's state: JSON for the structure, tensors for arrays.

Pickle rebuilds any object a file names, which is how a model file runs code
on load. This codec writes plain JSON values, with tagged entries for the
few other types a fitted estimator holds: tuples, sets, dicts with
non-string keys, slices, numpy arrays (numeric ones go to the safetensors
file by key, text ones stay in the JSON), numpy scalars, dtypes and scalar
types, torch devices, file system paths (loaded as :class:`pathlib.Path`),
a few skneural functions by name, and objects of an
explicit list of skneural and scikit-learn classes. Decoding builds only
those: a class or function the lists do not name is refused, so a tampered
config can fail to load but cannot run code.

Objects are rebuilt in one of two ways: *configured* objects (callbacks,
augmentations: skneural classes with ``get_params``) through their
constructor, from their parameters; *fitted* objects (input layers,
scalers, links, the history) by restoring their attributes on an instance
made without calling ``__init__``.
"""

import math
import os
from pathlib import Path

import numpy as np
import torch
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    OrdinalEncoder,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)

from ..augmentation import ImageAugment, SequenceAugment
from ..callbacks import (
    Checkpoint,
    EarlyStopping,
    GradientClipping,
    GradualUnfreezing,
    LRScheduler,
    ProgressBar,
    WeightAveraging,
)
from ..data import DatasetInput, ImageInput, NumericInput, SequenceInput, TabularInput
from ..estimators import NeuralClassifier, NeuralRegressor
from ..preprocessing import CategoryCleaner, DatetimeFeatures, OutlierClipper, TabularPreprocessor
from ..preprocessing._columns import booleans_to_float, numbers_to_float, shift_codes
from ..training._history import History
from ..training._links import BinarySigmoidLink, ExpLink, IdentityLink, SigmoidLink, SoftmaxLink
from ._backbone import PretrainedBackbone

#: Classes whose fitted attributes the codec restores (no ``__init__`` call).
FITTED_CLASSES = {
    cls.__name__: cls
    for cls in (
        NumericInput,
        ImageInput,
        SequenceInput,
        DatasetInput,
        TabularInput,
        # The built-in TabularPreprocessor and the scikit-learn steps inside it.
        TabularPreprocessor,
        CategoryCleaner,
        OutlierClipper,
        DatetimeFeatures,
        ColumnTransformer,
        Pipeline,
        FunctionTransformer,
        SimpleImputer,
        MissingIndicator,
        OneHotEncoder,
        OrdinalEncoder,
        QuantileTransformer,
        RobustScaler,
        StandardScaler,
        IdentityLink,
        ExpLink,
        SoftmaxLink,
        BinarySigmoidLink,
        SigmoidLink,
        History,
    )
}
#: Classes the codec rebuilds from their parameters (``cls(**params)``).
CONFIGURED_CLASSES = {
    cls.__name__: cls
    for cls in (
        PretrainedBackbone,
        ImageAugment,
        SequenceAugment,
        Checkpoint,
        EarlyStopping,
        GradientClipping,
        GradualUnfreezing,
        LRScheduler,
        ProgressBar,
        WeightAveraging,
    )
}
#: Functions the codec refers to by name (the column readers of TabularPreprocessor).
FUNCTIONS = {f.__name__: f for f in (numbers_to_float, booleans_to_float, shift_codes)}
_TAG = "$type"


class UnsupportedValueError(TypeError):
    """A value the codec cannot write without pickle (raised at save time)."""


def encode(value, arrays: dict, where: str):
    """``value`` as JSON-ready data; numeric arrays are added to ``arrays``.

    Parameters
    ----------
    value : object
        What to encode.
    arrays : dict of str to torch.Tensor
        Receives the numeric arrays, under fresh keys the result refers to.
    where : str
        The attribute path of ``value``, named in errors.

    Raises
    ------
    UnsupportedValueError
        For a value of a type the codec does not write.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {_TAG: "float", "value": repr(value)}
    if isinstance(value, tuple):
        return {
            _TAG: "tuple",
            "items": [encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)],
        }
    if isinstance(value, list) and type(value) is list:
        return [encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict) and type(value) is dict:
        return {
            _TAG: "dict",
            "items": [
                [encode(k, arrays, where), encode(v, arrays, f"{where}[{k!r}]")]
                for k, v in value.items()
            ],
        }
    if isinstance(value, slice):
        return {_TAG: "slice", "bounds": [value.start, value.stop, value.step]}
    if isinstance(value, np.generic):
        return {
            _TAG: "scalar",
            "dtype": value.dtype.str,
            "value": encode(value.item(), arrays, where),
        }
    if isinstance(value, np.ndarray):
        return _encode_array(value, arrays, where)
    if isinstance(value, torch.device):
        return {_TAG: "device", "value": str(value)}
    if isinstance(value, os.PathLike):
        return {_TAG: "path", "value": os.fsdecode(value)}
    if isinstance(value, set | frozenset):
        items = [encode(v, arrays, where) for v in sorted(value, key=repr)]
        return {_TAG: type(value).__name__, "items": items}
    if isinstance(value, np.dtype):
        return {_TAG: "dtype", "value": value.str}
    if isinstance(value, type) and issubclass(value, np.generic):
        return {_TAG: "numpy_type", "value": np.dtype(value).str}
    if FUNCTIONS.get(getattr(value, "__name__", None)) is value:
        return {_TAG: "function", "name": value.__name__}
    name = type(value).__name__
    if FITTED_CLASSES.get(name) is type(value):
        state = list(value) if isinstance(value, list) else None
        return {
            _TAG: "fitted",
            "class": name,
            "attributes": encode(dict(vars(value)), arrays, where),
            "items": None if state is None else encode(state, arrays, where),
        }
    if CONFIGURED_CLASSES.get(name) is type(value):
        params = value.get_params(deep=False)
        return {_TAG: "configured", "class": name, "params": encode(params, arrays, where)}
    if isinstance(value, NeuralClassifier | NeuralRegressor):
        raise UnsupportedValueError(
            f"{where} is a {type(value).__name__} in memory: save it with save_pretrained and "
            "refer to it by its directory (or zoo name), e.g. backbone('<directory>')."
        )
    raise UnsupportedValueError(
        f"{where} is a {type(value).__module__}.{type(value).__qualname__}, which a "
        "pretrained model cannot store without pickle (it stores built-in modules, "
        "numeric and image and sequence inputs, skneural callbacks and augmentations)."
    )


def _encode_array(array: np.ndarray, arrays: dict, where: str) -> dict:
    if array.dtype.kind in "biuf":
        key = f"state.{len(arrays)}"
        arrays[key] = torch.from_numpy(np.ascontiguousarray(array).copy())
        return {_TAG: "array", "key": key, "dtype": array.dtype.str}
    if array.dtype.kind in "OUS":
        values = array.tolist()
        return {
            _TAG: "text_array",
            "dtype": "object" if array.dtype.kind == "O" else array.dtype.str,
            "shape": list(array.shape),
            "values": encode(values, arrays, where),
        }
    raise UnsupportedValueError(f"{where} is an array of dtype {array.dtype}, not stored.")


def decode(data, arrays: dict):
    """The value that :func:`encode` turned into ``data``.

    Raises
    ------
    ValueError
        For a tag, class or array key this codec does not know: a config
        that was not written by :func:`encode` or was altered.
    """
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(v, arrays) for v in data]
    if not isinstance(data, dict) or _TAG not in data:
        raise ValueError(f"Unexpected entry in the model config: {data!r:.80}.")
    tag = data[_TAG]
    if tag == "float":
        return float(data["value"])
    if tag == "tuple":
        return tuple(decode(v, arrays) for v in data["items"])
    if tag == "dict":
        return {_hashable(decode(k, arrays)): decode(v, arrays) for k, v in data["items"]}
    if tag == "slice":
        return slice(*data["bounds"])
    if tag == "scalar":
        return np.dtype(data["dtype"]).type(decode(data["value"], arrays))
    if tag == "array":
        if data["key"] not in arrays:
            raise ValueError(f"The model config refers to a missing array {data['key']!r}.")
        return arrays[data["key"]].numpy().astype(np.dtype(data["dtype"]), copy=False)
    if tag == "text_array":
        dtype = object if data["dtype"] == "object" else np.dtype(data["dtype"])
        return np.array(decode(data["values"], arrays), dtype=dtype).reshape(data["shape"])
    if tag == "device":
        return torch.device(data["value"])
    if tag == "path":
        return Path(data["value"])
    if tag in ("set", "frozenset"):
        return (set if tag == "set" else frozenset)(decode(v, arrays) for v in data["items"])
    if tag == "dtype":
        return np.dtype(data["value"])
    if tag == "numpy_type":
        return np.dtype(data["value"]).type
    if tag == "function":
        return _known(FUNCTIONS, data["name"])
    if tag == "fitted":
        cls = _known(FITTED_CLASSES, data["class"])
        instance = cls.__new__(cls)
        if data["items"] is not None:
            instance.extend(decode(data["items"], arrays))
        vars(instance).update(decode(data["attributes"], arrays))
        return instance
    if tag == "configured":
        return _known(CONFIGURED_CLASSES, data["class"])(**decode(data["params"], arrays))
    raise ValueError(f"Unknown entry type {tag!r} in the model config.")


def _known(classes: dict, name: str):
    if name not in classes:
        raise ValueError(
            f"The model config names the class {name!r}, which skneural does not rebuild "
            "from a pretrained model; the file was altered or written by a newer version."
        )
    return classes[name]


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key
