"""The "auto" settings that follow the table size: dropout, lr and patience."""

import numpy as np
import pytest
import torch

from skneural import NeuralClassifier, NeuralRegressor
from skneural.training._budget import auto_dropout, auto_lr, auto_patience
from skneural.training._trainer import auto_batch_size


def test_patience_is_20_epochs_up_to_65k_rows_then_1_3m_rows_seen():
    assert [auto_patience(n) for n in (1, 500, 10_000, 65_000)] == [20] * 4
    assert auto_patience(100_000) == 13
    assert auto_patience(650_000) == 2 and auto_patience(10_000_000) == 2
    sizes = np.geomspace(1_000, 5_000_000, 50).astype(int)
    assert all(np.diff([auto_patience(n) for n in sizes]) <= 0)


def test_lr_grows_with_the_square_root_of_the_batch_above_128():
    assert auto_lr(32) == auto_lr(128) == 1e-3
    assert auto_lr(512) == pytest.approx(2e-3)
    assert auto_lr(1024) == pytest.approx(1e-3 * np.sqrt(8))


def test_dropout_is_dropped_where_the_auto_batch_grows():
    small, large = 11_000, 12_000
    assert auto_batch_size(small) == 128 and auto_dropout(small) == 0.1
    assert auto_batch_size(large) == 256 and auto_dropout(large) == 0.0


def _dropouts(estimator):
    return [m.p for m in estimator.module_.modules() if isinstance(m, torch.nn.Dropout)]


def _data(n_rows, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, 3)).astype(np.float32)
    return X, X[:, 0] + 0.1 * rng.normal(size=n_rows)


@pytest.mark.parametrize(
    ("n_rows", "dropout", "lr"),
    [(1_000, 0.1, 1e-3), (20_000, 0.0, 1e-3 * np.sqrt(2))],  # 18,000 rows: batch 256
)
def test_auto_settings_on_small_and_large_tables(n_rows, dropout, lr):
    X, y = _data(n_rows)
    reg = NeuralRegressor(hidden_layer_sizes=(8,), max_epochs=1, random_state=0).fit(X, y)
    assert reg.get_params()["dropout"] == reg.get_params()["lr"] == "auto"
    assert set(_dropouts(reg)) <= {dropout} and bool(_dropouts(reg)) == (dropout > 0)
    assert reg._optimizer.param_groups[0]["lr"] == pytest.approx(lr)
    assert reg.history_.column("lr") == [pytest.approx(lr)]
    assert reg.callbacks_[-1].patience == 20


def test_auto_patience_shortens_on_a_very_large_table():
    X, y = _data(150_000)
    reg = NeuralRegressor(hidden_layer_sizes=(4,), max_epochs=1, random_state=0).fit(X, y)
    assert reg.callbacks_[-1].patience == auto_patience(135_000) == 10


def test_explicit_values_are_kept_on_large_tables():
    X, y = _data(20_000)
    reg = NeuralRegressor(
        hidden_layer_sizes=(8,), dropout=0.3, lr=0.01, n_iter_no_change=4, max_epochs=1
    ).fit(X, y)
    assert _dropouts(reg) == [0.3]
    assert reg._optimizer.param_groups[0]["lr"] == 0.01
    assert reg.callbacks_[-1].patience == 4


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"dropout": "none"}, "dropout"),
        ({"lr": "fast"}, "lr"),
        ({"n_iter_no_change": "x"}, "n_iter"),
    ],
)
def test_other_strings_are_rejected(params, name):
    X, y = _data(50)
    with pytest.raises(ValueError, match=f"'{name}"):
        NeuralClassifier(max_epochs=1, **params).fit(X, y > 0)
