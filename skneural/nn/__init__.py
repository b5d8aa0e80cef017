"""Plain ``torch.nn`` modules used by the skneural estimators (no scikit-learn here).

The public modules are those of the API reference; the building blocks they
are made of live in the private submodules and may change.
"""

from ._cnn import CNN
from ._feature_encoding import FeatureEncoder
from ._ft_transformer import FTTransformer
from ._head import FineTunableModule
from ._inception_time import InceptionTime, MaskedBatchNorm1d
from ._mlp import MLP
from ._numeric_embeddings import (
    PeriodicEmbedding,
    PiecewiseLinearEmbedding,
    PiecewiseLinearEncoding,
    compute_bin_edges,
)
from ._recurrent import GRUNet, LSTMNet
from ._resnet import ResNet
from ._resnet_cnn import ResNetCNN
from ._sequence_base import AttentionPooling, SequenceInput, sequence_lengths
from ._sequence_transformer import SequenceTransformer
from ._tcn import TCN

__all__ = [
    "CNN",
    "MLP",
    "TCN",
    "AttentionPooling",
    "FTTransformer",
    "FeatureEncoder",
    "FineTunableModule",
    "GRUNet",
    "InceptionTime",
    "LSTMNet",
    "MaskedBatchNorm1d",
    "PeriodicEmbedding",
    "PiecewiseLinearEmbedding",
    "PiecewiseLinearEncoding",
    "ResNet",
    "ResNetCNN",
    "SequenceInput",
    "SequenceTransformer",
    "compute_bin_edges",
    "sequence_lengths",
]
