"""Deployment: a fitted estimator or pipeline as one ONNX graph.

Needs the optional dependencies of ``pip install skneural[onnx]`` (onnx,
onnxruntime and skl2onnx), imported when a function is called.
"""

from ._api import onnx_inputs, to_onnx, verify
from ._converters import register_converters

__all__ = ["onnx_inputs", "register_converters", "to_onnx", "verify"]
