"""Named losses match their textbook formulas and weight rows exactly."""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from skneural.training._losses import (
    classification_loss,
    reduce_batch_loss,
    regression_loss,
)

torch.manual_seed(0)
PRED = torch.randn(6, 2)
TRUE = torch.randn(6, 2)


@pytest.mark.parametrize(
    "name, params, manual",
    [
        ("squared_error", {}, lambda p, t: ((p - t) ** 2).mean(1)),
        ("absolute_error", {}, lambda p, t: (p - t).abs().mean(1)),
        (
            "huber",
            {"delta": 0.5},
            lambda p, t: torch.where(
                (p - t).abs() <= 0.5, 0.5 * (p - t) ** 2, 0.5 * ((p - t).abs() - 0.25)
            ).mean(1),
        ),
        (
            "quantile",
            {"quantile": 0.9},
            lambda p, t: torch.where(t >= p, 0.9 * (t - p), 0.1 * (p - t)).mean(1),
        ),
        ("poisson", {}, lambda p, t: (torch.exp(p) - t.abs() * p).mean(1)),
    ],
)
def test_regression_losses_per_sample(name, params, manual):
    target = TRUE.abs() if name == "poisson" else TRUE
    spec = regression_loss(name, params, n_outputs=2)
    torch.testing.assert_close(spec.function(PRED, target), manual(PRED, target))


def test_cross_entropy_with_label_smoothing():
    logits, target = torch.randn(5, 3), torch.tensor([0, 2, 1, 1, 0])
    spec = classification_loss("log_loss", {}, label_smoothing=0.1, multilabel=False, n_classes=3)
    smooth = torch.full((5, 3), 0.1 / 3) + 0.9 * F.one_hot(target, 3)
    manual = -(smooth * torch.log_softmax(logits, 1)).sum(1)
    torch.testing.assert_close(spec.function(logits, target), manual)
    torch.testing.assert_close(spec.mean_function(logits, target), manual.mean())


@pytest.mark.parametrize(
    ("loss", "multilabel", "shape"),
    [("binary_cross_entropy", False, (6, 1)), ("log_loss", True, (6, 3))],
)
def test_label_smoothing_pulls_sigmoid_targets_towards_one_half(loss, multilabel, shape):
    logits = torch.randn(*shape)
    target = (torch.rand(shape) > 0.5).float()
    spec = classification_loss(
        loss, {}, label_smoothing=0.2, multilabel=multilabel, n_classes=shape[1] + (not multilabel)
    )
    smooth = target * 0.8 + 0.1
    manual = F.binary_cross_entropy_with_logits(logits, smooth, reduction="none").mean(1)
    y_true = target if multilabel else target[:, 0]
    torch.testing.assert_close(spec.function(logits, y_true), manual)


def test_label_smoothing_in_loss_params_points_to_the_estimator_parameter():
    with pytest.raises(ValueError, match=r"NeuralClassifier\(label_smoothing=\.\.\.\)"):
        classification_loss("log_loss", {"label_smoothing": 0.1}, multilabel=False, n_classes=3)


def test_binary_cross_entropy_single_logit():
    logits, target = torch.randn(4, 1), torch.tensor([0, 1, 1, 0])
    spec = classification_loss("binary_cross_entropy", {}, multilabel=False, n_classes=2)
    p = torch.sigmoid(logits[:, 0])
    manual = -(target * torch.log(p) + (1 - target) * torch.log(1 - p))
    assert spec.n_outputs == 1
    torch.testing.assert_close(spec.function(logits, target), manual)


def test_weighted_reduction_matches_manual_and_duplication():
    losses = torch.tensor([1.0, 2.0, 4.0])
    weights = torch.tensor([2.0, 1.0, 1.0])
    mean_weight = float(weights.mean())
    weighted = reduce_batch_loss(losses, weights, mean_weight)
    torch.testing.assert_close(weighted, torch.tensor((2 * 1.0 + 2.0 + 4.0) / (3 * mean_weight)))
    duplicated = reduce_batch_loss(torch.tensor([1.0, 1.0, 2.0, 4.0]), None, None)
    torch.testing.assert_close(weighted, duplicated)


def test_unweighted_reduction_is_the_mean():
    losses = torch.tensor([1.0, 3.0])
    torch.testing.assert_close(reduce_batch_loss(losses, None, None), torch.tensor(2.0))


def test_loss_params_for_the_wrong_loss():
    with pytest.raises(ValueError, match=r"loss_params \['quantile'\] are not valid"):
        regression_loss("huber", {"quantile": 0.5}, n_outputs=1)


@pytest.mark.parametrize("quantile", [1.5, 0.0, float("nan"), [0.1, 0.9], "0.5", True])
def test_quantile_must_be_a_single_number_inside_zero_one(quantile):
    # A list was a raw TypeError of float().
    with pytest.raises(ValueError, match=r"'quantile'\] must be a single number in \(0, 1\)"):
        regression_loss("quantile", {"quantile": quantile}, n_outputs=1)


@pytest.mark.parametrize("delta", [0, -1.0, float("nan"), float("inf"), "1", [1.0]])
def test_huber_delta_must_be_a_positive_finite_number(delta):
    # Was torch's RuntimeError at the first batch (or a raw TypeError of float()).
    with pytest.raises(ValueError, match=r"'delta'\] must be a finite number > 0"):
        regression_loss("huber", {"delta": delta}, n_outputs=1)


def test_numpy_loss_options_are_accepted():
    spec = regression_loss("quantile", {"quantile": np.float32(0.25)}, n_outputs=2)
    torch.testing.assert_close(
        spec.function(PRED, TRUE),
        torch.maximum(0.25 * (TRUE - PRED), -0.75 * (TRUE - PRED)).mean(1),
    )


@pytest.mark.parametrize(
    "loss", [torch.nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss, F.cross_entropy]
)
def test_softmax_cross_entropy_on_a_single_regression_output_is_refused(loss):
    # It trained with a loss of 0 for every row: the softmax of one value is 1.
    with pytest.raises(ValueError, match=r"softmax cross-entropy.*Use NeuralClassifier"):
        regression_loss(loss, {}, n_outputs=1)


@pytest.mark.parametrize("loss", [lambda p, t: ((p - t) ** 2).mean(1), torch.nn.MSELoss()])
def test_loss_params_of_an_already_callable_loss_are_refused(loss):
    # They were silently dropped.
    with pytest.raises(ValueError, match=r"loss_params \['gamma'\] cannot be applied.*partial"):
        regression_loss(loss, {"gamma": 0}, n_outputs=1)


def test_nn_module_loss_is_made_per_sample():
    spec = regression_loss(torch.nn.MSELoss(), {}, n_outputs=2)
    np.testing.assert_allclose(spec.function(PRED, TRUE), ((PRED - TRUE) ** 2).mean(1))
