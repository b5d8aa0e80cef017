"""Train-time batch augmentations (seeded, on the training device)."""

from ._base import BatchAugmentation, mix_targets

__all__ = ["BatchAugmentation", "mix_targets"]
