"""Batch augmentation of images: flips, affine warps, colour jitter, cutout, mixup, cutmix."""

from numbers import Real

import torch
from torch.nn import functional as F

from ..utils._sklearn_compat import Interval, StrOptions
from ._base import BatchAugmentation, beta_draws, check_generator, mix_targets

_PROBABILITY = [Interval(Real, 0, 1, closed="both")]


def _uniform(low, high, n: int, like: torch.Tensor, generator) -> torch.Tensor:
    """``n`` draws from U[low, high) with ``like``'s dtype and device."""
    u = torch.rand(n, generator=generator, dtype=like.dtype, device=like.device)
    return low + (high - low) * u


def _bernoulli(p: float, n: int, like: torch.Tensor, generator) -> torch.Tensor:
    """``n`` booleans, each ``True`` with probability ``p``, on ``like``'s device."""
    return torch.rand(n, generator=generator, device=like.device) < p


def warp_affine(
    X: torch.Tensor,
    angle: torch.Tensor,
    zoom: torch.Tensor,
    shift: torch.Tensor,
    padding_mode: str = "zeros",
) -> torch.Tensor:
    """Rotate, zoom and shift every image of a batch about its centre, in one resampling.

    Image ``i`` is zoomed by ``zoom[i]`` and rotated by ``angle[i]`` degrees
    counter-clockwise (as displayed, row 0 at the top) about its centre, then
    shifted by ``shift[i] * (W, H)`` pixels (right and down). Pixels are
    interpolated bilinearly; those that come from outside the image are filled
    as ``padding_mode`` says.

    Parameters
    ----------
    X : torch.Tensor of shape (n, C, H, W)
        Floating-point images.
    angle, zoom : torch.Tensor of shape (n,) or (1,)
        Rotation in degrees, and magnification (above 1 zooms in); one entry
        applies to every image.
    shift : torch.Tensor of shape (n, 2) or (1, 2)
        Shift as fractions of the width and of the height.
    padding_mode : {"zeros", "border", "reflection"}, default="zeros"
        Fill outside the image: zeros, the nearest edge pixel, or the image
        mirrored at its edge.

    Returns
    -------
    torch.Tensor of shape (n, C, H, W)
    """
    n, _, height, width = X.shape
    radians = torch.deg2rad(angle)
    cos, sin = radians.cos() / zoom, radians.sin() / zoom
    # The output -> input map in affine_grid's coordinates, which run from -1
    # to 1 along both axes: the aspect ratio makes the rotation one in pixels,
    # and a shift of s * width is 2 * s in these units.
    sin_x, sin_y = sin * (height / width), sin * (width / height)
    shift_x, shift_y = 2 * shift[:, 0], 2 * shift[:, 1]
    offset_x = sin_x * shift_y - cos * shift_x
    offset_y = -sin_y * shift_x - cos * shift_y
    theta = torch.stack([cos, -sin_x, offset_x, sin_y, cos, offset_y], dim=1).view(-1, 2, 3)
    theta = theta.expand(n, 2, 3)
    grid = F.affine_grid(theta, list(X.shape), align_corners=False)
    return F.grid_sample(X, grid, mode="bilinear", padding_mode=padding_mode, align_corners=False)


def _box_masks(top, left, height, width, size, like: torch.Tensor) -> torch.Tensor:
    """Boolean masks ``(n, 1, H, W)``, ``True`` on each row's rectangle."""
    rows = torch.arange(size[0], device=like.device)
    cols = torch.arange(size[1], device=like.device)
    in_rows = (rows >= top[:, None]) & (rows < (top + height)[:, None])
    in_cols = (cols >= left[:, None]) & (cols < (left + width)[:, None])
    return (in_rows[:, :, None] & in_cols[:, None, :])[:, None]


class ImageAugment(BatchAugmentation):
    """Random image transforms applied to each training batch on its device.

    Input transforms (:meth:`augment_inputs`, also used for test-time
    augmentation), in this order, each drawn independently per image:

    1. horizontal and vertical flips, each with its probability;
    2. with probability ``warp_probability``, one affine resampling that
       rotates by an angle in ``[-rotation, rotation]`` degrees, zooms by a
       factor in ``[1 - scale, 1 + scale]`` (zooming in is a random resized
       crop) and shifts by up to ``translate`` of the width and of the
       height, filling uncovered pixels as ``padding_mode`` says (skipped
       when all three are 0);
    3. brightness: multiply by a factor in ``[1 - brightness, 1 + brightness]``;
       contrast: scale the deviations from the image's mean by a factor in
       ``[1 - contrast, 1 + contrast]`` (both assume intensities such as
       ``[0, 1]``, and nothing is clipped);
    4. cutout: with probability ``cutout``, set a ``cutout_size * H`` by
       ``cutout_size * W`` rectangle at a random place inside the image to 0.

    Row mixing (:meth:`mix`, training batches only): with probability
    ``mix_probability`` a row is mixed with a partner row of the batch (a
    random permutation), by mixup (a convex combination of the two images
    with weight ``lam ~ Beta(mixup_alpha, mixup_alpha)``) or by cutmix (a
    rectangle of the partner's image covering ``1 - lam`` of the area,
    ``lam ~ Beta(cutmix_alpha, cutmix_alpha)``), half of the time each when
    both alphas are positive. Targets are mixed with the same weights by
    :func:`~skneural.augmentation.mix_targets` (for cutmix, the share of the
    area each image really has after the rectangle is clipped to the image).

    Mixup applies to every kind of target (class indices, binary and
    multilabel 0/1 labels, regression targets, which it interpolates
    linearly). Cutmix applies to class targets only: pasting a part of
    another image does not change a regression target (a count, an age, an
    angle) in proportion to its area, so cutmix on float targets other than
    0/1 labels raises a ``ValueError``. On multilabel targets the pasted area
    is the weight of the partner's labels, an approximation when the
    labelled objects are small.

    The defaults (mild rotation, shift and zoom; no flips, colour changes,
    cutout or mixing) suit digits, characters and other small images whose
    label a mirror image would change. For natural images (photos of
    objects, CIFAR-like data) add ``horizontal_flip=0.5`` and consider
    ``cutmix_alpha=1.0`` or ``mixup_alpha=0.2``.

    All randomness comes from the ``generator`` argument, never from torch's
    global generator, and all work is done batched on the batch's device.

    Parameters
    ----------
    horizontal_flip : float, default=0.0
        Probability of mirroring an image left to right.
    vertical_flip : float, default=0.0
        Probability of mirroring an image top to bottom.
    rotation : float, default=10.0
        Largest rotation in degrees, in [0, 180].
    translate : float, default=0.1
        Largest shift as a fraction of the width (horizontally) and of the
        height (vertically), in [0, 1].
    scale : float, default=0.1
        Largest relative zoom, in [0, 1).
    warp_probability : float, default=1.0
        Probability that an image is rotated, shifted and zoomed. Resampling
        blurs small images a little; below 1, some training images stay as
        sharp as the test images.
    padding_mode : {"zeros", "border", "reflection"}, default="zeros"
        What fills pixels that a rotation, shift or zoom-out uncovers: zeros
        (a dark background, right for digits and inputs centred on 0), the
        nearest edge pixel, or the image mirrored at its edge (often best for
        natural images).
    brightness : float, default=0.0
        Largest relative brightness change, in [0, 1].
    contrast : float, default=0.0
        Largest relative contrast change, in [0, 1].
    cutout : float, default=0.0
        Probability of erasing a rectangle of an image.
    cutout_size : float, default=0.25
        Side of the erased rectangle as a fraction of the image's height and
        width, in (0, 1].
    mixup_alpha : float, default=0.0
        Concentration of the Beta distribution of the mixup weights; 0
        disables mixup, 0.2 to 0.4 is usual, 1.0 mixes uniformly.
    cutmix_alpha : float, default=0.0
        Concentration of the Beta distribution of the cutmix areas; 0
        disables cutmix, 1.0 is usual.
    mix_probability : float, default=1.0
        Probability that a row is mixed when mixup or cutmix is enabled.

    See Also
    --------
    tta_views : Test-time augmentation views built from :meth:`augment_inputs`.

    Examples
    --------
    >>> import torch
    >>> from skneural.augmentation import ImageAugment
    >>> augment = ImageAugment(rotation=15, cutmix_alpha=1.0)
    >>> X = torch.rand(8, 1, 8, 8)
    >>> y = torch.arange(8) % 3
    >>> X_aug, y_aug = augment(X, y, generator=torch.Generator().manual_seed(0), n_classes=3)
    >>> X_aug.shape, y_aug.shape
    (torch.Size([8, 1, 8, 8]), torch.Size([8, 3]))
    >>> bool(torch.allclose(y_aug.sum(dim=1), torch.ones(8)))
    True
    """

    _parameter_constraints: dict = {
        "horizontal_flip": _PROBABILITY,
        "vertical_flip": _PROBABILITY,
        "rotation": [Interval(Real, 0, 180, closed="both")],
        "translate": [Interval(Real, 0, 1, closed="both")],
        "scale": [Interval(Real, 0, 1, closed="left")],
        "warp_probability": _PROBABILITY,
        "padding_mode": [StrOptions({"zeros", "border", "reflection"})],
        "brightness": [Interval(Real, 0, 1, closed="both")],
        "contrast": [Interval(Real, 0, 1, closed="both")],
        "cutout": _PROBABILITY,
        "cutout_size": [Interval(Real, 0, 1, closed="right")],
        "mixup_alpha": [Interval(Real, 0, None, closed="left")],
        "cutmix_alpha": [Interval(Real, 0, None, closed="left")],
        "mix_probability": _PROBABILITY,
    }

    def __init__(
        self,
        *,
        horizontal_flip: float = 0.0,
        vertical_flip: float = 0.0,
        rotation: float = 10.0,
        translate: float = 0.1,
        scale: float = 0.1,
        warp_probability: float = 1.0,
        padding_mode: str = "zeros",
        brightness: float = 0.0,
        contrast: float = 0.0,
        cutout: float = 0.0,
        cutout_size: float = 0.25,
        mixup_alpha: float = 0.0,
        cutmix_alpha: float = 0.0,
        mix_probability: float = 1.0,
    ):
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rotation = rotation
        self.translate = translate
        self.scale = scale
        self.warp_probability = warp_probability
        self.padding_mode = padding_mode
        self.brightness = brightness
        self.contrast = contrast
        self.cutout = cutout
        self.cutout_size = cutout_size
        self.mixup_alpha = mixup_alpha
        self.cutmix_alpha = cutmix_alpha
        self.mix_probability = mix_probability

    def augment_inputs(self, X: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Flip, warp, jitter and cut out the images of one batch.

        Parameters
        ----------
        X : torch.Tensor of shape (n, C, H, W)
            Floating-point images on the training device.
        generator : torch.Generator
            The only source of randomness, on ``X``'s device.

        Returns
        -------
        torch.Tensor of shape (n, C, H, W)
            The transformed batch (``X`` itself when every transform is off);
            ``X`` is never modified in place.
        """
        self._validate_params()
        _check_batch(X, generator)
        return self._augment_inputs(X, generator)

    def augment_view(self, X: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """The input transforms with one random draw applied to every image.

        Parameters
        ----------
        X : torch.Tensor of shape (n, C, H, W)
            Floating-point images on the training device.
        generator : torch.Generator
            The only source of randomness, on ``X``'s device; it advances by
            one image's draws whatever ``n``.

        Returns
        -------
        torch.Tensor of shape (n, C, H, W)
        """
        self._validate_params()
        _check_batch(X, generator)
        return self._augment_inputs(X, generator, n_draws=1)

    def mix(self, X, y, generator, n_classes=None):
        """Mix rows of one training batch by mixup or cutmix, and their targets.

        Parameters
        ----------
        X : torch.Tensor of shape (n, C, H, W)
            The batch after :meth:`augment_inputs`.
        y : torch.Tensor
            Its targets: ``int64`` class indices of shape ``(n,)``, or float
            targets of shape ``(n,)`` or ``(n, n_outputs)``.
        generator : torch.Generator
            The only source of randomness, on ``X``'s device.
        n_classes : int or None
            Number of classes when ``y`` holds class indices.

        Returns
        -------
        X : torch.Tensor of shape (n, C, H, W)
        y : torch.Tensor
            Unchanged without mixing; else float targets, class indices
            becoming class probabilities of shape ``(n, n_classes)``.
        """
        self._validate_params()
        _check_batch(X, generator)
        return self._mix(X, y, generator, n_classes)

    def __call__(self, X, y, *, generator, n_classes=None):
        """Augment one training batch: input transforms, then row mixing."""
        self._validate_params()
        _check_batch(X, generator)
        return self._mix(self._augment_inputs(X, generator), y, generator, n_classes)

    def _augment_inputs(self, X, generator, n_draws=None):
        """The input transforms, with ``n_draws`` random draws of each (one per
        image by default; 1 shares a draw among all images)."""
        n = len(X) if n_draws is None else n_draws
        if self.horizontal_flip > 0:
            flip = _bernoulli(self.horizontal_flip, n, X, generator)
            X = torch.where(flip[:, None, None, None], X.flip(-1), X)
        if self.vertical_flip > 0:
            flip = _bernoulli(self.vertical_flip, n, X, generator)
            X = torch.where(flip[:, None, None, None], X.flip(-2), X)
        if self.warp_probability > 0 and (self.rotation or self.translate or self.scale):
            angle = _uniform(-self.rotation, self.rotation, n, X, generator)
            zoom = _uniform(1 - self.scale, 1 + self.scale, n, X, generator)
            shift = _uniform(-self.translate, self.translate, 2 * n, X, generator).view(n, 2)
            warped = warp_affine(X, angle, zoom, shift, self.padding_mode)
            if self.warp_probability < 1:
                warp = _bernoulli(self.warp_probability, n, X, generator)
                warped = torch.where(warp[:, None, None, None], warped, X)
            X = warped
        if self.brightness > 0:
            factor = _uniform(1 - self.brightness, 1 + self.brightness, n, X, generator)
            X = X * factor[:, None, None, None]
        if self.contrast > 0:
            factor = _uniform(1 - self.contrast, 1 + self.contrast, n, X, generator)
            mean = X.mean(dim=(1, 2, 3), keepdim=True)
            X = (X - mean) * factor[:, None, None, None] + mean
        if self.cutout > 0:
            X = self._cut_out(X, generator, n)
        return X

    def _cut_out(self, X, generator, n):
        _, _, height, width = X.shape
        box = (max(1, round(self.cutout_size * height)), max(1, round(self.cutout_size * width)))
        top = torch.randint(height - box[0] + 1, (n,), generator=generator, device=X.device)
        left = torch.randint(width - box[1] + 1, (n,), generator=generator, device=X.device)
        erase = _box_masks(top, left, box[0], box[1], (height, width), X)
        erase &= _bernoulli(self.cutout, n, X, generator)[:, None, None, None]
        return X.masked_fill(erase, 0)

    def _mix(self, X, y, generator, n_classes):
        if (self.mixup_alpha == 0 and self.cutmix_alpha == 0) or self.mix_probability == 0:
            return X, y
        n = len(X)
        if y.shape[0] != n:
            raise ValueError(f"X has {n} rows but y has {y.shape[0]}.")
        if self.cutmix_alpha > 0 and torch.is_floating_point(y):
            _check_class_targets(y)
        partner = torch.randperm(n, generator=generator, device=X.device)
        mixed = _bernoulli(self.mix_probability, n, X, generator)
        if self.mixup_alpha > 0 and self.cutmix_alpha > 0:
            cutmix = _bernoulli(0.5, n, X, generator)
        else:
            cutmix = torch.full((n,), self.cutmix_alpha > 0, device=X.device)
        weight = torch.ones(n, dtype=X.dtype, device=X.device)
        X_partner = X[partner]
        if self.mixup_alpha > 0:
            lam = beta_draws(self.mixup_alpha, n, X, generator)
            use = mixed & ~cutmix
            weight = torch.where(use, lam, weight)
            blend = weight[:, None, None, None]
            X = torch.where(use[:, None, None, None], blend * X + (1 - blend) * X_partner, X)
        if self.cutmix_alpha > 0:
            lam = beta_draws(self.cutmix_alpha, n, X, generator)
            use = mixed & cutmix
            paste = self._cutmix_boxes(lam, X, generator) & use[:, None, None, None]
            X = torch.where(paste, X_partner, X)
            kept = 1 - paste.sum(dim=(1, 2, 3)).to(X.dtype) / (X.shape[2] * X.shape[3])
            weight = torch.where(use, kept, weight)
        return X, mix_targets(y, partner, weight, n_classes)

    @staticmethod
    def _cutmix_boxes(lam, X, generator):
        """Rectangles covering about ``1 - lam`` of each image, centred anywhere, clipped."""
        n, _, height, width = X.shape
        side = (1 - lam).sqrt()
        box_h, box_w = (side * height).round().long(), (side * width).round().long()
        centre_y = torch.randint(height, (n,), generator=generator, device=X.device)
        centre_x = torch.randint(width, (n,), generator=generator, device=X.device)
        top, left = centre_y - box_h // 2, centre_x - box_w // 2
        return _box_masks(top, left, box_h, box_w, (height, width), X)


def _check_batch(X, generator) -> None:
    if not isinstance(X, torch.Tensor) or X.ndim != 4:
        shape = tuple(X.shape) if hasattr(X, "shape") else type(X).__name__
        raise ValueError(
            f"ImageAugment needs image batches of shape (n, C, H, W), got {shape}; "
            "it does not apply to tabular or sequence inputs."
        )
    if not torch.is_floating_point(X):
        raise TypeError(f"ImageAugment needs floating-point images, got {X.dtype}.")
    check_generator(generator, X)


def _check_class_targets(y: torch.Tensor) -> None:
    """Raise unless float targets are 0/1 labels (binary or multilabel)."""
    if not bool(((y == 0) | (y == 1)).all()):
        raise ValueError(
            "cutmix_alpha > 0 needs class targets (class indices, or binary or multilabel "
            "0/1 labels), but the targets are continuous, as a regressor's: the area a "
            "pasted patch covers says nothing about a regression target. Set "
            "cutmix_alpha=0 (mixup_alpha still mixes regression targets linearly)."
        )
