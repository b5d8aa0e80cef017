"""FT-Transformer: self-attention over one token per feature (Gorishniy et al., 2021)."""

import math
from collections.abc import Mapping, Sequence

import torch
from torch import nn

from ._checks import check_int, check_option, check_positive, check_probability
from ._feature_encoding import TOKEN_ENCODING_DOC, FeatureEncoder, TabularModule
from ._mlp import ACTIVATIONS, make_activation

GATED_ACTIVATIONS = {"reglu": nn.functional.relu, "geglu": nn.functional.gelu}


class FeedForward(nn.Module):
    """Position-wise feed-forward layer: ``Linear(Dropout(act(Linear(x))))``.

    Parameters
    ----------
    d_token : int
        Width of the input and output.
    d_hidden : int
        Width inside.
    activation : str, default="reglu"
        ``"reglu"`` or ``"geglu"`` (gated linear units: the first layer is
        twice as wide and half of it gates the other half) or a name of
        ``ACTIVATIONS``.
    dropout : float, default=0.0
        Dropout after the activation.
    """

    def __init__(self, d_token: int, d_hidden: int, activation: str = "reglu", dropout=0.0):
        super().__init__()
        check_option("ffn_activation", activation, {*GATED_ACTIVATIONS, *ACTIVATIONS})
        self.gate = GATED_ACTIVATIONS.get(activation)
        self.expand = nn.Linear(d_token, d_hidden * (2 if self.gate else 1))
        self.activation = None if self.gate else make_activation(activation)
        self.dropout = nn.Dropout(dropout)
        self.project = nn.Linear(d_hidden, d_token)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        hidden = self.expand(X)
        if self.gate is None:
            hidden = self.activation(hidden)
        else:
            values, gates = hidden.chunk(2, dim=-1)
            hidden = values * self.gate(gates)
        return self.project(self.dropout(hidden))


class TransformerBlock(nn.Module):
    """Pre-norm transformer block: self-attention, then feed-forward, each residual.

    Parameters
    ----------
    d_token : int
        Token length.
    n_heads : int
        Attention heads; must divide ``d_token``.
    d_hidden : int
        Width inside the feed-forward layer.
    attention_dropout, ffn_dropout, residual_dropout : float
        Dropout of the attention weights, inside the feed-forward layer, and
        of each branch's output before it is added to the residual stream.
    ffn_activation : str
        Activation of the feed-forward layer (see :class:`FeedForward`).
    attention_norm : bool, default=True
        Normalise the input of the attention; the first block skips it,
        since its input is the freshly embedded tokens.
    """

    def __init__(
        self,
        d_token: int,
        n_heads: int,
        d_hidden: int,
        attention_dropout: float,
        ffn_dropout: float,
        residual_dropout: float,
        ffn_activation: str,
        attention_norm: bool = True,
    ):
        super().__init__()
        self.attention_norm = nn.LayerNorm(d_token) if attention_norm else nn.Identity()
        self.attention = nn.MultiheadAttention(
            d_token, n_heads, dropout=attention_dropout, batch_first=True
        )
        self.ffn_norm = nn.LayerNorm(d_token)
        self.ffn = FeedForward(d_token, d_hidden, ffn_activation, ffn_dropout)
        self.residual_dropout = nn.Dropout(residual_dropout)

    def forward(self, tokens: torch.Tensor, first_token_only: bool = False) -> torch.Tensor:
        """Update ``tokens`` ``(batch, n_tokens, d_token)``.

        With ``first_token_only`` only the first token is updated and
        returned, ``(batch, 1, d_token)``: what the last block needs when the
        output is read from the CLS token.
        """
        normed = self.attention_norm(tokens)
        queries = normed[:, :1] if first_token_only else normed
        residual = tokens[:, :1] if first_token_only else tokens
        attended, _ = self.attention(queries, normed, normed, need_weights=False)
        tokens = residual + self.residual_dropout(attended)
        return tokens + self.residual_dropout(self.ffn(self.ffn_norm(tokens)))


class FTTransformer(TabularModule):
    """Feature Tokenizer + Transformer for tabular data.

    Every input column becomes a ``d_token``-long token: a numeric feature
    ``x_j`` through its own linear map ``x_j * w_j + b_j`` (or the
    ``numeric_embedding``), a categorical feature through its own
    ``nn.Embedding``. A learned CLS token is prepended, ``n_blocks`` pre-norm
    transformer blocks (multi-head self-attention across features, then a
    feed-forward layer) mix the tokens, and the output is read from the
    CLS token through layer norm, ReLU and a linear head (Gorishniy,
    Rubachev, Khrulkov and Babenko, "Revisiting Deep Learning Models for
    Tabular Data", NeurIPS 2021).

    None of the estimators' ``hidden_layer_sizes``, ``activation``,
    ``dropout`` and ``batch_norm`` reach this module (they describe an MLP);
    set its own parameters with ``module_params``. Attention costs grow with
    the square of the number of features.

    Parameters
    ----------
    n_features_in : int
        Number of input columns.
    n_outputs : int
        Number of outputs (logits for classifiers, targets for regressors).
    d_token : int, default=64
        Token length (the width), at least 2; a multiple of ``n_heads``.
    n_heads : int, default=4
        Attention heads (each of ``d_token / n_heads`` values).
    n_blocks : int, default=2
        Number of transformer blocks (the depth).
    d_hidden_factor : float, default=4/3
        Width inside the feed-forward layers relative to ``d_token``.
    attention_dropout : float, default=0.2
        Dropout of the attention weights.
    ffn_dropout : float, default=0.1
        Dropout inside the feed-forward layers.
    residual_dropout : float, default=0.0
        Dropout of each attention and feed-forward output before it is
        added to the residual stream.
    ffn_activation : str, default="reglu"
        ``"reglu"``, ``"geglu"`` or a name of ``ACTIVATIONS``.
    {encoding}

    Attributes
    ----------
    encoder : FeatureEncoder
        The feature tokenizer.
    cls_token : torch.nn.Parameter of shape (d_token,)
        The learned token whose final state feeds the head.

    Examples
    --------
    >>> import torch
    >>> net = FTTransformer(n_features_in=3, n_outputs=2, d_token=16, n_heads=2,
    ...                     categorical_cardinalities={{2: 4}})
    >>> net(torch.tensor([[0.5, -1.0, 3.0], [0.0, 2.0, 1.0]])).shape
    torch.Size([2, 2])
    """

    def __init__(
        self,
        n_features_in: int,
        n_outputs: int,
        d_token: int = 64,
        n_heads: int = 4,
        n_blocks: int = 2,
        d_hidden_factor: float = 4 / 3,
        attention_dropout: float = 0.2,
        ffn_dropout: float = 0.1,
        residual_dropout: float = 0.0,
        ffn_activation: str = "reglu",
        *,
        categorical_cardinalities: Mapping[int, int] | None = None,
        numeric_embedding: str | None = None,
        n_frequencies: int = 48,
        frequency_scale: float = 0.1,
        bin_edges: Sequence | None = None,
    ):
        super().__init__()
        n_outputs = check_int("n_outputs", n_outputs, 1)
        # Width 1 would be a constant predictor: the layer norm of one value is 0.
        d_token = check_int("d_token", d_token, 2)
        n_heads = check_int("n_heads", n_heads, 1)
        if d_token % n_heads:
            raise ValueError(
                f"d_token must be a multiple of n_heads, got d_token={d_token} and "
                f"n_heads={n_heads}."
            )
        n_blocks = check_int("n_blocks", n_blocks, 1)
        d_hidden = max(1, round(d_token * check_positive("d_hidden_factor", d_hidden_factor)))
        dropouts = [
            check_probability(name, value)
            for name, value in [
                ("attention_dropout", attention_dropout),
                ("ffn_dropout", ffn_dropout),
                ("residual_dropout", residual_dropout),
            ]
        ]
        self.encoder = FeatureEncoder(
            n_features_in,
            categorical_cardinalities=categorical_cardinalities,
            numeric_embedding=numeric_embedding,
            d_embedding=d_token,
            n_frequencies=n_frequencies,
            frequency_scale=frequency_scale,
            bin_edges=bin_edges,
            tokens=True,
        )
        bound = 1 / math.sqrt(d_token)
        self.cls_token = nn.Parameter(torch.empty(d_token).uniform_(-bound, bound))
        self.blocks = nn.ModuleList(
            TransformerBlock(
                d_token, n_heads, d_hidden, *dropouts, ffn_activation, attention_norm=i > 0
            )
            for i in range(n_blocks)
        )
        self.head = nn.Sequential(nn.LayerNorm(d_token), nn.ReLU(), nn.Linear(d_token, n_outputs))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        tokens = self.encoder(X)
        cls = self.cls_token.expand(tokens.shape[0], 1, -1)
        tokens = torch.cat([cls, tokens], dim=1)
        for i, block in enumerate(self.blocks):
            tokens = block(tokens, first_token_only=i == len(self.blocks) - 1)
        return self.head(tokens[:, 0])


FTTransformer.__doc__ = FTTransformer.__doc__.format(encoding=TOKEN_ENCODING_DOC)
