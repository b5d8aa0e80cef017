"""InceptionTime: 1-D inception modules with residual connections (Ismail Fawaz et al., 2020)."""

from collections.abc import Sequence
from numbers import Integral

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_fraction, check_int
from ._sequence_base import (
    INPUT_DOC,
    PADDING_DOC,
    SHAPE_DOC,
    SequenceModule,
    masked_mean,
    valid_steps,
)


class MaskedBatchNorm1d(nn.BatchNorm1d):
    """``BatchNorm1d`` over ``(n, C, T)`` whose training statistics skip padding.

    In training mode the mean and variance of each channel come from the
    valid steps only, so padding neither shifts the
    normalisation nor the running statistics; in evaluation mode it is
    ``BatchNorm1d`` with the running statistics, which treats every step
    alike.

    Parameters
    ----------
    num_features : int
        Number of channels.
    eps : float
        As for ``torch.nn.BatchNorm1d``.
    momentum : float, default=0.1
        Weight of each training batch in the running statistics, in
        ``[0, 1]`` (``None``, the cumulative average, is not supported). A
        batch without a valid step leaves them unchanged.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1):
        if momentum is None:
            raise ValueError("MaskedBatchNorm1d needs a momentum; None is not supported.")
        super().__init__(num_features, eps=eps, momentum=check_fraction("momentum", momentum))

    def forward(self, X: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        """Normalise ``X`` ``(n, C, T)``; ``keep`` ``(n, 1, T)`` is 1 on valid steps, else 0."""
        if not self.training:
            return super().forward(X)
        count = keep.sum()
        divisor = count.clamp_min(1)  # a batch of padding only still gives finite values
        mean = (X * keep).sum(dim=(0, 2)) / divisor
        centred = X - mean[:, None]
        var = (centred.square() * keep).sum(dim=(0, 2)) / divisor
        with torch.no_grad():
            self._update_running_statistics(mean, var, count)
        scale = self.weight * torch.rsqrt(var + self.eps)
        return centred * scale[:, None] + self.bias[:, None]

    def _update_running_statistics(self, mean, var, count) -> None:
        """Move the running statistics towards the batch's, unless the batch
        has no valid step (without a sync to the host)."""
        has_steps = count > 0
        self.num_batches_tracked.add_(has_steps.long())
        unbiased = var * (count / (count - 1).clamp_min(1))
        for running, batch in [(self.running_mean, mean), (self.running_var, unbiased)]:
            running.copy_(torch.where(has_steps, running.lerp(batch, self.momentum), running))


def _max_over_3_steps(X: torch.Tensor) -> torch.Tensor:
    """Max-pool ``(n, C, T)`` over steps ``t - 1, t, t + 1`` (``-inf`` beyond the ends).

    The same as ``max_pool1d(X, 3, stride=1, padding=1)``, which on a CPU
    measured several times slower, and which ``torch.export`` cannot trace
    for a dynamic length.
    """
    padded = F.pad(X, (1, 1), value=-torch.inf)
    return torch.maximum(torch.maximum(padded[..., :-2], padded[..., 1:-1]), padded[..., 2:])


class InceptionModule(nn.Module):
    """Bottleneck, parallel convolutions of several widths and a max-pool branch.

    The input goes through a 1x1 bottleneck convolution (when it has more
    than one channel), then through one convolution per kernel size; in
    parallel it is max-pooled over 3 steps and projected by a 1x1
    convolution. The branches are concatenated, batch-normalised and passed
    through ReLU. Padding is kept at zero (and out of the max-pool), so the
    valid steps see exactly what an unpadded row would give.

    Parameters
    ----------
    in_channels : int
        Channels of the input.
    n_filters : int
        Channels of each branch; the output has
        ``n_filters * (len(kernel_sizes) + 1)``.
    kernel_sizes : sequence of int
        Odd kernel widths of the parallel convolutions.
    bottleneck_channels : int
        Channels of the bottleneck (0 for none).
    """

    def __init__(
        self,
        in_channels: int,
        n_filters: int,
        kernel_sizes: Sequence[int],
        bottleneck_channels: int,
    ):
        super().__init__()
        use_bottleneck = bottleneck_channels > 0 and in_channels > 1
        self.bottleneck = (
            nn.Conv1d(in_channels, bottleneck_channels, 1, bias=False) if use_bottleneck else None
        )
        branch_in = bottleneck_channels if use_bottleneck else in_channels
        self.convs = nn.ModuleList(
            nn.Conv1d(branch_in, n_filters, size, padding=size // 2, bias=False)
            for size in kernel_sizes
        )
        self.pool_conv = nn.Conv1d(in_channels, n_filters, 1, bias=False)
        self.out_channels = n_filters * (len(kernel_sizes) + 1)
        self.norm = MaskedBatchNorm1d(self.out_channels)

    def forward(self, X: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        """``X`` ``(n, C, T)`` is 0 on padding, where ``keep`` ``(n, 1, T)`` is 0 (else 1)."""
        padding = keep == 0
        branch_in = X if self.bottleneck is None else self.bottleneck(X)
        pooled = _max_over_3_steps(torch.where(padding, -torch.inf, X))
        branches = [conv(branch_in) for conv in self.convs]
        branches.append(self.pool_conv(torch.where(padding, 0.0, pooled)))
        out = self.norm(torch.cat(branches, dim=1), keep)
        return torch.relu(out) * keep


class InceptionTime(SequenceModule):
    """InceptionTime-style network: inception modules, residual links, global pooling.

    ``depth`` :class:`InceptionModule` are stacked; every third module's
    output is added to a shortcut (1x1 convolution and batch norm) from the
    input of the three, then passed through ReLU. The last module's output
    is averaged over the valid steps (global average pooling) and fed to a
    dense head (Ismail Fawaz, Lucas, Forestier, Pelletier, Schmidt, Weber,
    Webb, Idoumghar, Muller and Petitjean, "InceptionTime: Finding AlexNet
    for Time Series Classification", Data Mining and Knowledge Discovery,
    2020; the paper's InceptionTime is an ensemble of five such networks,
    see :class:`~skneural.ensemble.DeepEnsembleClassifier`).

    The defaults are a small network: a training step on a CPU takes about a
    seventh of the paper's network's time, and with the estimators' sequence
    defaults it matched the published accuracy of the paper's (ensembled)
    network on the UCR sets of ``benchmarks/bench_sequences.py``. The paper's
    size is ``n_filters=32, depth=6, kernel_sizes=(39, 19, 9)`` (its 40, 20
    and 10, made odd so that the convolutions are centred).

    Batch norm statistics in training come from the valid steps only
    (:class:`MaskedBatchNorm1d`), and padding is reset to zero after every
    layer, so padded and unpadded rows agree.

    {padding}

    Parameters
    ----------
    {shape}
    dropout : float, default=0.0
        Dropout of the pooled vector and after each hidden layer of the
        head.
    {input}
    n_filters : int, default=16
        Channels of each branch of a module (a module outputs
        ``n_filters * (len(kernel_sizes) + 1)``).
    depth : int, default=3
        Number of inception modules; a residual link spans every three
        (a remainder is appended without one).
    kernel_sizes : sequence of int, default=(19, 9, 5)
        Odd kernel widths of the parallel convolutions.
    bottleneck_channels : int, default=32
        Channels of each module's bottleneck; 0 removes the bottlenecks.

    Attributes
    ----------
    blocks : torch.nn.ModuleList
        The inception modules.
    shortcuts : torch.nn.ModuleList
        One 1x1 convolution and batch norm per residual link.
    head : DenseHead
        Dropout, hidden layers and output layer after pooling.

    Examples
    --------
    >>> import torch
    >>> from skneural.nn import InceptionTime
    >>> net = InceptionTime(n_features_in=1, n_outputs=2, n_filters=8, depth=3)
    >>> X = torch.randn(4, 1, 50)
    >>> X[0, :, 30:] = float("nan")  # row 0 is 30 steps long
    >>> net(X).shape
    torch.Size([4, 2])
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
        n_filters: int = 16,
        depth: int = 3,
        kernel_sizes: Sequence[int] = (19, 9, 5),
        bottleneck_channels: int = 32,
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
        bottleneck_channels = check_int("bottleneck_channels", bottleneck_channels, 0)
        kernel_sizes = tuple(kernel_sizes)
        if not kernel_sizes or any(
            isinstance(k, bool) or not isinstance(k, Integral) or k < 1 or k % 2 == 0
            for k in kernel_sizes
        ):
            raise ValueError(
                f"kernel_sizes must be a non-empty sequence of odd positive integers, "
                f"got {kernel_sizes!r}."
            )
        self.blocks = nn.ModuleList()
        self.shortcuts = nn.ModuleList()
        width = residual_width = self.input.out_channels
        for index in range(depth):
            block = InceptionModule(
                width, n_filters, [int(k) for k in kernel_sizes], bottleneck_channels
            )
            self.blocks.append(block)
            width = block.out_channels
            if index % 3 == 2:
                self.shortcuts.append(_Shortcut(residual_width, width))
                residual_width = width
        self.build_head(width)

    def encode(self, values: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mask = valid_steps(lengths, values.shape[-1])
        keep = mask[:, None].to(values.dtype)
        out = residual = values
        for index, block in enumerate(self.blocks):
            out = block(out, keep)
            if index % 3 == 2:
                out = residual = torch.relu(out + self.shortcuts[index // 3](residual, keep)) * keep
        return masked_mean(out, mask, dim=2)


class _Shortcut(nn.Module):
    """1x1 convolution and batch norm that bring a residual to a module's width."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, 1, bias=False)
        self.norm = MaskedBatchNorm1d(out_channels)

    def forward(self, X: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        return self.norm(self.conv(X), keep)


InceptionTime.__doc__ = InceptionTime.__doc__.format(
    padding=PADDING_DOC, shape=SHAPE_DOC, input=INPUT_DOC
)
