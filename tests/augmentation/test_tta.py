"""tta_views: the original batch first, then input-only augmented views."""

import pytest
import torch

from skneural.augmentation import BatchAugmentation, ImageAugment, tta_views


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_views_are_the_batch_then_augment_inputs_draws():
    X = torch.rand(6, 1, 8, 8, generator=_gen(1))
    augment = ImageAugment(rotation=20, cutmix_alpha=1.0, mixup_alpha=1.0)
    views = list(tta_views(augment, X, 4, _gen(3)))
    assert len(views) == 4
    assert views[0] is X
    generator = _gen(3)
    for view in views[1:]:
        assert torch.equal(view, augment.augment_inputs(X, generator))  # never mixed
    assert not torch.equal(views[1], views[2])
    assert [v.shape for v in views] == [X.shape] * 4


def test_one_view_is_the_batch_alone_and_draws_nothing():
    X = torch.rand(3, 1, 4, 4)
    generator = _gen(0)
    state = generator.get_state()
    assert list(tta_views(ImageAugment(), X, 1, generator)) == [X]
    assert torch.equal(generator.get_state(), state)


def test_any_batch_augmentation_works():
    X = torch.rand(5, 3)
    views = list(tta_views(BatchAugmentation(), X, 3, _gen()))
    assert all(torch.equal(v, X) for v in views)


@pytest.mark.parametrize("n_views", [0, -1, 2.0, True])
def test_bad_n_views_raises_at_the_call(n_views):
    with pytest.raises(ValueError, match="n_views must be an integer >= 1"):
        tta_views(ImageAugment(), torch.rand(2, 1, 4, 4), n_views, _gen())


def test_a_non_augmentation_raises_at_the_call():
    with pytest.raises(TypeError, match="must be a skneural BatchAugmentation"):
        tta_views(lambda X, generator: X, torch.rand(2, 1, 4, 4), 2, _gen())
