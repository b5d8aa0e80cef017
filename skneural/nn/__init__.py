"""Plain ``torch.nn`` modules used by the skneural estimators (no scikit-learn here)."""

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
from ._inception_time import InceptionModule, InceptionTime, MaskedBatchNorm1d
from ._mlp import ACTIVATIONS, MLP, DenseBlock
from ._numeric_embeddings import (
    LinearEmbedding,
    PerFeatureLinear,
    PeriodicEmbedding,
    PiecewiseLinearEmbedding,
    compute_bin_edges,
)
from ._recurrent import GRUNet, LSTMNet
from ._resnet import ResidualBlock, ResNet
from ._sequence_base import AttentionPooling, SequenceInput, sequence_lengths
from ._sequence_transformer import SequenceTransformer
from ._tcn import TCN, TemporalBlock

__all__ = [
    "ACTIVATIONS",
    "AttentionPooling",
    "BUILTIN_MODULES",
    "MLP",
    "NUMERIC_EMBEDDINGS",
    "CategoricalEmbeddings",
    "DenseBlock",
    "FTTransformer",
    "GRUNet",
    "InceptionModule",
    "InceptionTime",
    "LSTMNet",
    "MaskedBatchNorm1d",
    "FeatureEncoder",
    "FeedForward",
    "LinearEmbedding",
    "PerFeatureLinear",
    "PeriodicEmbedding",
    "PiecewiseLinearEmbedding",
    "ResNet",
    "ResidualBlock",
    "SequenceInput",
    "SequenceTransformer",
    "TCN",
    "TabularModule",
    "TemporalBlock",
    "TransformerBlock",
    "build_module",
    "check_categorical_cardinalities",
    "compute_bin_edges",
    "default_embedding_dim",
    "sequence_lengths",
]
