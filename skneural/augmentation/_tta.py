"""Test-time augmentation: several input-only views of a batch to average predictions over."""

from collections.abc import Iterator
from numbers import Integral

import torch

from ._base import BatchAugmentation


def tta_views(
    augmentation: BatchAugmentation,
    X: torch.Tensor,
    n_views: int,
    generator: torch.Generator,
    *,
    shared_draws: bool = False,
) -> Iterator[torch.Tensor]:
    """Iterate over ``n_views`` views of a batch: ``X`` itself, then augmented copies.

    The augmented views come from ``augmentation.augment_inputs`` (flips,
    warps, ...; never row mixing, which would blend test rows), or from
    ``augmentation.augment_view`` with ``shared_draws=True``. Averaging a
    model's predicted probabilities over the views is test-time augmentation.
    Views are made one at a time, so only one is in memory besides ``X``.

    Parameters
    ----------
    augmentation : BatchAugmentation
        The augmentation the model was trained with, or a milder one.
    X : torch.Tensor
        A network-ready batch.
    n_views : int
        Number of views, at least 1; the first is ``X`` unchanged.
    generator : torch.Generator
        The only source of randomness, on ``X``'s device.
    shared_draws : bool, default=False
        Give every row of a view the same random transform
        (``augmentation.augment_view``), so that a row's views do not depend
        on the other rows of ``X``: what predictions need. By default each
        row draws its own (``augmentation.augment_inputs``).

    Returns
    -------
    iterator of torch.Tensor
        The views, each with the shape and dtype of ``X``.

    Examples
    --------
    >>> import torch
    >>> from skneural.augmentation import ImageAugment, tta_views
    >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 3))
    >>> X = torch.rand(5, 1, 8, 8)
    >>> views = tta_views(ImageAugment(), X, n_views=4, generator=torch.Generator().manual_seed(0))
    >>> proba = torch.stack([net(view).softmax(dim=1) for view in views]).mean(dim=0)
    >>> proba.shape
    torch.Size([5, 3])
    """
    if isinstance(n_views, bool) or not isinstance(n_views, Integral) or n_views < 1:
        raise ValueError(f"n_views must be an integer >= 1, got {n_views!r}.")
    if not isinstance(augmentation, BatchAugmentation):
        raise TypeError(
            "augmentation must be a skneural BatchAugmentation (such as ImageAugment), "
            f"got {type(augmentation).__name__}."
        )
    augment = augmentation.augment_view if shared_draws else augmentation.augment_inputs
    return _views(augment, X, n_views, generator)


def _views(augment, X, n_views, generator):
    yield X
    for _ in range(n_views - 1):
        yield augment(X, generator)
