"""Pretrained models: a safe file format, a zoo of named models, fine-tuning.

:func:`save_pretrained` writes a fitted estimator as safetensors weights, a
JSON config and a model card, with a manifest of SHA-256 digests;
:func:`load_pretrained` reads it back without unpickling anything. The zoo
is a set of such directories searched by name: the models shipped in the
package, and local zoos (``paths=`` or the ``SKNEURAL_ZOO_PATH``
environment variable). Nothing is downloaded. :func:`backbone` turns a
zoo model, a saved model or a fitted estimator into the ``module`` of a
new estimator that fine-tunes it.
"""

from ._backbone import PretrainedBackbone, backbone
from ._format import load_pretrained, save_pretrained
from ._registry import list_models, load, zoo_directories

__all__ = [
    "PretrainedBackbone",
    "backbone",
    "list_models",
    "load",
    "load_pretrained",
    "save_pretrained",
    "zoo_directories",
]
