"""Train-time batch augmentations (seeded, on the training device)."""

from ._base import BatchAugmentation, mix_targets
from ._sequence import SequenceAugment

__all__ = ["BatchAugmentation", "SequenceAugment", "mix_targets"]
