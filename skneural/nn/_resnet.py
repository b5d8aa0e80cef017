"""Residual network for tabular data (the ResNet of Gorishniy et al., 2021)."""

from collections.abc import Mapping, Sequence

import torch
from torch import nn

from ._checks import check_int, check_positive, check_probability
from ._feature_encoding import FLAT_ENCODING_DOC, FeatureEncoder, TabularModule
from ._mlp import make_activation


def _norm(width: int, batch_norm: bool) -> nn.Module:
    return nn.BatchNorm1d(width) if batch_norm else nn.LayerNorm(width)


class ResidualBlock(nn.Module):
    """Pre-norm residual block: ``x + Dropout(Linear(Dropout(act(Linear(norm(x))))))``.

    Parameters
    ----------
    d_block : int
        Width of the block's input and output.
    d_hidden : int
        Width inside the block.
    activation : str, default="relu"
        Name of the non-linearity (see ``ACTIVATIONS``).
    dropout : float, default=0.0
        Dropout after the activation.
    residual_dropout : float, default=0.0
        Dropout of the block's output before it is added to ``x``.
    batch_norm : bool, default=False
        Normalise with ``BatchNorm1d`` instead of ``LayerNorm``.
    """

    def __init__(
        self,
        d_block: int,
        d_hidden: int,
        activation: str = "relu",
        dropout: float = 0.0,
        residual_dropout: float = 0.0,
        batch_norm: bool = False,
    ):
        super().__init__()
        self.norm = _norm(d_block, batch_norm)
        self.branch = nn.Sequential(
            nn.Linear(d_block, d_hidden),
            make_activation(activation),
            nn.Dropout(dropout),
            nn.Linear(d_hidden, d_block),
            nn.Dropout(residual_dropout),
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return X + self.branch(self.norm(X))


class ResNet(TabularModule):
    """Residual network: a linear stem, residual blocks and a normalised head.

    The input (after the optional categorical and numeric embeddings) is
    projected to ``d_block`` features, goes through ``n_blocks``
    :class:`ResidualBlock` (each widens to ``d_block * d_hidden_factor``
    and adds its output to its input, so depth does not hurt optimisation)
    and then through normalisation, the activation and a linear head.

    The estimators' ``activation``, ``dropout`` and ``batch_norm`` reach this
    module; ``hidden_layer_sizes`` does not (every block has the same width,
    so set ``module_params={{"n_blocks": ..., "d_block": ...}}`` instead).

    Parameters
    ----------
    n_features_in : int
        Number of input columns.
    n_outputs : int
        Number of outputs (logits for classifiers, targets for regressors).
    n_blocks : int, default=2
        Number of residual blocks (the depth); 0 leaves the stem and head.
    d_block : int, default=128
        Width of the residual stream (the width), at least 2.
    d_hidden_factor : float, default=2.0
        Width inside each block relative to ``d_block``.
    activation : str, default="relu"
        Non-linearity inside the blocks and of the head.
    dropout : float, default=0.0
        Dropout after the activation inside each block.
    residual_dropout : float, default=0.0
        Dropout of each block's output before the skip connection adds it.
    batch_norm : bool, default=False
        ``BatchNorm1d`` instead of ``LayerNorm`` in the blocks and the head
        (the original ResNet used batch norm; layer norm does not depend on
        the batch and trains on any batch size).
    {encoding}

    Attributes
    ----------
    encoder : FeatureEncoder
        Input encoding (categorical and numeric embeddings).

    Examples
    --------
    >>> import torch
    >>> net = ResNet(n_features_in=5, n_outputs=3, n_blocks=2, d_block=32,
    ...              categorical_cardinalities={{4: 6}})
    >>> net(torch.tensor([[0.1, -1.2, 0.5, 2.0, 3.0]])).shape
    torch.Size([1, 3])
    """

    def __init__(
        self,
        n_features_in: int,
        n_outputs: int,
        n_blocks: int = 2,
        d_block: int = 128,
        d_hidden_factor: float = 2.0,
        activation: str = "relu",
        dropout: float = 0.0,
        residual_dropout: float = 0.0,
        batch_norm: bool = False,
        *,
        categorical_cardinalities: Mapping[int, int] | None = None,
        categorical_embedding_dim: int | None = None,
        numeric_embedding: str | None = None,
        d_embedding: int = 16,
        n_frequencies: int = 48,
        frequency_scale: float = 0.1,
        bin_edges: Sequence | None = None,
    ):
        super().__init__()
        n_outputs = check_int("n_outputs", n_outputs, 1)
        n_blocks = check_int("n_blocks", n_blocks, 0)
        # Width 1 would be a constant predictor: the layer norm of one value is 0.
        d_block = check_int("d_block", d_block, 2)
        d_hidden = max(1, round(d_block * check_positive("d_hidden_factor", d_hidden_factor)))
        dropout = check_probability("dropout", dropout)
        residual_dropout = check_probability("residual_dropout", residual_dropout)
        self.encoder = FeatureEncoder(
            n_features_in,
            categorical_cardinalities=categorical_cardinalities,
            categorical_embedding_dim=categorical_embedding_dim,
            numeric_embedding=numeric_embedding,
            d_embedding=d_embedding,
            n_frequencies=n_frequencies,
            frequency_scale=frequency_scale,
            bin_edges=bin_edges,
        )
        self.stem = nn.Linear(self.encoder.out_features, d_block)
        self.blocks = nn.Sequential(
            *(
                ResidualBlock(d_block, d_hidden, activation, dropout, residual_dropout, batch_norm)
                for _ in range(n_blocks)
            )
        )
        self.head = nn.Sequential(
            _norm(d_block, batch_norm), make_activation(activation), nn.Linear(d_block, n_outputs)
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.stem(self.encoder(X))))


ResNet.__doc__ = ResNet.__doc__.format(encoding=FLAT_ENCODING_DOC)
