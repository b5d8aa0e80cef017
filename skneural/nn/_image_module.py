"""What the built-in image modules share: the input contract and its checks.

An image module takes a float batch of shape ``(n, C, H, W)``. Its number of
channels ``C`` is fixed when it is built, from ``n_features_in`` (what the
estimators pass: ``X.shape[1]``, which is ``C`` for an image array) or from
``input_shape=(C, H, W)``; its height and width are free above a minimum,
because the network ends in global average pooling.
"""

from collections.abc import Sequence

import torch

from ._checks import check_int
from ._head import FineTunableModule


def check_channels(channels, name: str = "channels") -> tuple[int, ...]:
    """Return ``channels`` as a non-empty tuple of positive ints, or raise.

    Parameters
    ----------
    channels : sequence of int
        Output channels of each stage.
    name : str, default="channels"
        Parameter name shown in the error.

    Returns
    -------
    tuple of int
    """
    if isinstance(channels, str) or not isinstance(channels, Sequence) or len(channels) == 0:
        raise ValueError(
            f"{name} must be a non-empty sequence of positive integers, got {channels!r}."
        )
    return tuple(check_int(f"each entry of {name}", c, 1) for c in channels)


def resolve_in_channels(n_features_in, input_shape) -> tuple[int, tuple[int, int, int] | None]:
    """The number of input channels given ``n_features_in`` and/or ``input_shape``.

    Parameters
    ----------
    n_features_in : int or None
        Number of input channels ``C``.
    input_shape : sequence of 3 int or None
        ``(C, H, W)`` of one image.

    Returns
    -------
    in_channels : int
    input_shape : tuple of 3 int or None
        ``input_shape`` checked, as a tuple.
    """
    if input_shape is not None:
        if isinstance(input_shape, str) or not isinstance(input_shape, Sequence):
            raise ValueError(f"input_shape must be a (C, H, W) tuple, got {input_shape!r}.")
        if len(input_shape) != 3:
            raise ValueError(
                f"input_shape must be (C, H, W) with 3 entries, got {tuple(input_shape)!r}."
            )
        input_shape = tuple(check_int("each entry of input_shape", s, 1) for s in input_shape)
    if n_features_in is None:
        if input_shape is None:
            raise ValueError(
                "An image module needs its number of input channels: pass "
                "n_features_in=C or input_shape=(C, H, W)."
            )
        return input_shape[0], input_shape
    in_channels = check_int("n_features_in (the number of input channels)", n_features_in, 1)
    if input_shape is not None and input_shape[0] != in_channels:
        raise ValueError(
            f"n_features_in={in_channels} (the number of input channels) does not match "
            f"input_shape={input_shape}, whose first entry is the number of channels."
        )
    return in_channels, input_shape


class ImageModule(FineTunableModule):
    """Base of the built-in image modules: input checks shared by all of them.

    Subclasses set ``in_channels`` and ``min_size`` (the smallest height and
    width they accept) and call :meth:`check_input` first in ``forward``.
    ``input_kind = "image"`` tells the estimators to read ``X`` as images
    for a module of this kind (also one passed as a callable, such as a
    fine-tuning backbone).
    """

    input_kind = "image"
    in_channels: int
    min_size: int

    def check_input(self, X: torch.Tensor) -> None:
        """Raise a ``ValueError`` unless ``X`` is an ``(n, C, H, W)`` batch this module takes.

        Parameters
        ----------
        X : torch.Tensor
        """
        if X.ndim != 4 or X.shape[1] != self.in_channels:
            raise ValueError(
                f"{type(self).__name__} expected input of shape (n, C, H, W) with "
                f"C={self.in_channels}, got shape {tuple(X.shape)}."
            )
        if X.shape[2] < self.min_size or X.shape[3] < self.min_size:
            raise ValueError(
                f"{type(self).__name__} needs images of at least {self.min_size}x"
                f"{self.min_size} pixels, got {X.shape[2]}x{X.shape[3]}."
            )

    def check_input_shape(self, input_shape) -> None:
        """Raise at construction when ``input_shape`` is smaller than ``min_size``."""
        if input_shape is not None and min(input_shape[1:]) < self.min_size:
            raise ValueError(
                f"{type(self).__name__} needs images of at least {self.min_size}x"
                f"{self.min_size} pixels, got input_shape={input_shape}."
            )
