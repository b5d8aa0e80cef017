"""ImageAugment: what each transform does, the generator contract, settings."""

import re

import numpy as np
import pytest
import torch
from scipy import ndimage
from sklearn.base import clone

from skneural.augmentation import BatchAugmentation, ImageAugment
from skneural.augmentation._image import warp_affine
from skneural.utils._sklearn_compat import InvalidParameterError

# Every input transform off: the identity.
OFF = {"rotation": 0, "translate": 0, "scale": 0}
# Every transform on, mixing included.
ALL = {
    "horizontal_flip": 0.5,
    "vertical_flip": 0.5,
    "rotation": 20,
    "translate": 0.1,
    "scale": 0.1,
    "warp_probability": 0.8,
    "brightness": 0.2,
    "contrast": 0.2,
    "cutout": 0.5,
    "mixup_alpha": 0.4,
    "cutmix_alpha": 1.0,
    "mix_probability": 0.8,
}


@pytest.fixture(autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def _images(n=16, shape=(3, 12, 10), seed=0):
    return torch.rand(n, *shape, generator=_gen(seed))


def test_is_a_batch_augmentation_with_searchable_settings():
    augment = ImageAugment(rotation=5, cutmix_alpha=1.0)
    assert isinstance(augment, BatchAugmentation)
    assert augment.get_params()["rotation"] == 5
    copy = clone(augment).set_params(rotation=30, padding_mode="reflection")
    assert (copy.rotation, copy.padding_mode, copy.cutmix_alpha) == (30, "reflection", 1.0)
    assert augment.rotation == 5
    assert set(augment.get_params()) == set(ImageAugment._parameter_constraints)


def test_everything_off_is_the_identity():
    X, y = _images(), torch.arange(16) % 4
    augment = ImageAugment(**OFF)
    assert torch.equal(augment.augment_inputs(X, _gen()), X)
    X_out, y_out = augment(X, y, generator=_gen(), n_classes=4)
    assert torch.equal(X_out, X) and torch.equal(y_out, y)
    # Probabilities of 0 with strengths set are the identity too.
    zero = ImageAugment(
        rotation=30,
        warp_probability=0,
        horizontal_flip=0,
        cutout=0,
        mixup_alpha=1,
        mix_probability=0,
    )
    X_out, y_out = zero(X, y, generator=_gen(), n_classes=4)
    assert torch.equal(X_out, X) and torch.equal(y_out, y)


@pytest.mark.parametrize("setting, dims", [("horizontal_flip", (-1,)), ("vertical_flip", (-2,))])
def test_flips_mirror_whole_images(setting, dims):
    X = _images(64)
    always = ImageAugment(**OFF, **{setting: 1.0}).augment_inputs(X, _gen())
    assert torch.equal(always, X.flip(dims))
    half = ImageAugment(**OFF, **{setting: 0.5}).augment_inputs(X, _gen())
    flipped = torch.tensor([torch.equal(a, x.flip(dims)) for a, x in zip(half, X, strict=True)])
    kept = torch.tensor([torch.equal(a, x) for a, x in zip(half, X, strict=True)])
    assert torch.all(flipped ^ kept)
    assert 16 < flipped.sum() < 48


def test_warp_rotates_like_a_reference_rotation():
    X = _images(2, (1, 7, 9))
    one = torch.ones(2)
    # A quarter turn of a square image moves pixel centres onto pixel centres.
    square = _images(2, (2, 6, 6))
    quarter = warp_affine(square, torch.tensor([90.0, -90.0]), one, torch.zeros(2, 2))
    torch.testing.assert_close(quarter[0], torch.rot90(square[0], 1, dims=(-2, -1)))
    torch.testing.assert_close(quarter[1], torch.rot90(square[1], -1, dims=(-2, -1)))
    # Any angle, on a non-square image: scipy's bilinear rotation about the centre.
    rotated = warp_affine(X, torch.tensor([30.0, -12.5]), one, torch.zeros(2, 2))
    for image, angle, result in zip(X, (30.0, -12.5), rotated, strict=True):
        expected = ndimage.rotate(
            image[0].numpy(), angle, reshape=False, order=1, mode="grid-constant"
        )
        np.testing.assert_allclose(result[0].numpy(), expected, atol=1e-5)


def test_warp_shifts_and_zooms_about_the_centre():
    X = _images(1, (1, 7, 9))
    # One pixel right and two down; the uncovered band is filled with zeros.
    shifted = warp_affine(X, torch.zeros(1), torch.ones(1), torch.tensor([[1 / 9, 2 / 7]]))
    torch.testing.assert_close(shifted[0, 0, 2:, 1:], X[0, 0, :-2, :-1])
    assert shifted[0, 0, :2].abs().max() < 1e-5 and shifted[0, 0, :, 0].abs().max() < 1e-5
    # Zooming by 2 about the centre of an 8x8 image shows its central 4x4.
    image = torch.arange(64.0).view(1, 1, 8, 8)
    zoomed = warp_affine(image, torch.zeros(1), torch.full((1,), 2.0), torch.zeros(1, 2))
    expected = torch.nn.functional.interpolate(
        image[:, :, 2:6, 2:6], scale_factor=2, mode="bilinear", align_corners=False
    )
    torch.testing.assert_close(zoomed[:, :, 1:-1, 1:-1], expected[:, :, 1:-1, 1:-1])


def _blob(n, size=32):
    coords = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    blob = torch.exp(-(coords[:, None] ** 2 + coords[None, :] ** 2) / (2 * 3.0**2))
    return blob.expand(n, 1, size, size).clone()


def _centre_and_spread(images):
    size = images.shape[-1]
    coords = torch.arange(size, dtype=torch.float32)
    mass = images.sum(dim=(1, 2, 3))
    rows = (images.sum(dim=(1, 3)) * coords).sum(dim=1) / mass
    cols = (images.sum(dim=(1, 2)) * coords).sum(dim=1) / mass
    radius2 = coords[:, None] ** 2 + coords[None, :] ** 2
    spread = (images[:, 0] * radius2).sum(dim=(1, 2)) / mass - rows**2 - cols**2
    return rows, cols, spread


def test_random_shifts_and_zooms_stay_within_their_ranges():
    # A round blob is unchanged by rotation; its centre moves with the shift
    # and its spread (a second moment) grows with the square of the zoom.
    blob = _blob(200)
    shifted = ImageAugment(**{**OFF, "translate": 0.2}).augment_inputs(blob, _gen())
    rows, cols, _ = _centre_and_spread(shifted)
    offsets = torch.cat([rows - 15.5, cols - 15.5])
    assert offsets.abs().max() <= 0.2 * 32 + 1e-3
    assert offsets.abs().max() > 0.15 * 32  # the whole range is used
    zoomed = ImageAugment(**{**OFF, "scale": 0.3}).augment_inputs(blob, _gen())
    spread = _centre_and_spread(zoomed)[2]

    def spread_at(zoom):  # the spread grows with the zoom
        warped = warp_affine(blob[:1], torch.zeros(1), torch.tensor([zoom]), torch.zeros(1, 2))
        return _centre_and_spread(warped)[2].item()

    assert spread_at(0.7) - 1e-3 <= spread.min() < spread_at(0.75)
    assert spread_at(1.25) < spread.max() <= spread_at(1.3) + 1e-3
    rotated = ImageAugment(**{**OFF, "rotation": 180}).augment_inputs(blob, _gen())
    torch.testing.assert_close(rotated, blob, atol=3e-2, rtol=0)  # bilinear blur


def test_warp_probability_warps_some_images_and_keeps_the_others():
    X = _images(64)
    out = ImageAugment(rotation=20, warp_probability=0.5).augment_inputs(X, _gen())
    kept = (out == X).flatten(1).all(dim=1)
    assert 16 < kept.sum() < 48
    assert not torch.isclose(out[~kept], X[~kept]).flatten(1).all(dim=1).any()


def test_padding_mode_fills_the_uncovered_pixels():
    X = torch.ones(8, 1, 10, 10)
    settings = {**OFF, "translate": 0.4}
    zeros = ImageAugment(**settings).augment_inputs(X, _gen())
    border = ImageAugment(**settings, padding_mode="border").augment_inputs(X, _gen())
    assert (zeros < 0.5).any()
    torch.testing.assert_close(border, X)


def test_brightness_and_contrast_factors():
    X = _images(100, (1, 6, 6))
    bright = ImageAugment(**OFF, brightness=0.3).augment_inputs(X, _gen())
    factor = (bright / X).flatten(1)
    torch.testing.assert_close(factor, factor[:, :1].expand_as(factor))
    assert factor.min() >= 0.7 - 1e-6 and factor.max() <= 1.3 + 1e-6
    assert factor.min() < 0.75 and factor.max() > 1.25
    contrasted = ImageAugment(**OFF, contrast=0.3).augment_inputs(X, _gen())
    mean = X.mean(dim=(1, 2, 3), keepdim=True)
    torch.testing.assert_close(contrasted.mean(dim=(1, 2, 3), keepdim=True), mean)
    factor = ((contrasted - mean) / (X - mean)).flatten(1)
    torch.testing.assert_close(factor, factor[:, :1].expand_as(factor), rtol=1e-4, atol=1e-4)
    assert factor.min() >= 0.7 - 1e-4 and factor.max() <= 1.3 + 1e-4


@pytest.mark.parametrize("size, side", [(0.25, (4, 3)), (0.5, (8, 6)), (1.0, (16, 12))])
def test_cutout_zeroes_one_rectangle_of_the_stated_size(size, side):
    X = torch.ones(32, 2, 16, 12)
    out = ImageAugment(**OFF, cutout=1.0, cutout_size=size).augment_inputs(X, _gen())
    for image in out:
        assert torch.equal(image[0], image[1])  # all channels erased alike
        rows, cols = torch.nonzero(image[0] == 0, as_tuple=True)
        assert len(rows) == side[0] * side[1]
        assert rows.max() - rows.min() + 1 == side[0]
        assert cols.max() - cols.min() + 1 == side[1]
    half = ImageAugment(**OFF, cutout=0.5).augment_inputs(X, _gen())
    erased = (half == 0).flatten(1).any(dim=1)
    assert 4 < erased.sum() < 28


def _partner_and_weight(y_mixed, n):
    """Rows of a batch whose class i is row i: each row's weight and partner."""
    weight = y_mixed.diagonal()
    off_diagonal = y_mixed - torch.diag(weight)
    partner = torch.where(weight < 1, off_diagonal.argmax(dim=1), torch.arange(n))
    return partner, weight


def test_mixup_images_and_targets_are_the_same_convex_combination():
    n = 32
    X, y = _images(n), torch.arange(n)  # row i is the only one of class i
    augment = ImageAugment(**OFF, mixup_alpha=0.4)
    X_mixed, y_mixed = augment(X, y, generator=_gen(), n_classes=n)
    assert y_mixed.shape == (n, n) and y_mixed.dtype == torch.float32
    torch.testing.assert_close(y_mixed.sum(dim=1), torch.ones(n))
    assert (y_mixed >= 0).all()
    partner, weight = _partner_and_weight(y_mixed, n)
    blend = weight[:, None, None, None]
    torch.testing.assert_close(X_mixed, blend * X + (1 - blend) * X[partner])
    assert (weight < 0.99).sum() > n // 2  # most rows really are mixed


def test_cutmix_pastes_a_rectangle_whose_area_is_the_target_weight():
    n = 32
    X, y = _images(n, (2, 12, 10)), torch.arange(n)
    X_mixed, y_mixed = ImageAugment(**OFF, cutmix_alpha=1.0)(X, y, generator=_gen(), n_classes=n)
    torch.testing.assert_close(y_mixed.sum(dim=1), torch.ones(n))
    partner, weight = _partner_and_weight(y_mixed, n)
    n_pasted = 0
    for i in range(n):
        from_partner = (X_mixed[i] == X[partner[i]]).all(dim=0)
        own = (X_mixed[i] == X[i]).all(dim=0)
        assert torch.all(from_partner | own)
        if partner[i] == i:
            continue
        rows, cols = torch.nonzero(from_partner, as_tuple=True)
        if len(rows):
            n_pasted += 1
            box = (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)
            assert box == len(rows)  # one rectangle
        assert weight[i].item() == pytest.approx(1 - len(rows) / 120)
    assert n_pasted > n // 2


def test_mix_probability_and_the_choice_between_mixup_and_cutmix():
    n = 400
    X, y = _images(n, (1, 4, 4)), torch.arange(n)
    augment = ImageAugment(**OFF, mixup_alpha=1.0, cutmix_alpha=1.0, mix_probability=0.5)
    X_mixed, y_mixed = augment(X, y, generator=_gen(), n_classes=n)
    partner, weight = _partner_and_weight(y_mixed, n)
    mixed = (weight < 1) & (partner != torch.arange(n))
    assert 150 < mixed.sum() < 250
    untouched = (X_mixed == X).flatten(1).all(dim=1)
    assert torch.all(untouched | mixed)
    pasted = [(X_mixed[i] == X[i]) | (X_mixed[i] == X[partner[i]]) for i in range(n)]
    is_cutmix = torch.stack([p.all() for p in pasted]) & mixed
    assert 50 < is_cutmix.sum() < mixed.sum() - 50  # both kinds happen


@pytest.mark.parametrize("setting", ["mixup_alpha", "cutmix_alpha"])
@pytest.mark.parametrize("shape", [(16,), (16, 3)], ids=["binary", "multilabel"])
def test_mixing_0_1_labels_gives_soft_labels(setting, shape):
    X = _images(16)
    y = torch.randint(2, shape, generator=_gen(1)).to(torch.float32)
    X_mixed, y_mixed = ImageAugment(**OFF, **{setting: 1.0})(X, y, generator=_gen())
    assert y_mixed.shape == y.shape and X_mixed.shape == X.shape
    assert (y_mixed >= 0).all() and (y_mixed <= 1).all()
    assert ((y_mixed > 0) & (y_mixed < 1)).any()


def test_regression_targets_mix_with_mixup_and_refuse_cutmix():
    X, y = _images(16), torch.randn(16, 2, generator=_gen(1))
    _, y_mixed = ImageAugment(**OFF, mixup_alpha=1.0)(X, y, generator=_gen())
    assert y_mixed.shape == y.shape
    assert (y_mixed >= y.min(dim=0).values).all() and (y_mixed <= y.max(dim=0).values).all()
    with pytest.raises(ValueError, match="cutmix_alpha > 0 needs class targets"):
        ImageAugment(**OFF, cutmix_alpha=1.0)(X, y, generator=_gen())


def test_class_indices_need_n_classes_to_mix():
    with pytest.raises(ValueError, match="needs n_classes"):
        ImageAugment(mixup_alpha=1.0)(_images(4), torch.arange(4), generator=_gen())


def test_the_generator_is_the_only_source_of_randomness():
    X, y = _images(32), torch.arange(32) % 5
    augment = ImageAugment(**ALL)
    torch.manual_seed(123)
    state = torch.get_rng_state()
    X_first, y_first = augment(X, y, generator=_gen(7), n_classes=5)
    assert torch.equal(torch.get_rng_state(), state)
    torch.manual_seed(999)  # another global state changes nothing
    X_second, y_second = augment(X, y, generator=_gen(7), n_classes=5)
    assert torch.equal(X_first, X_second) and torch.equal(y_first, y_second)
    X_other, _ = augment(X, y, generator=_gen(8), n_classes=5)
    assert not torch.equal(X_first, X_other)
    # __call__ is augment_inputs then mix, drawing in that order.
    generator = _gen(7)
    X_steps, y_steps = augment.mix(augment.augment_inputs(X, generator), y, generator, 5)
    assert torch.equal(X_steps, X_first) and torch.equal(y_steps, y_first)


def test_inputs_are_not_modified_and_dtype_is_kept():
    X = _images(16).to(torch.float64)
    before = X.clone()
    X_out, _ = ImageAugment(**ALL)(X, torch.arange(16) % 3, generator=_gen(), n_classes=3)
    assert torch.equal(X, before)
    assert X_out.dtype == torch.float64 and X_out.shape == X.shape


@pytest.mark.parametrize("shape", [(16, 64), (16, 8, 8), (16,)], ids=["2-d", "3-d", "1-d"])
def test_non_image_batches_are_a_clear_error(shape):
    augment = ImageAugment()
    message = re.escape(f"needs image batches of shape (n, C, H, W), got {shape}")
    with pytest.raises(ValueError, match=message):
        augment.augment_inputs(torch.zeros(shape), _gen())
    with pytest.raises(ValueError, match=message):
        augment(torch.zeros(shape), torch.zeros(16), generator=_gen())


def test_bad_dtype_generator_or_rows_are_clear_errors():
    augment = ImageAugment(mixup_alpha=1.0)
    with pytest.raises(TypeError, match="floating-point images, got torch.uint8"):
        augment.augment_inputs(torch.zeros(2, 1, 4, 4, dtype=torch.uint8), _gen())
    with pytest.raises(TypeError, match="generator must be a torch.Generator"):
        augment.augment_inputs(_images(2), 0)
    with pytest.raises(ValueError, match="X has 4 rows but y has 3"):
        augment.mix(_images(4), torch.zeros(3), _gen())


@pytest.mark.parametrize(
    "setting, value",
    [
        ("horizontal_flip", 1.5),
        ("rotation", -1),
        ("rotation", 181),
        ("translate", 2.0),
        ("scale", 1.0),
        ("padding_mode", "wrap"),
        ("brightness", -0.1),
        ("cutout_size", 0.0),
        ("mixup_alpha", -1.0),
        ("mix_probability", "always"),
    ],
)
def test_bad_settings_are_reported_by_name(setting, value):
    augment = ImageAugment(**{setting: value})  # stored as given, checked on use
    with pytest.raises(InvalidParameterError, match=f"'{setting}' parameter of ImageAugment"):
        augment.augment_inputs(_images(2), _gen())
    with pytest.raises(InvalidParameterError, match=setting):
        augment(_images(2), torch.zeros(2), generator=_gen())


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_runs_on_cuda_with_a_cuda_generator():
    X, y = _images(32).cuda(), (torch.arange(32) % 5).cuda()
    augment = ImageAugment(**ALL)
    first = augment(X, y, generator=torch.Generator("cuda").manual_seed(0), n_classes=5)
    second = augment(X, y, generator=torch.Generator("cuda").manual_seed(0), n_classes=5)
    assert first[0].is_cuda and first[1].is_cuda
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])
    with pytest.raises(ValueError, match="generator is on cpu but the batch is on cuda"):
        augment.augment_inputs(X, _gen())
