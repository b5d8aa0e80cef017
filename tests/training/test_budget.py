"""The "auto" settings that follow the table size: dropout, lr, patience,
hidden layers and the numeric encoding."""

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from skneural import NeuralClassifier, NeuralRegressor
from skneural.callbacks import LRScheduler
from skneural.nn import PiecewiseLinearEncoding
from skneural.training._budget import (
    LARGE_TABLE_HIDDEN,
    LARGE_TABLE_RELATIVE_TOL,
    auto_dropout,
    auto_lr,
    auto_patience,
)
from skneural.training._trainer import auto_batch_size


def test_patience_is_20_epochs_up_to_65k_rows_then_1_3m_rows_seen():
    assert [auto_patience(n) for n in (1, 500, 10_000, 65_000)] == [20] * 4
    assert auto_patience(100_000) == 13
    assert auto_patience(650_000) == 2 and auto_patience(10_000_000) == 2
    sizes = np.geomspace(1_000, 5_000_000, 50).astype(int)
    assert all(np.diff([auto_patience(n) for n in sizes]) <= 0)


def test_patience_is_5_epochs_with_the_plateau_decay_and_follows_the_rows_beyond():
    assert [auto_patience(n, decays_on_plateau=True) for n in (12_000, 260_000)] == [5, 5]
    assert auto_patience(400_000, decays_on_plateau=True) == 4
    assert auto_patience(10_000_000, decays_on_plateau=True) == 2


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
    ("n_rows", "dropout", "lr", "patience"),
    [(1_000, 0.1, 1e-3, 20), (20_000, 0.0, 1e-3 * np.sqrt(2), 5)],  # 18,000 rows: batch 256
)
def test_auto_settings_on_small_and_large_tables(n_rows, dropout, lr, patience):
    X, y = _data(n_rows)
    reg = NeuralRegressor(hidden_layer_sizes=(8,), max_epochs=1, random_state=0).fit(X, y)
    assert reg.get_params()["dropout"] == reg.get_params()["lr"] == "auto"
    assert set(_dropouts(reg)) <= {dropout} and bool(_dropouts(reg)) == (dropout > 0)
    assert reg._optimizer.param_groups[0]["lr"] == pytest.approx(lr)
    assert reg.history_.column("lr") == [pytest.approx(lr)]
    assert reg.callbacks_[-1].patience == patience


def _encoding(estimator):
    return [m for m in estimator.module_.modules() if isinstance(m, PiecewiseLinearEncoding)]


def _plateau_schedules(estimator):
    return [
        cb
        for cb in estimator.callbacks_
        if isinstance(cb, LRScheduler) and cb.policy == "reduce_on_plateau"
    ]


def test_large_tables_get_the_encoding_a_narrower_network_and_the_plateau_decay():
    X, y = _data(20_000)
    reg = NeuralRegressor(max_epochs=1, random_state=0).fit(X, y)
    (encoding,) = _encoding(reg)
    assert encoding.out_features == 3 * 8  # 8 quantile bins of each column
    assert reg.module_.encoder.out_features == 24
    assert [block[0].out_features for block in reg.module_.hidden] == list(LARGE_TABLE_HIDDEN)
    (schedule,) = _plateau_schedules(reg)
    assert schedule.params == {"factor": 0.2, "patience": 2}
    assert reg.get_params()["numeric_encoding"] == "auto"
    stopping = reg.callbacks_[-1]
    assert (stopping.min_delta, stopping.relative_delta) == (1e-4, LARGE_TABLE_RELATIVE_TOL)


def test_small_tables_keep_the_plain_network():
    X, y = _data(1_000)
    reg = NeuralRegressor(max_epochs=1, random_state=0).fit(X, y)
    assert not _encoding(reg) and not _plateau_schedules(reg)
    assert [block[0].out_features for block in reg.module_.hidden] == [128, 128]
    assert reg.callbacks_[-1].relative_delta == 0.0
    plain = NeuralRegressor(max_epochs=1, random_state=0, numeric_encoding=None).fit(X, y)
    np.testing.assert_array_equal(reg.predict(X), plain.predict(X))


def test_the_encoding_can_be_asked_for_on_a_small_table_and_learns():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(600, 2)).astype(np.float32)
    y = np.abs(X[:, 0]) + (X[:, 1] > 0)  # kinks a piecewise-linear encoding fits
    params = {"hidden_layer_sizes": (16,), "lr": 1e-2, "max_epochs": 60, "random_state": 0}
    encoded = NeuralRegressor(numeric_encoding="piecewise_linear", **params).fit(X, y)
    assert _encoding(encoded) and encoded.score(X, y) > 0.95


def test_explicit_values_are_kept_on_large_tables():
    X, y = _data(20_000)
    reg = NeuralRegressor(
        hidden_layer_sizes=(8,),
        dropout=0.3,
        lr=0.01,
        n_iter_no_change=4,
        numeric_encoding=None,
        max_epochs=1,
    ).fit(X, y)
    assert _dropouts(reg) == [0.3]
    assert reg._optimizer.param_groups[0]["lr"] == 0.01
    assert reg.callbacks_[-1].patience == 4 and reg.callbacks_[-1].relative_delta == 0.0
    assert not _encoding(reg) and not _plateau_schedules(reg)


def test_a_numeric_lr_keeps_the_long_patience_on_large_tables():
    X, y = _data(20_000)
    reg = NeuralRegressor(hidden_layer_sizes=(8,), lr=1e-3, max_epochs=1).fit(X, y)
    assert not _plateau_schedules(reg) and reg.callbacks_[-1].patience == 20


def test_no_plateau_decay_without_validation_rows():
    X, y = _data(20_000)
    reg = NeuralRegressor(hidden_layer_sizes=(8,), validation_fraction=0.0, max_epochs=1)
    reg.fit(X, y)
    assert not _plateau_schedules(reg) and reg.callbacks_[-1].patience == 20


def test_module_params_embedding_takes_precedence_over_the_encoding():
    X, y = _data(20_000)
    reg = NeuralRegressor(
        hidden_layer_sizes=(8,),
        module_params={"numeric_embedding": "periodic", "n_frequencies": 2, "d_embedding": 2},
        max_epochs=1,
    ).fit(X, y)
    assert not _encoding(reg)
    assert type(reg.module_.encoder.numeric).__name__ == "PeriodicEmbedding"


def test_sparse_input_is_encoded_like_the_dense_rows_it_holds():
    X, y = _data(20_000)
    params = {"hidden_layer_sizes": (8,), "max_epochs": 1, "random_state": 0}
    sparse = NeuralRegressor(**params).fit(sp.csr_matrix(X), y)
    dense = NeuralRegressor(**params).fit(X, y)
    assert _encoding(sparse)
    np.testing.assert_array_equal(sparse.predict(X[:50]), dense.predict(X[:50]))


def test_modules_without_numeric_embedding_reject_the_encoding():
    images = NeuralClassifier(module="cnn", max_epochs=1, module_params={"channels": (2,)})
    images.fit(np.zeros((12_000, 4, 4), dtype=np.float32), np.arange(12_000) % 2)
    assert not _encoding(images)
    with pytest.raises(ValueError, match="constructor takes numeric_embedding"):
        NeuralClassifier(module="cnn", numeric_encoding="piecewise_linear", max_epochs=1).fit(
            np.zeros((20, 4, 4), dtype=np.float32), np.arange(20) % 2
        )


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"dropout": "none"}, "dropout"),
        ({"lr": "fast"}, "lr"),
        ({"n_iter_no_change": "x"}, "n_iter"),
        ({"numeric_encoding": "quantile"}, "numeric_encoding"),
    ],
)
def test_other_strings_are_rejected(params, name):
    X, y = _data(50)
    with pytest.raises(ValueError, match=f"'{name}"):
        NeuralClassifier(max_epochs=1, **params).fit(X, y > 0)
