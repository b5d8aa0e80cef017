"""Transformer encoder over the time steps (or patches of them) of a sequence."""

import math
from collections.abc import Sequence

import torch
from torch import nn

from ._checks import check_int, check_option, check_positive
from ._sequence_base import (
    INPUT_DOC,
    PADDING_DOC,
    PATCH_DOC,
    SHAPE_DOC,
    SequenceModule,
    masked_mean,
    to_patches,
    valid_steps,
)

POOLINGS = ("mean", "cls")


def sinusoidal_positions(n_positions: int, width: int, like: torch.Tensor) -> torch.Tensor:
    """The fixed sine and cosine position encoding ``(n_positions, width)`` of Vaswani et al.

    Computed for any number of positions, so it puts no limit on the
    length; on ``like``'s device and dtype.
    """
    positions = torch.arange(n_positions, device=like.device, dtype=torch.float32)[:, None]
    frequencies = torch.exp(
        torch.arange(0, width, 2, device=like.device, dtype=torch.float32)
        * (-math.log(10000.0) / width)
    )
    angles = positions * frequencies
    encoding = torch.stack([angles.sin(), angles.cos()], dim=-1).flatten(1)[:, :width]
    return encoding.to(like.dtype)


class SequenceTransformer(SequenceModule):
    """Transformer encoder over the steps of a sequence, with masked pooling.

    The valid steps (in groups of ``patch_size``, each group one token) are
    projected to ``d_model`` values, the sinusoidal position encoding is
    added, and ``num_layers`` pre-norm ``torch.nn.TransformerEncoderLayer``
    (self-attention, then a GELU feed-forward layer) mix the tokens, with
    padding masked out of every attention. The tokens are then averaged over
    the valid ones (``pooling="mean"``) or read from a learned CLS token
    (``"cls"``), normalised and fed to the dense head. Attention costs grow
    with the square of ``T / patch_size``.

    {padding}

    Parameters
    ----------
    {shape}
    dropout : float, default=0.0
        Dropout inside the encoder layers (attention weights, feed-forward
        layer and residual branches), of the pooled vector and after each
        hidden layer of the head.
    {input}
    d_model : int, default=64
        Width of each token; a multiple of ``n_heads``.
    n_heads : int, default=4
        Attention heads.
    num_layers : int, default=2
        Number of encoder layers.
    d_hidden_factor : float, default=2.0
        Width inside the feed-forward layers relative to ``d_model``.
    {patch}
    pooling : {{"mean", "cls"}}, default="mean"
        Average the valid tokens, or read a learned CLS token.

    Attributes
    ----------
    embed : torch.nn.Linear
        Projection of each patch of steps to a token.
    encoder : torch.nn.TransformerEncoder
        The encoder layers and a final layer norm.
    cls_token : torch.nn.Parameter or None
        The learned CLS token (``pooling="cls"``).
    head : DenseHead
        Dropout, hidden layers and output layer after pooling.

    Examples
    --------
    >>> import torch
    >>> from skneural.nn import SequenceTransformer
    >>> net = SequenceTransformer(n_features_in=1, n_outputs=5, vocab_size=100,
    ...                           d_model=16, n_heads=2)
    >>> ids = torch.tensor([[[3.0, 17.0, 42.0, float("nan")]]])  # 3 tokens, then padding
    >>> net(ids).shape
    torch.Size([1, 5])
    """

    def __init__(
        self,
        n_features_in: int,
        n_outputs: int,
        hidden_layer_sizes: Sequence[int] = (),
        activation: str = "relu",
        batch_norm: bool = False,
        dropout: float = 0.0,
        *,
        input_shape: tuple | None = None,
        vocab_size: int | None = None,
        embedding_dim: int = 32,
        d_model: int = 64,
        n_heads: int = 4,
        num_layers: int = 2,
        d_hidden_factor: float = 2.0,
        patch_size: int = 1,
        pooling: str = "mean",
    ):
        super().__init__(
            n_features_in,
            n_outputs,
            hidden_layer_sizes,
            activation,
            batch_norm,
            dropout,
            input_shape,
            vocab_size,
            embedding_dim,
        )
        d_model = check_int("d_model", d_model, 1)
        n_heads = check_int("n_heads", n_heads, 1)
        if d_model % n_heads:
            raise ValueError(
                f"d_model must be a multiple of n_heads, got d_model={d_model} and "
                f"n_heads={n_heads}."
            )
        num_layers = check_int("num_layers", num_layers, 1)
        d_hidden = max(1, round(d_model * check_positive("d_hidden_factor", d_hidden_factor)))
        self.patch_size = check_int("patch_size", patch_size, 1)
        check_option("pooling", pooling, POOLINGS)
        self.embed = nn.Linear(self.input.out_channels * self.patch_size, d_model)
        self.cls_token = (
            nn.Parameter(torch.randn(d_model) / math.sqrt(d_model)) if pooling == "cls" else None
        )
        layer = nn.TransformerEncoderLayer(
            d_model,
            n_heads,
            dim_feedforward=d_hidden,
            dropout=self.head_params["dropout"],
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(
            layer, num_layers, norm=nn.LayerNorm(d_model), enable_nested_tensor=False
        )
        self.build_head(d_model)

    def encode(self, values: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        patches, lengths = to_patches(values, lengths, self.patch_size)
        tokens = self.embed(patches.transpose(1, 2))
        tokens = tokens + sinusoidal_positions(tokens.shape[1], tokens.shape[2], tokens)
        if tokens.shape[0] == 0:  # torch's attention cannot mask an empty batch
            return tokens.new_zeros((0, tokens.shape[2]))
        mask = valid_steps(lengths, tokens.shape[1])
        if self.cls_token is None:
            out = self.encoder(tokens, src_key_padding_mask=~mask)
            return masked_mean(out, mask, dim=1)
        cls = self.cls_token.expand(tokens.shape[0], 1, -1)
        keep = torch.cat([torch.ones_like(mask[:, :1]), mask], dim=1)
        out = self.encoder(torch.cat([cls, tokens], dim=1), src_key_padding_mask=~keep)
        return out[:, 0]


SequenceTransformer.__doc__ = SequenceTransformer.__doc__.format(
    padding=PADDING_DOC, shape=SHAPE_DOC, input=INPUT_DOC, patch=PATCH_DOC.format(default=1)
)
