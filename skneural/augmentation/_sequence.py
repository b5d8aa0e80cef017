"""Train-time augmentation of sequence batches ``(n, C, T)``, NaN-padded at the end."""

import math
from numbers import Integral, Real

import torch

from ..nn import sequence_lengths
from ..utils._sklearn_compat import Interval
from ._base import BatchAugmentation, beta_draws, check_generator, mix_targets

LAYOUT = "(n_samples, n_channels, n_timesteps)"
#: Largest standard deviation of the log-normal factors and speeds: exp(5 *
#: 8 sigma) stays far inside float32, while 0.05-0.5 are the useful range.
MAX_LOG_SIGMA = 5.0


class SequenceAugment(BatchAugmentation):
    """Random transforms of time-series (or token) batches, on the training device.

    Each transform with a non-zero strength is applied to each row with
    probability ``probability``, independently, in this order:

    1. ``time_warp``: the time axis is resampled along a smooth, strictly
       increasing random curve (speeds drawn log-normally at ``n_knots``
       knots), so parts of the row are stretched and others compressed;
       its first and last steps stay in place.
    2. ``crop``: a window of ``crop`` times the row's length, at a random
       place, is stretched back to the full length (window slicing).
    3. ``magnitude_warp``: each channel is multiplied by a smooth random
       curve around 1 (log-normal knots).
    4. ``scaling``: each channel is multiplied by one random factor,
       ``exp(N(0, scaling))``.
    5. ``jitter``: Gaussian noise of standard deviation ``jitter`` is added.
    6. ``cutout``: a random window of ``cutout`` times the row's length is
       set to 0 (the channel mean of standardised inputs).
    7. ``mixup`` (training batches only, in :meth:`mix`): rows are mixed
       with a random partner, ``lam * x_i + (1 - lam) * x_j`` with ``lam``
       drawn from ``Beta(mixup, mixup)``, and so are their targets
       (:func:`mix_targets`).

    Every transform works on each row's valid part: padding (the NaN steps
    at the end of shorter rows) stays NaN and never leaks into valid steps;
    warps and crops are relative to each row's own length. The transforms
    are vectorised over the batch, run on its device, and draw every random
    number from the generator passed in, so a seeded fit repeats them
    exactly and torch's global random state is left alone. A NaN inside a
    row (a missing value) stays NaN under scaling, jitter and magnitude
    warping, and is interpolated as 0 (the value the modules read) by time
    warping and cropping. In ``mix`` the partner's padding counts as 0, and
    each row keeps its own length.

    With ``tokens=True`` the batch ``(n, 1, T)`` holds token ids: only token
    masking applies (each valid token of a row picked with ``probability``
    is replaced with probability ``token_masking``, by ``mask_token`` or,
    when that is None, by a random id below ``vocab_size``); the numeric
    transforms and mixup are ignored.

    Parameters
    ----------
    probability : float in [0, 1], default=0.5
        Chance that each transform is applied to a given row; 0 turns the
        augmentation off.
    jitter : float >= 0, default=0.03
        Standard deviation of the added noise.
    scaling : float in [0, 5], default=0.1
        Standard deviation of the logarithm of the per-channel factor.
    magnitude_warp : float in [0, 5], default=0.0
        Standard deviation of the logarithm of the curve's knots.
    time_warp : float in [0, 5], default=0.0
        Standard deviation of the logarithm of the speeds at the knots.
    n_knots : int >= 1, default=4
        Knots of the magnitude and time warping curves (inside the row;
        its ends have knots of their own).
    crop : float in (0, 1], default=1.0
        Share of the row's length kept by cropping; 1 turns it off.
    cutout : float in [0, 1), default=0.0
        Share of the row's length set to 0; 0 turns it off.
    mixup : float >= 0, default=0.0
        Parameter of the Beta distribution of the mixing weight; 0 turns
        mixup off, 0.2 to 0.4 are common choices.
    tokens : bool, default=False
        The batch holds token ids: apply token masking only.
    token_masking : float in [0, 1], default=0.15
        Share of a picked row's tokens replaced (with ``tokens=True``).
    mask_token : int or None, default=None
        The id that replaces masked tokens; None replaces them by random
        ids, which needs ``vocab_size``.
    vocab_size : int or None, default=None
        Number of token ids, for random replacements.

    See Also
    --------
    skneural.augmentation.BatchAugmentation : The contract of augmentations.

    Examples
    --------
    >>> import torch
    >>> from skneural.augmentation import SequenceAugment
    >>> X = torch.randn(4, 2, 30)
    >>> X[0, :, 20:] = float("nan")  # row 0 is 20 steps long
    >>> y = torch.tensor([0, 1, 2, 1])
    >>> augment = SequenceAugment(time_warp=0.2, mixup=0.4)
    >>> X_aug, y_aug = augment(X, y, generator=torch.Generator().manual_seed(0), n_classes=3)
    >>> X_aug.shape, y_aug.shape  # targets became class probabilities
    (torch.Size([4, 2, 30]), torch.Size([4, 3]))
    >>> bool(X_aug[0, :, 20:].isnan().all()), bool(X_aug[0, :, :20].isnan().any())
    (True, False)
    """

    _parameter_constraints: dict = {
        "probability": [Interval(Real, 0, 1, closed="both")],
        "jitter": [Interval(Real, 0, None, closed="left")],
        "scaling": [Interval(Real, 0, MAX_LOG_SIGMA, closed="both")],
        "magnitude_warp": [Interval(Real, 0, MAX_LOG_SIGMA, closed="both")],
        "time_warp": [Interval(Real, 0, MAX_LOG_SIGMA, closed="both")],
        "n_knots": [Interval(Integral, 1, None, closed="left")],
        "crop": [Interval(Real, 0, 1, closed="right")],
        "cutout": [Interval(Real, 0, 1, closed="left")],
        "mixup": [Interval(Real, 0, None, closed="left")],
        "tokens": ["boolean"],
        "token_masking": [Interval(Real, 0, 1, closed="both")],
        "mask_token": [Interval(Integral, 0, None, closed="left"), None],
        "vocab_size": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        *,
        probability: float = 0.5,
        jitter: float = 0.03,
        scaling: float = 0.1,
        magnitude_warp: float = 0.0,
        time_warp: float = 0.0,
        n_knots: int = 4,
        crop: float = 1.0,
        cutout: float = 0.0,
        mixup: float = 0.0,
        tokens: bool = False,
        token_masking: float = 0.15,
        mask_token: int | None = None,
        vocab_size: int | None = None,
    ):
        self.probability = probability
        self.jitter = jitter
        self.scaling = scaling
        self.magnitude_warp = magnitude_warp
        self.time_warp = time_warp
        self.n_knots = n_knots
        self.crop = crop
        self.cutout = cutout
        self.mixup = mixup
        self.tokens = tokens
        self.token_masking = token_masking
        self.mask_token = mask_token
        self.vocab_size = vocab_size

    def augment_inputs(self, X: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Apply the input transforms to a batch ``(n, C, T)``.

        Parameters
        ----------
        X : torch.Tensor of shape (n, C, T)
            A float batch, NaN-padded at the end.
        generator : torch.Generator
            The only source of randomness, on ``X``'s device.

        Returns
        -------
        torch.Tensor
            The transformed batch, same shape and dtype; padding stays NaN.
        """
        self._check(X, generator)
        if self.probability == 0:
            return X
        draw = _Draw(generator, X.device)
        lengths = sequence_lengths(X).clamp_min(1)
        if self.tokens:
            return self._mask_tokens(X, lengths, draw) if self.token_masking > 0 else X
        n, n_channels, n_steps = X.shape
        steps = torch.arange(n_steps, device=X.device)
        padding = (steps >= lengths[:, None])[:, None]
        if self.time_warp > 0:
            speeds = _smooth_curve(draw, n, 1, self.n_knots, self.time_warp, lengths, n_steps)
            speeds = speeds[:, 0].masked_fill(padding[:, 0], 0.0)
            elapsed = torch.cumsum(speeds, dim=1) - speeds  # 0 at step 0, strictly increasing
            total = elapsed.gather(1, lengths[:, None] - 1).clamp_min(torch.finfo(X.dtype).tiny)
            positions = elapsed * ((lengths[:, None] - 1) / total)
            X = self._where_applied(draw, _resample(X, positions, lengths, padding), X)
        if self.crop < 1:
            kept = torch.clamp(torch.round(self.crop * lengths), min=1)
            start = torch.floor(draw.uniform(n) * (lengths - kept + 1))
            stretch = (kept - 1) / (lengths - 1).clamp_min(1)
            positions = start[:, None] + steps * stretch[:, None]
            X = self._where_applied(draw, _resample(X, positions, lengths, padding), X)
        if self.magnitude_warp > 0:
            curve = _smooth_curve(
                draw, n, n_channels, self.n_knots, self.magnitude_warp, lengths, n_steps
            )
            X = self._where_applied(draw, X * curve, X)
        if self.scaling > 0:
            factors = torch.exp(self.scaling * draw.normal(n, n_channels, 1))
            X = self._where_applied(draw, X * factors, X)
        if self.jitter > 0:
            X = self._where_applied(draw, X + self.jitter * draw.normal(*X.shape), X)
        if self.cutout > 0:
            width = torch.clamp(torch.round(self.cutout * lengths), min=1)
            start = torch.floor(draw.uniform(n) * (lengths - width + 1))
            window = (steps >= start[:, None]) & (steps < (start + width)[:, None])
            X = self._where_applied(draw, X.masked_fill(window[:, None], 0.0), X)
        return X

    def augment_view(self, X: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """The input transforms with one random draw shared by every row.

        Each row is transformed as that row alone, cut to its own length,
        would be: a row's view depends neither on the rows beside it nor on
        how much padding the batch gives it.

        Parameters
        ----------
        X : torch.Tensor of shape (n, C, T)
            A float batch, NaN-padded at the end.
        generator : torch.Generator
            The only source of randomness, on ``X``'s device; it advances by
            one draw whatever ``X``.

        Returns
        -------
        torch.Tensor
            The transformed batch, same shape and dtype; padding stays NaN.
        """
        self._check(X, generator)
        seed = int(torch.randint(2**62, (1,), generator=generator, device=X.device))
        row_generator = torch.Generator(device=X.device)
        view = X.clone()
        for row, length in enumerate(sequence_lengths(X).clamp_min(1).tolist()):
            row_generator.manual_seed(seed)
            view[row, :, :length] = self.augment_inputs(
                X[row : row + 1, :, :length], row_generator
            )[0]
        return view

    def mix(self, X, y, generator, n_classes=None):
        """Mixup of a training batch and its targets (identity when ``mixup=0``).

        Parameters
        ----------
        X : torch.Tensor of shape (n, C, T)
            The batch after :meth:`augment_inputs`.
        y : torch.Tensor
            Its targets (see :class:`BatchAugmentation` for their layouts).
        generator : torch.Generator
            The only source of randomness, on ``X``'s device.
        n_classes : int or None
            Number of classes when ``y`` holds class indices.

        Returns
        -------
        X, y : torch.Tensor
            Mixed inputs (each row keeps its padding) and float targets.
        """
        self._check(X, generator)
        if self.mixup == 0 or self.probability == 0 or self.tokens:
            return X, y
        draw = _Draw(generator, X.device)
        n = X.shape[0]
        partner = torch.randperm(n, generator=generator, device=X.device)
        weight = beta_draws(self.mixup, n, X, generator)
        weight = torch.where(draw.uniform(n) < self.probability, weight, torch.ones_like(weight))
        mixed = weight[:, None, None] * X + (1 - weight[:, None, None]) * torch.nan_to_num(
            X[partner], nan=0.0
        )
        return mixed, mix_targets(y, partner, weight, n_classes)

    def check_input_layer(self, layer) -> None:
        """Sequences only (arrays, lists or a ``Dataset`` of ``(C, T)``
        samples); token ids (``module_params["vocab_size"]``) need
        ``tokens=True`` with ids inside the vocabulary, and ``tokens=True``
        needs token ids."""
        if not _reads_sequences(layer):
            raise ValueError(
                "SequenceAugment transforms sequence batches (n_samples, n_channels, "
                f"n_timesteps), but the estimator reads X as {getattr(layer, 'kind', '?')} "
                "inputs: choose a sequence module (module='gru', 'inception_time', ...)."
            )
        vocab_size = getattr(layer, "vocab_size", None)
        if vocab_size is not None and not self.tokens:
            raise ValueError(
                f"The inputs are token ids (module_params['vocab_size']={vocab_size}), which "
                "jitter, scaling and warping would turn into non-ids: use "
                f"SequenceAugment(tokens=True, vocab_size={vocab_size}) for token masking."
            )
        if vocab_size is None and self.tokens:
            raise ValueError(
                "SequenceAugment(tokens=True) masks token ids, but the inputs are float "
                "sequences: set module_params={'vocab_size': ...} for token inputs, or "
                "tokens=False."
            )
        if vocab_size is None:
            return
        for name, largest_id in (
            ("mask_token", self.mask_token),
            ("vocab_size", None if self.vocab_size is None else self.vocab_size - 1),
        ):
            if largest_id is not None and largest_id >= vocab_size:
                value = getattr(self, name)
                raise ValueError(
                    f"SequenceAugment({name}={value}) would put ids the network cannot read "
                    f"into the batches: its vocabulary has ids 0 to {vocab_size - 1} "
                    "(module_params['vocab_size'])."
                )

    def _check(self, X: torch.Tensor, generator) -> None:
        self._validate_params()
        if not isinstance(X, torch.Tensor):
            raise TypeError(f"SequenceAugment expects a torch.Tensor, got {type(X).__name__}.")
        if X.ndim != 3:
            raise ValueError(
                f"SequenceAugment expects a batch of shape {LAYOUT}, got shape {tuple(X.shape)}."
            )
        if self.tokens:
            if X.shape[1] != 1:
                raise ValueError(
                    "With tokens=True the batch holds token ids, shape (n_samples, 1, "
                    f"n_timesteps); got shape {tuple(X.shape)}."
                )
            if self.mask_token is None and self.vocab_size is None:
                raise ValueError(
                    "Token masking needs mask_token (the id that replaces tokens) or "
                    "vocab_size (to draw random ids); both are None."
                )
            if self.mask_token is not None and self.vocab_size is not None:
                if self.mask_token >= self.vocab_size:
                    raise ValueError(
                        f"mask_token={self.mask_token} is not a valid id for "
                        f"vocab_size={self.vocab_size}."
                    )
        elif not torch.is_floating_point(X):
            raise TypeError(f"SequenceAugment expects a float batch, got {X.dtype}.")
        check_generator(generator, X)

    def _where_applied(self, draw, transformed: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
        """``transformed`` on the rows picked with ``probability``, ``X`` elsewhere."""
        picked = draw.uniform(X.shape[0]) < self.probability
        return torch.where(picked[:, None, None], transformed, X)

    def _mask_tokens(self, X, lengths, draw):
        n, _, n_steps = X.shape
        steps = torch.arange(n_steps, device=X.device)
        masked = draw.uniform(n, n_steps) < self.token_masking
        masked &= (steps < lengths[:, None]) & ~torch.isnan(X[:, 0])
        masked &= (draw.uniform(n) < self.probability)[:, None]
        if self.mask_token is None:
            replacement = draw.integers(self.vocab_size, n, n_steps).to(X.dtype)
        else:
            replacement = torch.full_like(X[:, 0], float(self.mask_token))
        return torch.where(masked, replacement, X[:, 0])[:, None]


def _reads_sequences(layer) -> bool:
    """Whether an input layer makes ``(n, C, T)`` batches."""
    if getattr(layer, "kind", None) == "dataset":
        return len(getattr(layer, "sample_shape_", ())) == 2
    return getattr(layer, "kind", None) == "sequence"


class _Draw:
    """Random draws from one generator, on one device."""

    def __init__(self, generator: torch.Generator, device):
        self.generator = generator
        self.device = device

    def uniform(self, *shape) -> torch.Tensor:
        return torch.rand(shape, generator=self.generator, device=self.device)

    def normal(self, *shape) -> torch.Tensor:
        return torch.randn(shape, generator=self.generator, device=self.device)

    def integers(self, high: int, *shape) -> torch.Tensor:
        return torch.randint(high, shape, generator=self.generator, device=self.device)


def _smooth_curve(draw, n_rows, n_curves, n_knots, sigma, lengths, n_steps) -> torch.Tensor:
    """Smooth positive random curves ``(n_rows, n_curves, n_steps)``.

    Knot values ``exp(N(0, sigma))`` sit at ``n_knots + 2`` evenly spaced
    places from each row's first to its last valid step; between knots the
    curve follows a cosine ease (continuous, with a continuous slope).
    """
    knots = torch.exp(sigma * draw.normal(n_rows, n_curves, n_knots + 2))
    steps = torch.arange(n_steps, device=lengths.device)
    where = steps / (lengths[:, None] - 1).clamp_min(1) * (n_knots + 1)
    where = where.clamp(max=n_knots + 1)
    left = where.floor().long().clamp(max=n_knots)
    ease = ((1 - torch.cos(math.pi * (where - left))) / 2)[:, None].to(knots.dtype)
    left = left[:, None].expand(n_rows, n_curves, n_steps)
    before, after = knots.gather(2, left), knots.gather(2, left + 1)
    return before + (after - before) * ease


def _resample(X, positions, lengths, padding) -> torch.Tensor:
    """Read each row of ``X`` ``(n, C, T)`` at fractional ``positions`` ``(n, T)``.

    Linear interpolation between the valid steps (missing values read as
    0); padding steps stay NaN.
    """
    values = torch.nan_to_num(X, nan=0.0)
    last = (lengths - 1)[:, None]
    positions = torch.minimum(positions.clamp_min(0), last.to(positions.dtype))
    left = positions.floor().long()
    right = torch.minimum(left + 1, last)
    fraction = (positions - left).to(X.dtype)[:, None]
    expand = (-1, X.shape[1], -1)
    before = values.gather(2, left[:, None].expand(expand))
    after = values.gather(2, right[:, None].expand(expand))
    return (before + (after - before) * fraction).masked_fill(padding, torch.nan)
