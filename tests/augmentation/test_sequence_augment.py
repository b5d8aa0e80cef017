"""SequenceAugment: what each transform does, padding, randomness and settings."""

import doctest

import pytest
import torch
from sklearn.base import clone

from skneural.augmentation import BatchAugmentation, SequenceAugment, _sequence
from skneural.augmentation._base import beta_draws
from skneural.nn import sequence_lengths
from skneural.utils._sklearn_compat import InvalidParameterError

NAN = float("nan")
OFF = {"jitter": 0.0, "scaling": 0.0}  # the defaults that are on
ALL = {
    "probability": 1.0,
    "jitter": 0.1,
    "scaling": 0.2,
    "magnitude_warp": 0.2,
    "time_warp": 0.3,
    "crop": 0.8,
    "cutout": 0.2,
    "mixup": 0.4,
}
LENGTHS = (20, 13, 1, 7)


def _batch(n_channels=2, n_steps=20, lengths=LENGTHS, seed=0):
    X = torch.randn(
        len(lengths), n_channels, n_steps, generator=torch.Generator().manual_seed(seed)
    )
    for row, length in enumerate(lengths):
        X[row, :, length:] = NAN
    return X


def _run(augment, X, y=None, seed=0, n_classes=3):
    y = torch.tensor([0, 1, 2, 1])[: len(X)] if y is None else y
    return augment(X, y, generator=torch.Generator().manual_seed(seed), n_classes=n_classes)


def _padding(X):
    return torch.isnan(X).all(dim=1, keepdim=True).expand_as(X) & (
        torch.arange(X.shape[-1]) >= sequence_lengths(X)[:, None, None]
    )


def test_is_a_batch_augmentation_with_searchable_settings():
    augment = SequenceAugment()
    assert isinstance(augment, BatchAugmentation)
    assert clone(augment.set_params(jitter=0.5)).get_params()["jitter"] == 0.5


@pytest.mark.parametrize(
    "setting",
    [{}, *({name: value} for name, value in ALL.items() if name != "probability"), ALL],
    ids=lambda s: "-".join(s) or "defaults",
)
def test_padding_stays_nan_and_valid_steps_stay_finite(setting):
    X = _batch()
    X_aug, _ = _run(SequenceAugment(**{**OFF, "probability": 1.0, **setting}), X)
    assert X_aug.shape == X.shape and X_aug.dtype == X.dtype
    padding = _padding(X)
    assert torch.isnan(X_aug[padding]).all()
    assert torch.isfinite(X_aug[~padding]).all()


def test_probability_zero_is_the_identity():
    X, y = _batch(), torch.tensor([0, 1, 2, 1])
    X_aug, y_aug = _run(SequenceAugment(**{**ALL, "probability": 0.0}), X, y)
    assert X_aug is X and y_aug is y


def test_probability_picks_rows():
    X = _batch(n_steps=50, lengths=(50,) * 400)
    X_aug, _ = _run(SequenceAugment(probability=0.3, jitter=0.5, scaling=0.0), X)
    changed = (X_aug != X).any(dim=2).any(dim=1).float().mean()
    assert 0.2 < changed < 0.4


def test_jitter_adds_noise_of_the_given_scale_to_valid_steps_only():
    X = _batch(n_steps=400, lengths=(400, 250, 100, 30))
    X_aug, _ = _run(SequenceAugment(probability=1.0, jitter=0.1, scaling=0.0), X)
    noise = (X_aug - X)[~_padding(X)]
    assert abs(noise.std() - 0.1) < 0.01 and abs(noise.mean()) < 0.01


def test_scaling_multiplies_each_channel_by_one_factor():
    X = _batch()
    X_aug, _ = _run(SequenceAugment(probability=1.0, jitter=0.0, scaling=0.3), X)
    ratio = X_aug[0] / X[0]  # row 0 has no padding
    torch.testing.assert_close(ratio, ratio[:, :1].expand_as(ratio))
    assert not torch.allclose(ratio[0, 0], ratio[1, 0])


def test_magnitude_warp_multiplies_by_a_smooth_positive_curve():
    X = torch.ones(2, 3, 200)
    X[1, :, 120:] = NAN
    X_aug, _ = _run(SequenceAugment(**OFF, probability=1.0, magnitude_warp=0.3), X)
    curve = X_aug[0]
    assert (curve > 0).all() and curve.std() > 0.05
    assert (curve.diff(dim=1).abs() < 0.05).all()  # no jumps between steps
    assert not torch.allclose(curve[0], curve[1])  # one curve per channel


def test_time_warp_is_monotone_and_keeps_the_ends():
    ramp = torch.arange(60.0).expand(3, 1, 60).clone()
    ramp[1, :, 45:] = NAN
    ramp[2, :, 10:] = NAN
    X_aug, _ = _run(SequenceAugment(**OFF, probability=1.0, time_warp=0.5), ramp)
    for row, length in enumerate((60, 45, 10)):
        warped = X_aug[row, 0, :length]
        assert (warped.diff() > 0).all()
        assert warped[0] == 0 and warped[-1] == pytest.approx(length - 1)
        assert not torch.allclose(warped, ramp[row, 0, :length])


def test_crop_stretches_a_window_of_the_row_back_to_its_length():
    ramp = torch.arange(40.0).expand(2, 1, 40).clone()
    ramp[1, :, 30:] = NAN
    X_aug, _ = _run(SequenceAugment(**OFF, probability=1.0, crop=0.5), ramp, torch.tensor([0, 1]))
    for row, length in enumerate((40, 30)):
        cropped = X_aug[row, 0, :length]
        span = cropped[-1] - cropped[0]
        assert span == pytest.approx(round(0.5 * length) - 1)
        assert cropped[0] >= 0 and cropped[-1] <= length - 1
        torch.testing.assert_close(
            cropped.diff(), torch.full_like(cropped.diff(), span / (length - 1))
        )


def test_cutout_zeroes_one_window_inside_the_valid_part():
    X = _batch(n_steps=40, lengths=(40, 25)) + 10  # no value is 0 by chance
    X_aug, _ = _run(SequenceAugment(**OFF, probability=1.0, cutout=0.2), X, torch.tensor([0, 1]))
    for row, length in enumerate((40, 25)):
        zeroed = (X_aug[row] == 0).all(dim=0).nonzero()[:, 0]
        assert len(zeroed) == round(0.2 * length) and zeroed.max() < length
        assert (zeroed.diff() == 1).all()  # one window
        kept = torch.ones(X.shape[-1], dtype=torch.bool)
        kept[zeroed] = False
        torch.testing.assert_close(X_aug[row][:, kept], X[row][:, kept], equal_nan=True)


def test_mixup_is_a_convex_combination_of_rows_and_targets():
    X = _batch(lengths=(20, 20, 20, 20))
    y = torch.arange(4)  # one class per row, so a mixed target names the partner
    X_mix, y_mix = _run(SequenceAugment(**OFF, probability=1.0, mixup=0.4), X, y, n_classes=4)
    assert y_mix.shape == (4, 4)
    torch.testing.assert_close(y_mix.sum(dim=1), torch.ones(4))
    assert ((y_mix >= 0) & (y_mix <= 1)).all()
    for row in range(4):
        lam = y_mix[row, row]
        others = y_mix[row].clone()
        others[row] = 0
        partner = int(others.argmax()) if others.max() > 0 else row
        expected = lam * X[row] + (1 - lam) * X[partner]
        torch.testing.assert_close(X_mix[row], expected)


def test_mixup_keeps_each_rows_length_and_counts_partner_padding_as_zero():
    X = _batch(lengths=(20, 5, 12, 20))
    X_mix, y_mix = _run(SequenceAugment(**OFF, probability=1.0, mixup=1.0), X)
    assert torch.equal(torch.isnan(X_mix), torch.isnan(X))
    assert torch.isfinite(y_mix).all()


def test_mixup_mixes_float_targets_for_regression():
    X, y = _batch(), torch.randn(4, 2)
    _, y_mix = _run(SequenceAugment(**OFF, probability=1.0, mixup=0.4), X, y, n_classes=None)
    assert y_mix.shape == (4, 2)
    assert ((y_mix >= y.min(dim=0).values) & (y_mix <= y.max(dim=0).values)).all()


def test_same_seed_same_result_and_the_global_generator_is_untouched():
    X = _batch()
    augment = SequenceAugment(**ALL)
    state = torch.get_rng_state()
    first = _run(augment, X, seed=5)
    second = _run(augment, X, seed=5)
    assert torch.equal(torch.get_rng_state(), state)
    for a, b in zip(first, second, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0, equal_nan=True)
    other = _run(augment, X, seed=6)
    assert not torch.allclose(first[0], other[0], equal_nan=True)


def test_beta_draws_follow_the_beta_distribution():
    generator = torch.Generator().manual_seed(0)
    for concentration in (0.2, 1.0, 4.0):
        sample = beta_draws(concentration, 100_000, torch.zeros(1), generator)
        assert ((sample >= 0) & (sample <= 1)).all()
        assert sample.mean() == pytest.approx(0.5, abs=0.01)
        assert sample.var() == pytest.approx(1 / (4 * (2 * concentration + 1)), rel=0.05)


def test_token_masking_replaces_a_share_of_valid_tokens_by_the_mask_id():
    ids = torch.randint(1, 50, (64, 1, 100), generator=torch.Generator().manual_seed(0)).float()
    ids[:, :, 80:] = NAN
    augment = SequenceAugment(tokens=True, probability=1.0, token_masking=0.25, mask_token=0)
    masked = augment.augment_inputs(ids, torch.Generator().manual_seed(1))
    assert torch.isnan(masked[:, :, 80:]).all()
    changed = masked[:, :, :80] != ids[:, :, :80]
    assert (masked[:, :, :80][changed] == 0).all()
    assert changed.float().mean() == pytest.approx(0.25, abs=0.02)


def test_token_masking_with_random_ids_stays_in_the_vocabulary():
    ids = torch.randint(0, 7, (32, 1, 50), generator=torch.Generator().manual_seed(0)).float()
    augment = SequenceAugment(tokens=True, probability=1.0, token_masking=0.5, vocab_size=7)
    masked = augment.augment_inputs(ids, torch.Generator().manual_seed(1))
    assert ((masked >= 0) & (masked < 7) & (masked == masked.floor())).all()
    assert (masked != ids).float().mean() > 0.3  # about 0.5 * 6 / 7
    X_mix, y_mix = augment(ids, torch.zeros(32, dtype=torch.long), generator=torch.Generator())
    assert y_mix.dtype == torch.long  # no mixup of token ids


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"probability": 1.5}, InvalidParameterError, "'probability' parameter"),
        ({"jitter": -0.1}, InvalidParameterError, "'jitter' parameter"),
        ({"crop": 0.0}, InvalidParameterError, "'crop' parameter"),
        ({"cutout": 1.0}, InvalidParameterError, "'cutout' parameter"),
        ({"n_knots": 0}, InvalidParameterError, "'n_knots' parameter"),
        ({"time_warp": 50.0}, InvalidParameterError, "'time_warp' parameter"),
        ({"scaling": 5.1}, InvalidParameterError, "'scaling' parameter"),
        ({"tokens": True}, ValueError, "needs mask_token .* or vocab_size"),
        ({"tokens": True, "mask_token": 5, "vocab_size": 5}, ValueError, "not a valid id"),
    ],
)
def test_bad_settings_are_clear_errors(params, error, message):
    X = _batch(n_channels=1)
    with pytest.raises(error, match=message):
        _run(SequenceAugment(**params), X)


def test_bad_batches_are_clear_errors():
    with pytest.raises(ValueError, match=r"\(n_samples, n_channels, n_timesteps\)"):
        _run(SequenceAugment(), torch.randn(4, 20))
    with pytest.raises(ValueError, match="token ids, shape \\(n_samples, 1, n_timesteps\\)"):
        _run(SequenceAugment(tokens=True, mask_token=0), _batch(n_channels=2))
    with pytest.raises(TypeError, match="float batch"):
        _run(SequenceAugment(), torch.ones(4, 1, 5, dtype=torch.long))
    with pytest.raises(TypeError, match="generator must be a torch.Generator, got int"):
        SequenceAugment().augment_inputs(_batch(), 0)


@pytest.mark.parametrize("setting", ["time_warp", "scaling", "magnitude_warp"])
def test_the_largest_warps_stay_finite(setting):
    X = _batch(n_steps=200, lengths=(200, 150, 3, 1) * 64)
    X_aug = SequenceAugment(probability=1.0, **{setting: 5.0}).augment_inputs(
        X, torch.Generator().manual_seed(0)
    )
    assert torch.isfinite(X_aug[~_padding(X)]).all()


def test_a_view_transforms_each_row_as_that_row_alone_cut_to_its_length():
    augment = SequenceAugment(probability=1.0, jitter=0.5, time_warp=0.3, crop=0.8, cutout=0.2)
    X = _batch()
    generator = torch.Generator().manual_seed(1)
    view = augment.augment_view(X, generator)
    after = generator.get_state()
    for row, length in enumerate(LENGTHS):
        alone = augment.augment_view(X[row : row + 1, :, :length], generator.manual_seed(1))
        torch.testing.assert_close(view[row : row + 1, :, :length], alone)
        torch.testing.assert_close(generator.get_state(), after)  # one draw, whatever the row
    assert torch.equal(_padding(view), _padding(X))


def test_docstring_examples_run():
    result = doctest.testmod(_sequence, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_runs_on_the_batch_device():
    X = _batch().cuda()
    generator = torch.Generator("cuda").manual_seed(0)
    X_aug, y_aug = SequenceAugment(**ALL)(
        X, torch.tensor([0, 1, 2, 1], device="cuda"), generator=generator, n_classes=3
    )
    assert X_aug.is_cuda and y_aug.is_cuda
    assert torch.isnan(X_aug.cpu()[_padding(X.cpu())]).all()
