"""The estimator's ``augmentation=`` applied to training batches.

The training loop hands every training mini-batch (never a validation or
prediction batch) to :class:`BatchAugmenter`, which calls the user's
augmentation with a generator of its own and checks what comes back. The
generator is seeded from the estimator's ``random_state`` and its state goes
into the trainer's checkpoints, so augmented fits stay bit-identical on CPU,
also after a resume.
"""

import torch

from ..augmentation import BatchAugmentation


class BatchAugmenter:
    """Apply an augmentation to training batches with its own generator.

    Parameters
    ----------
    augmentation : BatchAugmentation or callable
        A :class:`~skneural.augmentation.BatchAugmentation` is called as
        ``augmentation(X, y, generator=generator, n_classes=n_classes)`` and
        returns ``(X, y)``; it may mix rows and their targets. Any other
        callable takes the input batch alone, ``augmentation(X) -> X``, and
        draws its randomness from torch's global generator (which the fit
        seeds from ``random_state`` and checkpoints save).
    generator : torch.Generator
        The augmentation's generator, on the training device.
    n_classes : int or None
        Number of classes when the targets are class indices, else ``None``.
    """

    def __init__(self, augmentation, generator: torch.Generator, n_classes=None):
        self.augmentation = augmentation
        self.generator = generator
        self.n_classes = n_classes

    def __call__(self, X: torch.Tensor, y: torch.Tensor):
        """The augmented batch ``(X, y)``; ``y`` may become soft targets."""
        with torch.no_grad():
            if isinstance(self.augmentation, BatchAugmentation):
                result = self.augmentation(X, y, generator=self.generator, n_classes=self.n_classes)
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise TypeError(
                        f"{type(self.augmentation).__name__}.__call__ must return a pair "
                        f"(X, y) of tensors, got {type(result).__name__}."
                    )
                X_new, y_new = result
            else:
                X_new, y_new = self.augmentation(X), y
        _check_batch(self.augmentation, X, X_new, y, y_new)
        return X_new, y_new

    def state_dict(self) -> dict:
        """The generator's state (a tensor), for checkpoints."""
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict) -> None:
        self.generator.set_state(state["generator"])


def _check_batch(augmentation, X, X_new, y, y_new) -> None:
    """Raise a clear error unless the augmented batch can go into the network."""
    name = getattr(augmentation, "__qualname__", type(augmentation).__name__)
    if not isinstance(X_new, torch.Tensor):
        raise TypeError(
            f"The augmentation {name} must return a torch.Tensor batch, got {type(X_new).__name__}."
        )
    if X_new.shape[0] != X.shape[0] or X_new.dtype != X.dtype or X_new.device != X.device:
        raise ValueError(
            f"The augmentation {name} must keep the batch's rows, dtype and device: it got "
            f"{tuple(X.shape)} {X.dtype} on {X.device} and returned "
            f"{tuple(X_new.shape)} {X_new.dtype} on {X_new.device}."
        )
    if not isinstance(y_new, torch.Tensor) or y_new.shape[0] != y.shape[0]:
        shape = tuple(y_new.shape) if isinstance(y_new, torch.Tensor) else type(y_new).__name__
        raise ValueError(
            f"The augmentation {name} must return one target per row: the batch has "
            f"{y.shape[0]} rows but the targets returned have shape {shape}."
        )
