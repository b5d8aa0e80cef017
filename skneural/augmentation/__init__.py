"""Train-time batch augmentations (seeded, on the training device)."""

from ._base import BatchAugmentation, mix_targets
from ._image import ImageAugment
from ._tta import tta_views

__all__ = ["BatchAugmentation", "ImageAugment", "mix_targets", "tta_views"]
