import pytest
import torch

from skneural.callbacks import GradientClipping, LambdaCallback


def _fit_recording_gradients(make_net, data, callbacks, statistic):
    """Fit and return ``statistic(gradients)`` of every step, as the optimizer sees them."""
    seen = []

    def record(trainer, **kwargs):
        grads = [p.grad for p in trainer.module.parameters() if p.grad is not None]
        seen.append(float(statistic(grads)))

    make_net(callbacks=[*callbacks, LambdaCallback(on_after_backward=record)]).fit(*data)
    return seen


def _total_norm(grads):
    return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))


def _largest_entry(grads):
    return max(g.abs().max() for g in grads)


@pytest.mark.parametrize(
    "clipping, statistic, limit",
    [
        (GradientClipping(max_norm=0.01), _total_norm, 0.01),
        (GradientClipping(max_value=1e-3), _largest_entry, 1e-3),
        (GradientClipping(max_norm=0.01, max_value=1.0), _total_norm, 0.01),
    ],
)
def test_gradients_are_clipped_before_the_step(make_net, data, clipping, statistic, limit):
    unclipped = _fit_recording_gradients(make_net, data, [], statistic)
    clipped = _fit_recording_gradients(make_net, data, [clipping], statistic)
    assert max(unclipped) > limit  # the limit does bite on this problem
    assert len(clipped) == len(unclipped)
    assert max(clipped) <= limit * (1 + 1e-5)


def test_clipping_by_norm_keeps_the_gradient_direction(make_net, data):
    directions = []

    def record(trainer, **kwargs):
        flat = torch.cat([p.grad.flatten() for p in trainer.module.parameters()])
        directions.append(flat / flat.norm())

    make_net(
        max_epochs=1,
        callbacks=[
            LambdaCallback(on_after_backward=record),
            GradientClipping(max_norm=1e-4),
            LambdaCallback(on_after_backward=record),
        ],
    ).fit(*data)
    before, after = directions[0::2], directions[1::2]
    for b, a in zip(before, after, strict=True):
        torch.testing.assert_close(b, a)


@pytest.mark.parametrize(
    "params, match",
    [
        ({}, "needs max_norm, max_value or both"),
        ({"max_norm": 0}, "'max_norm' parameter of GradientClipping must be a float in"),
        ({"max_value": -1.0}, "'max_value' parameter of GradientClipping must be a float in"),
        ({"max_norm": "1"}, "'max_norm' parameter of GradientClipping must be a float in"),
    ],
)
def test_invalid_limits_are_rejected(make_net, data, params, match):
    with pytest.raises(ValueError, match=match):
        make_net(callbacks=[GradientClipping(**params)]).fit(*data)
