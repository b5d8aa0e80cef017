"""Elastic-net weight penalties: exact values, weights only, effect on a fit."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_regression

from skneural import NeuralRegressor
from skneural.nn import MLP
from skneural.training._regularization import make_weight_penalty, penalized_weights


def test_penalty_covers_weight_matrices_not_biases_or_norm_scales():
    net = MLP(3, 2, hidden_layer_sizes=(4,), batch_norm=True)
    shapes = sorted(tuple(w.shape) for w in penalized_weights(net))
    assert shapes == [(2, 4), (4, 3)]


@pytest.mark.parametrize("l1_ratio", [0.0, 0.3, 1.0])
def test_penalty_value(l1_ratio):
    weights = [torch.tensor([[1.0, -2.0]]), torch.tensor([[3.0], [-1.0]])]
    l1 = 1 + 2 + 3 + 1
    l2 = 1 + 4 + 9 + 1
    expected = 0.5 * (l1_ratio * l1 + 0.5 * (1 - l1_ratio) * l2)
    penalty = make_weight_penalty(0.5, l1_ratio)
    torch.testing.assert_close(penalty(weights), torch.tensor(expected))


def test_no_penalty_when_alpha_is_zero():
    assert make_weight_penalty(0.0, 0.5) is None


def test_l1_penalty_sparsifies_a_linear_model():
    # Few rows and many noisy features: the unpenalised fit spreads weight on noise.
    X, y, true_coef = make_regression(
        40, 30, n_informative=3, noise=30.0, coef=True, random_state=0
    )
    params = {
        "hidden_layer_sizes": (),
        "max_epochs": 200,
        "lr": 1e-2,
        "random_state": 0,
        "early_stopping": False,
        "weight_decay": 0.0,
    }

    def coefficients(**extra):
        reg = NeuralRegressor(**params, **extra).fit(X, y)
        return np.abs(reg.module_.head.weight.detach().numpy().ravel())

    plain, lasso = coefficients(), coefficients(alpha=0.1, l1_ratio=1.0)
    noise = true_coef == 0
    assert lasso[noise].sum() < 0.5 * plain[noise].sum()
    assert lasso[np.argmax(np.abs(true_coef))] > 0.1
