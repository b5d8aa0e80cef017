"""Temporal convolutional network: dilated causal convolutions with residual links."""

from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_int, check_option
from ._sequence_base import (
    INPUT_DOC,
    PADDING_DOC,
    SHAPE_DOC,
    SequenceModule,
    gather_step,
    masked_mean,
    valid_steps,
)

POOLINGS = ("last", "mean")


class CausalConv1d(nn.Conv1d):
    """``Conv1d`` padded on the left only: step ``t`` sees steps ``<= t``.

    Parameters
    ----------
    in_channels, out_channels, kernel_size, dilation : int
        As for ``torch.nn.Conv1d``.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, dilation: int):
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation)
        self.left_padding = (kernel_size - 1) * dilation

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return super().forward(F.pad(X, (self.left_padding, 0)))


class TemporalBlock(nn.Module):
    """Two dilated causal convolutions with ReLU and dropout, plus a residual link.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and the output (a 1x1 convolution adapts the
        residual when they differ).
    kernel_size : int
        Width of both convolutions.
    dilation : int
        Spacing of the kernel taps.
    dropout : float
        Dropout after each convolution's activation.
    """

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: int, dilation: int, dropout: float
    ):
        super().__init__()
        self.branch = nn.Sequential(
            CausalConv1d(in_channels, out_channels, kernel_size, dilation),
            nn.ReLU(),
            nn.Dropout(dropout),
            CausalConv1d(out_channels, out_channels, kernel_size, dilation),
            nn.ReLU(),
            nn.Dropout(dropout),
        )
        self.residual = (
            nn.Identity()
            if in_channels == out_channels
            else nn.Conv1d(in_channels, out_channels, 1)
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.branch(X) + self.residual(X))


class TCN(SequenceModule):
    """Temporal convolutional network (Bai, Kolter and Koltun, 2018).

    ``depth`` :class:`TemporalBlock` with dilations 1, 2, 4, ... each hold
    two causal convolutions, so step ``t`` of every layer depends on steps
    ``<= t`` only; the receptive field is ``1 + 2 * (kernel_size - 1) *
    (2 ** depth - 1)`` steps. Since padding comes after the valid steps, it
    never reaches them, and the network needs no masking inside.

    {padding}

    Parameters
    ----------
    {shape}
    dropout : float, default=0.0
        Dropout after every convolution, of the pooled vector and after each
        hidden layer of the head.
    {input}
    n_filters : int, default=64
        Channels of every convolution.
    depth : int, default=6
        Number of temporal blocks (dilations up to ``2 ** (depth - 1)``).
    kernel_size : int, default=5
        Width of every convolution.
    pooling : {{"last", "mean"}}, default="mean"
        ``"last"``: the output at the row's last valid step (which has seen
        the last receptive-field steps); ``"mean"``: the average over the
        valid steps.

    Attributes
    ----------
    blocks : torch.nn.Sequential
        The temporal blocks.
    head : DenseHead
        Dropout, hidden layers and output layer after pooling.

    Examples
    --------
    >>> import torch
    >>> from skneural.nn import TCN
    >>> net = TCN(n_features_in=3, n_outputs=1, n_filters=8, depth=3)
    >>> net(torch.randn(4, 3, 40)).shape
    torch.Size([4, 1])
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
        n_filters: int = 64,
        depth: int = 6,
        kernel_size: int = 5,
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
        n_filters = check_int("n_filters", n_filters, 1)
        depth = check_int("depth", depth, 1)
        kernel_size = check_int("kernel_size", kernel_size, 1)
        check_option("pooling", pooling, POOLINGS)
        self.pooling = pooling
        dropout = self.head_params["dropout"]
        widths = [self.input.out_channels] + [n_filters] * depth
        self.blocks = nn.Sequential(
            *(
                TemporalBlock(widths[i], widths[i + 1], kernel_size, 2**i, dropout)
                for i in range(depth)
            )
        )
        self.build_head(n_filters)

    def encode(self, values: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        out = self.blocks(values)
        if self.pooling == "last":
            return gather_step(out.transpose(1, 2), lengths - 1)
        return masked_mean(out, valid_steps(lengths, out.shape[-1]), dim=2)


TCN.__doc__ = TCN.__doc__.format(padding=PADDING_DOC, shape=SHAPE_DOC, input=INPUT_DOC)
