"""Plain ``torch.nn`` modules used by the skneural estimators (no scikit-learn here).

The public modules are those of the API reference; the building blocks they
are made of live in the private submodules and may change.
"""

from ._cnn import CNN
from ._feature_encoding import FeatureEncoder
from ._ft_transformer import FTTransformer
from ._mlp import MLP
from ._numeric_embeddings import PeriodicEmbedding, PiecewiseLinearEmbedding, compute_bin_edges
from ._resnet import ResNet
from ._resnet_cnn import ResNetCNN

__all__ = [
    "CNN",
    "MLP",
    "FTTransformer",
    "FeatureEncoder",
    "PeriodicEmbedding",
    "PiecewiseLinearEmbedding",
    "ResNet",
    "ResNetCNN",
    "compute_bin_edges",
]
