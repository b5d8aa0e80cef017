"""The "auto" training settings of sequence modules (their recipe) and that
tables keep theirs."""

import numpy as np
import pytest
from torch import nn

from skneural import NeuralClassifier
from skneural.callbacks import EarlyStopping, LRScheduler, WeightAveraging
from skneural.ensemble._snapshot_callback import SnapshotCallback
from skneural.training._budget import (
    SEQUENCE_RECIPE,
    TABULAR_RECIPE,
    auto_lr,
    recipe_for,
)

TINY_GRU = {"module": "gru", "module_params": {"hidden_size": 4}, "hidden_layer_sizes": ()}


def _sequences(n_rows, n_steps=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, 1, n_steps)).astype(np.float32)
    return X, (X[:, 0].mean(axis=1) > 0).astype(int)


def test_sequence_modules_get_the_sequence_recipe_others_the_tabular_one():
    assert recipe_for("sequence") is SEQUENCE_RECIPE
    assert recipe_for(None) is recipe_for("image") is TABULAR_RECIPE
    assert auto_lr(128, SEQUENCE_RECIPE) == 3e-3 and auto_lr(128) == 1e-3
    assert auto_lr(512, SEQUENCE_RECIPE) == pytest.approx(6e-3)


def test_auto_hidden_layers_are_a_linear_head_for_sequences_and_two_layers_for_tables():
    X, y = _sequences(40)
    seq = NeuralClassifier(module="gru", module_params={"hidden_size": 4}, max_epochs=1)
    table = NeuralClassifier(max_epochs=1)
    assert seq.get_params()["hidden_layer_sizes"] == table.hidden_layer_sizes == "auto"
    linears = [m for m in seq.fit(X, y).module_.head.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(8, 2)]
    table.fit(X[:, 0], y)
    widths = [m.out_features for m in table.module_.modules() if isinstance(m, nn.Linear)]
    assert widths == [128, 128, 2]
    explicit = NeuralClassifier(module="gru", module_params={"hidden_size": 4}, max_epochs=1)
    head = explicit.set_params(hidden_layer_sizes=(5,)).fit(X, y).module_.head
    assert [m.out_features for m in head.modules() if isinstance(m, nn.Linear)] == [5, 2]


def test_a_small_sequence_set_trains_on_every_row_with_a_cosine_lr_and_no_early_stop():
    X, y = _sequences(60)
    clf = NeuralClassifier(**TINY_GRU, max_epochs=4, random_state=0).fit(X, y)
    assert "valid_loss" not in clf.history_[-1]
    assert [type(cb) for cb in clf.callbacks_] == [LRScheduler, WeightAveraging]
    lrs = clf.history_.column("lr")
    assert clf._optimizer.param_groups[0]["initial_lr"] == 3e-3
    assert lrs == sorted(lrs, reverse=True) and lrs[0] < 3e-3 and lrs[-1] == pytest.approx(0)
    assert clf.n_iter_ == 4


def test_a_large_sequence_set_holds_out_validation_rows_and_stops_on_them():
    X, y = _sequences(1_000)  # 100 validation rows
    clf = NeuralClassifier(**TINY_GRU, max_epochs=1, random_state=0).fit(X, y)
    assert "valid_loss" in clf.history_[-1]
    assert isinstance(clf.callbacks_[-1], EarlyStopping)
    assert clf.callbacks_[-1].monitor == "valid_loss" and clf.callbacks_[-1].patience == 20
    X, y = _sequences(989)  # 99 validation rows: none held out
    clf = NeuralClassifier(**TINY_GRU, max_epochs=1, random_state=0).fit(X, y)
    assert "valid_loss" not in clf.history_[-1]


@pytest.mark.parametrize(
    "params",
    [
        {"lr": 0.01},
        {"callbacks": [LRScheduler("step", params={"step_size": 1})]},
        {"callbacks": [SnapshotCallback(cycle_epochs=1)]},
    ],
    ids=["explicit lr", "own schedule", "snapshot cycles"],
)
def test_an_explicit_lr_or_schedule_replaces_the_cosine(params):
    X, y = _sequences(60)
    clf = NeuralClassifier(**TINY_GRU, max_epochs=3, random_state=0, **params).fit(X, y)
    user = params.get("callbacks", [])
    assert [type(cb) for cb in clf.callbacks_] == [*map(type, user), WeightAveraging]
    if "lr" in params:
        assert clf.history_.column("lr") == [0.01] * 3


def test_a_user_module_declaring_sequences_gets_the_sequence_recipe():
    class MeanNet(nn.Module):
        input_kind = "sequence"

        def __init__(self, n_outputs):
            super().__init__()
            self.linear = nn.Linear(1, n_outputs)

        def forward(self, X):
            return self.linear(X.nan_to_num().mean(dim=2))

    X, y = _sequences(60)
    clf = NeuralClassifier(module=MeanNet, max_epochs=2, random_state=0).fit(X, y)
    assert clf._optimizer.param_groups[0]["initial_lr"] == 3e-3
    assert "valid_loss" not in clf.history_[-1]


def test_tables_keep_the_tabular_rules():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    clf = NeuralClassifier(hidden_layer_sizes=(4,), max_epochs=2, random_state=0).fit(X, y)
    assert "valid_loss" in clf.history_[-1]  # 6 validation rows are held out
    assert [type(cb) for cb in clf.callbacks_] == [WeightAveraging, EarlyStopping]
    assert clf.history_.column("lr") == [1e-3, 1e-3]
