"""Splitting data for model selection."""

from ._split import train_val_test_split

__all__ = ["train_val_test_split"]
