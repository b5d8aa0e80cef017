"""An MLP super-network whose sub-networks share weights (ENAS-style weight sharing)."""

from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional

from ._checks import check_int, check_option, check_probability
from ._mlp import ACTIVATIONS, make_activation


class SharedMLP(nn.Module):
    """Every MLP up to ``max_widths`` in one network, sharing weights.

    A sub-network is a depth ``d``, a width ``w_i <= max_widths[i]`` for each
    of its layers, an activation and a dropout rate. Its layer ``i`` uses the
    first ``w_i`` units of the super-network's layer ``i`` (the top-left
    block of its weight matrix), and its output comes from the head of depth
    ``d``, restricted to the first ``w_d`` inputs; so training any
    sub-network trains the weights all the others share. Set ``active``
    before each forward pass to choose the sub-network (the architecture
    search does this for each batch while the super-network trains, and for
    each proposal it scores).

    Parameters
    ----------
    n_features_in : int
        Number of input features.
    n_outputs : int
        Number of outputs.
    max_widths : sequence of int, default=(128, 128)
        The widest layer at each depth; its length is the deepest
        sub-network.
    activations : sequence of str, default=("relu",)
        The activations a sub-network may use (names of ``ACTIVATIONS``).

    Attributes
    ----------
    active : dict
        The sub-network the next forward pass uses: ``hidden_layer_sizes``,
        ``activation`` and ``dropout``; the widest, deepest one, with the
        first activation and no dropout, until it is set.
    """

    def __init__(
        self,
        n_features_in: int,
        n_outputs: int,
        max_widths: Sequence[int] = (128, 128),
        activations: Sequence[str] = ("relu",),
    ):
        super().__init__()
        if len(max_widths) < 1:
            raise ValueError("max_widths needs at least one layer.")
        widths = [check_int("max_widths entry", w, 1) for w in max_widths]
        for name in activations:
            check_option("activation", name, ACTIVATIONS)
        self.max_widths = tuple(widths)
        self.activations = nn.ModuleDict({name: make_activation(name) for name in activations})
        inputs = [n_features_in, *widths[:-1]]
        self.layers = nn.ModuleList(nn.Linear(i, w) for i, w in zip(inputs, widths, strict=True))
        self.heads = nn.ModuleList(nn.Linear(w, n_outputs) for w in widths)
        self.active = {
            "hidden_layer_sizes": self.max_widths,
            "activation": next(iter(self.activations)),
            "dropout": 0.0,
        }

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        sizes = tuple(self.active["hidden_layer_sizes"])
        if not 1 <= len(sizes) <= len(self.layers) or any(
            not 1 <= w <= m for w, m in zip(sizes, self.max_widths, strict=False)
        ):
            raise ValueError(
                f"The active hidden_layer_sizes {sizes} is not a sub-network of "
                f"max_widths {self.max_widths}."
            )
        activation = self.activations[self.active["activation"]]
        dropout = check_probability("dropout", self.active["dropout"])
        hidden, width_in = X, X.shape[1]
        for layer, width in zip(self.layers, sizes, strict=False):
            hidden = functional.linear(hidden, layer.weight[:width, :width_in], layer.bias[:width])
            hidden = functional.dropout(activation(hidden), dropout, self.training)
            width_in = width
        head = self.heads[len(sizes) - 1]
        return functional.linear(hidden, head.weight[:, :width_in], head.bias)
