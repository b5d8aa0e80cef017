"""The contract of train-time batch augmentations, and target mixing.

An augmentation runs inside the training loop on each mini-batch, on the
training device, after the input layer has made the batch network-ready. It
draws every random number from the ``torch.Generator`` it is given (seeded
from the estimator's ``random_state``), never from torch's global generator,
so fits stay bit-identical on CPU and a resumed checkpoint replays the same
augmentations. It never runs at predict time, except through test-time
augmentation, which asks for input-only views (:meth:`augment_inputs`).
"""

import torch
from sklearn.base import BaseEstimator


class BatchAugmentation(BaseEstimator):
    """Base class of skneural's batch augmentations.

    Subclasses are scikit-learn estimators for their settings only (so
    ``augmentation__<setting>`` is searchable) and implement:

    - :meth:`augment_inputs` ``(X, generator) -> X``: transforms of the inputs
      alone (flips, crops, jitter, ...), used for training batches and for
      test-time augmentation views;
    - optionally :meth:`mix` ``(X, y, generator, n_classes) -> (X, y)``:
      transforms that combine rows and their targets (mixup, cutmix), used for
      training batches only.

    The training loop calls the augmentation itself, ``augmentation(X, y,
    generator=..., n_classes=...)``, which applies both.

    Targets reach an augmentation as the loss sees them: ``int64`` class
    indices of shape ``(n,)`` for single-label classifiers (``n_classes`` is
    then the number of classes), float 0/1 labels of shape ``(n,)`` for a
    binary sigmoid output, a float indicator matrix for multilabel targets,
    and float values of shape ``(n, n_outputs)`` for regressors
    (``n_classes`` is ``None`` for all float targets). A transform that mixes
    rows returns class indices as a float class-probability matrix of shape
    ``(n, n_classes)``, which the cross-entropy losses accept as soft targets.

    Subclasses may declare ``_parameter_constraints`` (scikit-learn's table);
    the estimators check it when a fit starts.
    """

    _parameter_constraints: dict = {}

    def check_input_layer(self, layer) -> None:
        """Raise a clear error if this augmentation cannot transform the
        tensors of an estimator's fitted input layer (nothing here).

        Called once per fit, before training, with the estimator's
        ``input_layer_`` (see :class:`skneural.data.InputLayer`).
        """

    def augment_inputs(self, X: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Input-only transforms of one batch (identity here).

        Parameters
        ----------
        X : torch.Tensor
            A network-ready batch on the training device.
        generator : torch.Generator
            The only source of randomness, on ``X``'s device.

        Returns
        -------
        torch.Tensor
            The transformed batch, same shape and dtype as ``X``.
        """
        return X

    def augment_view(self, X: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Input-only transforms with one random draw shared by every row.

        A test-time augmentation view: each row gets the transform a batch
        of that row alone would get, so a row's view never depends on the
        rows beside it. This default augments the rows one by one from the
        same generator state (subclasses vectorise it), and leaves the
        generator where one row's draws leave it, whatever the batch size.

        Parameters
        ----------
        X : torch.Tensor
            A network-ready batch.
        generator : torch.Generator
            The only source of randomness, on ``X``'s device.

        Returns
        -------
        torch.Tensor
            The transformed batch, same shape and dtype as ``X``.
        """
        state = generator.get_state()
        rows = []
        for row in range(len(X)):
            generator.set_state(state)
            rows.append(self.augment_inputs(X[row : row + 1], generator))
        return torch.cat(rows) if rows else X

    def mix(self, X, y, generator, n_classes=None):
        """Row-mixing transforms of one training batch (none here).

        Parameters
        ----------
        X : torch.Tensor
            The batch after :meth:`augment_inputs`.
        y : torch.Tensor
            Its targets (see the class docstring for their layouts).
        generator : torch.Generator
            The only source of randomness, on ``X``'s device.
        n_classes : int or None
            Number of classes when ``y`` holds class indices.

        Returns
        -------
        X, y : torch.Tensor
        """
        return X, y

    def __call__(self, X, y, *, generator, n_classes=None):
        """Augment one training batch: input transforms, then row mixing."""
        return self.mix(self.augment_inputs(X, generator), y, generator, n_classes)


def check_generator(generator, X: torch.Tensor) -> None:
    """Raise unless ``generator`` is a ``torch.Generator`` on ``X``'s device type."""
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}.")
    if generator.device.type != X.device.type:
        raise ValueError(
            f"The generator is on {generator.device} but the batch is on {X.device}; "
            "draw from a generator on the batch's device."
        )


def beta_draws(alpha: float, n: int, like: torch.Tensor, generator) -> torch.Tensor:
    """``n`` draws from Beta(alpha, alpha), as the ratio of two Gamma(alpha) draws.

    ``torch.distributions`` draws from torch's global generator; its gamma
    kernel, ``torch._standard_gamma``, takes ours.
    """
    concentration = torch.full((2, n), alpha, dtype=like.dtype, device=like.device)
    gamma = torch._standard_gamma(concentration, generator=generator)
    # Both draws underflow to 0 only for tiny alpha; either side is then right.
    return (gamma[0] / (gamma[0] + gamma[1])).nan_to_num(0.5)


def mix_targets(y: torch.Tensor, partner: torch.Tensor, weight, n_classes=None) -> torch.Tensor:
    """``weight * y + (1 - weight) * y[partner]``, with class indices made soft.

    Parameters
    ----------
    y : torch.Tensor
        Targets of the batch (see :class:`BatchAugmentation` for layouts).
    partner : torch.Tensor of int64, shape (n,)
        The row each row is mixed with.
    weight : float or torch.Tensor of shape (n,)
        Share of each row's own target.
    n_classes : int or None
        Number of classes when ``y`` holds class indices (integer dtype).

    Returns
    -------
    torch.Tensor
        Float targets: a class-probability matrix ``(n, n_classes)`` for class
        indices, else the layout of ``y``.
    """
    if not torch.is_floating_point(y):
        if n_classes is None:
            raise ValueError("Mixing class-index targets needs n_classes.")
        y = torch.nn.functional.one_hot(y, n_classes).to(torch.float32)
    weight = torch.as_tensor(weight, dtype=y.dtype, device=y.device)
    if weight.ndim == 1 and y.ndim == 2:
        weight = weight[:, None]
    return weight * y + (1 - weight) * y[partner]
