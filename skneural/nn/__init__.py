"""Plain ``torch.nn`` modules used by the skneural estimators (no scikit-learn here)."""

from ._factory import BUILTIN_MODULES, build_module
from ._mlp import ACTIVATIONS, MLP, DenseBlock

__all__ = ["ACTIVATIONS", "BUILTIN_MODULES", "MLP", "DenseBlock", "build_module"]
