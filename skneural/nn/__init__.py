"""Plain ``torch.nn`` modules used by the skneural estimators (no scikit-learn here)."""

from ._cnn import CNN, ConvBlock
from ._factory import BUILTIN_MODULES, build_module
from ._feature_encoding import (
    NUMERIC_EMBEDDINGS,
    CategoricalEmbeddings,
    FeatureEncoder,
    TabularModule,
    check_categorical_cardinalities,
    default_embedding_dim,
)
from ._ft_transformer import FeedForward, FTTransformer, TransformerBlock
from ._mlp import ACTIVATIONS, MLP, DenseBlock
from ._numeric_embeddings import (
    LinearEmbedding,
    PerFeatureLinear,
    PeriodicEmbedding,
    PiecewiseLinearEmbedding,
    compute_bin_edges,
)
from ._resnet import ResidualBlock, ResNet
from ._resnet_cnn import ResidualConvBlock, ResNetCNN

__all__ = [
    "ACTIVATIONS",
    "BUILTIN_MODULES",
    "CNN",
    "MLP",
    "NUMERIC_EMBEDDINGS",
    "CategoricalEmbeddings",
    "ConvBlock",
    "DenseBlock",
    "FTTransformer",
    "FeatureEncoder",
    "FeedForward",
    "LinearEmbedding",
    "PerFeatureLinear",
    "PeriodicEmbedding",
    "PiecewiseLinearEmbedding",
    "ResNet",
    "ResNetCNN",
    "ResidualBlock",
    "ResidualConvBlock",
    "TabularModule",
    "TransformerBlock",
    "build_module",
    "check_categorical_cardinalities",
    "compute_bin_edges",
    "default_embedding_dim",
]
