"""Recurrent sequence modules: GRU and LSTM, exact under padding in both directions."""

from collections.abc import Sequence

import torch
from torch import nn

from ._checks import check_int, check_option
from ._sequence_base import (
    INPUT_DOC,
    PADDING_DOC,
    PATCH_DOC,
    SHAPE_DOC,
    AttentionPooling,
    SequenceModule,
    gather_step,
    masked_mean,
    to_patches,
    valid_steps,
)

POOLINGS = ("last", "mean", "attention")


def reverse_valid(values: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse the first ``lengths[i]`` steps of each row of ``values`` ``(n, T, D)``.

    Padding steps stay where they are, so the function is its own inverse,
    and a forward pass over the result is a backward pass over each row's
    valid part that never sees the padding.
    """
    steps = torch.arange(values.shape[1], device=values.device)
    index = lengths[:, None] - 1 - steps
    index = torch.where(index >= 0, index, steps)
    return values.gather(1, index[..., None].expand_as(values))


class RecurrentNetwork(SequenceModule):
    """Stacked recurrent layers, pooling and a dense head; subclasses set ``cell``.

    See :class:`GRUNet` and :class:`LSTMNet` for the parameters.
    """

    cell: type[nn.Module]

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
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = True,
        pooling: str = "mean",
        patch_size: int = 4,
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
        self.hidden_size = check_int("hidden_size", hidden_size, 1)
        num_layers = check_int("num_layers", num_layers, 1)
        check_option("pooling", pooling, POOLINGS)
        self.pooling = pooling
        self.patch_size = check_int("patch_size", patch_size, 1)
        self.bidirectional = bool(bidirectional)
        n_directions = 2 if self.bidirectional else 1
        width = self.input.out_channels * self.patch_size
        self.layers = nn.ModuleList()
        for _ in range(num_layers):
            cells = (
                self.cell(width, self.hidden_size, batch_first=True) for _ in range(n_directions)
            )
            self.layers.append(nn.ModuleList(cells))
            width = self.hidden_size * n_directions
        self.between_layers = nn.Dropout(self.head_params["dropout"])
        self.attention = AttentionPooling(width) if pooling == "attention" else None
        self.build_head(width)

    def encode(self, values: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        patches, lengths = to_patches(values, lengths, self.patch_size)
        steps = patches.transpose(1, 2)
        for depth, cells in enumerate(self.layers):
            if depth:
                steps = self.between_layers(steps)
            outputs = [cells[0](steps)[0]]
            if self.bidirectional:
                backward = cells[1](reverse_valid(steps, lengths))[0]
                outputs.append(reverse_valid(backward, lengths))
            steps = torch.cat(outputs, dim=-1)
        if self.pooling == "last":
            last = gather_step(steps[..., : self.hidden_size], lengths - 1)
            if not self.bidirectional:
                return last
            return torch.cat([last, steps[:, 0, self.hidden_size :]], dim=-1)
        mask = valid_steps(lengths, steps.shape[1])
        if self.pooling == "mean":
            return masked_mean(steps, mask, dim=1)
        return self.attention(steps, mask)


class GRUNet(RecurrentNetwork):
    cell = nn.GRU


class LSTMNet(RecurrentNetwork):
    cell = nn.LSTM


_DOC = """{title}

    Each layer runs {cell} forwards over the steps and, when bidirectional,
    a second one backwards over each row's valid part (the row is reversed
    up to its length, so padding never enters the backward state); the two
    outputs are concatenated per step. A forward cell only looks back, so
    padding at the end never reaches a valid step either. The batch goes
    through the fused ``torch.nn`` kernels as one padded tensor, which on a
    CPU measured 2 to 3 times faster than ``pack_padded_sequence``.

    {padding}

    Parameters
    ----------
    {shape}
    dropout : float, default=0.0
        Dropout between recurrent layers, of the pooled vector and after
        each hidden layer of the head.
    {input}
    hidden_size : int, default=64
        Units of each cell (per direction).
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=True
        Add a backward cell to every layer.
    pooling : {{"last", "mean", "attention"}}, default="mean"
        How the last layer's steps become one vector per row: ``"last"``
        takes the forward output at the row's last valid step (and, when
        bidirectional, the backward output at step 0, which has read the
        whole row); ``"mean"`` averages the valid steps; ``"attention"``
        weights them by learned scores (:class:`AttentionPooling`).
    {patch} With patches of 4 steps the cells learned a
        series of 150 steps (GunPoint) that they did not learn step by
        step, at a quarter of the cost; 1 feeds them one step at a time.

    Attributes
    ----------
    layers : torch.nn.ModuleList
        Per layer, a ``ModuleList`` of its cells (forward, then backward).
    head : DenseHead
        Dropout, hidden layers and output layer after pooling.

    Examples
    --------
    >>> import torch
    >>> from skneural.nn import {name}
    >>> net = {name}(n_features_in=2, n_outputs=3, hidden_size=16)
    >>> X = torch.randn(4, 2, 30)
    >>> X[0, :, 20:] = float("nan")  # row 0 is 20 steps long
    >>> net(X).shape
    torch.Size([4, 3])
    """


def _document(cls, title: str) -> None:
    cls.__doc__ = _DOC.format(
        title=f"{title} over the time steps, pooling and a dense head.",
        cell=f"a ``torch.nn.{cls.cell.__name__}``",
        name=cls.__name__,
        padding=PADDING_DOC,
        shape=SHAPE_DOC,
        input=INPUT_DOC,
        patch=PATCH_DOC.format(default=4),
    )


_document(GRUNet, "Gated recurrent units (GRU)")
_document(LSTMNet, "Long short-term memory (LSTM)")
