"""Train-time batch augmentations (seeded, on the training device)."""

from ._base import BatchAugmentation, mix_targets
from ._image import ImageAugment
from ._sequence import SequenceAugment
from ._tta import tta_views

__all__ = ["BatchAugmentation", "ImageAugment", "SequenceAugment", "mix_targets", "tta_views"]
