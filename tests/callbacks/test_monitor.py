"""Misused callbacks fail with errors that say what to do."""

import pytest
from sklearn.metrics import get_scorer_names

from skneural.callbacks import Checkpoint, EarlyStopping, LambdaCallback, LRScheduler
from skneural.callbacks._monitor import metric_direction


@pytest.mark.parametrize(
    "callback, owner",
    [
        (EarlyStopping(monitor="valid_f1"), "EarlyStopping"),
        (LRScheduler("reduce_on_plateau", monitor="valid_f1"), "LRScheduler"),
    ],
)
def test_unknown_monitor_lists_the_available_metrics(make_net, data, callback, owner):
    expected = "['duration', 'lr', 'train_loss', 'valid_accuracy', 'valid_loss']"
    with pytest.raises(ValueError) as error:
        make_net(callbacks=[callback]).fit(*data)
    message = str(error.value)
    assert message.startswith(f"{owner} monitors 'valid_f1', which is not in the training")
    assert message.endswith(f"available metrics: {expected}.")


@pytest.mark.parametrize(
    "callback", [EarlyStopping(), LRScheduler("reduce_on_plateau", monitor="valid_accuracy")]
)
def test_valid_monitor_without_validation_falls_back_with_a_warning(make_net, data, callback):
    with pytest.warns(UserWarning, match="but this fit has no validation data") as record:
        net = make_net(callbacks=[callback], validation_fraction=0.0, max_epochs=2).fit(*data)
    assert type(callback).__name__ in str(record[0].message)
    assert net.callbacks_[0].monitor_ == "train_loss"


@pytest.mark.parametrize("entry", [object(), EarlyStopping, lambda trainer: None])
def test_non_callback_entries_are_rejected(make_net, data, entry):
    with pytest.raises(TypeError, match="must be a skneural.callbacks.Callback instance"):
        make_net(callbacks=[entry]).fit(*data)


def test_early_stopping_ends_cleanly_when_training_never_began(make_net, data):
    # The estimator's own EarlyStopping comes after the failing callback, so its
    # on_train_begin never runs; its on_train_end must not hide the real error.
    net = make_net(
        early_stopping=True, callbacks=[LRScheduler("reduce_on_plateau", step_every="batch")]
    )
    with pytest.raises(ValueError, match="plateau schedule steps on a per-epoch metric"):
        net.fit(*data)


@pytest.mark.parametrize(
    "metric, direction",
    [
        ("train_loss", "min"),
        ("valid_loss", "min"),
        ("valid_accuracy", "max"),
        ("valid_r2", "max"),
        ("valid_mae", "min"),
        ("valid_mse", "min"),
        ("train_rmse", "min"),
        ("valid_log_loss", "min"),
        ("valid_auc", "max"),
        ("valid_roc_auc", "max"),
        ("valid_f1", "max"),
        ("valid_neg_log_loss", "max"),
        ("valid_neg_mean_absolute_error", "max"),
        ("valid_balanced_accuracy", "max"),
    ],
)
def test_auto_mode_reads_the_direction_from_a_table(metric, direction):
    assert metric_direction(metric) == direction


@pytest.mark.parametrize("scorer", get_scorer_names())
def test_every_scikit_learn_scorer_is_maximised(scorer):
    assert metric_direction(f"valid_{scorer}") == "max"


def _record(name, values):
    """A callback writing ``values[epoch - 1]`` into each epoch's ``logs[name]``."""
    return LambdaCallback(
        on_epoch_end=lambda trainer, epoch, logs, **kwargs: logs.update({name: values[epoch - 1]})
    )


def test_a_falling_error_metric_is_an_improvement(make_net, data):
    falling = _record("valid_mae", [5.0, 4.0, 3.0, 2.0, 1.0])
    stop = EarlyStopping(monitor="valid_mae", patience=1)
    net = make_net(callbacks=[falling, stop]).fit(*data)
    assert net.n_iter_ == 5
    assert net.callbacks_[1].mode_ == "min" and net.callbacks_[1].best_ == 1.0


def test_plateau_schedule_minimises_an_error_metric(make_net, data):
    falling = _record("valid_mae", [5.0, 4.0, 3.0, 2.0, 1.0])
    plateau = LRScheduler("reduce_on_plateau", monitor="valid_mae", params={"patience": 0})
    net = make_net(callbacks=[falling, plateau]).fit(*data)
    assert net.history_.column("lr") == [0.01] * 5


@pytest.mark.parametrize(
    "callback",
    [
        EarlyStopping(monitor="valid_max_weight"),
        Checkpoint(monitor="max_weight"),
        LRScheduler("reduce_on_plateau", monitor="valid_max_weight"),
    ],
)
def test_an_unknown_metric_needs_an_explicit_mode(make_net, data, tmp_path, callback):
    if isinstance(callback, Checkpoint):
        callback.set_params(dirname=tmp_path)
    seen = []
    spy = LambdaCallback(on_epoch_begin=lambda trainer, epoch, **kwargs: seen.append(epoch))
    with pytest.raises(ValueError, match="max_weight.*Pass mode='min' or mode='max'"):
        make_net(callbacks=[spy, callback]).fit(*data)
    assert seen == []  # refused before the first epoch


def test_an_explicit_mode_accepts_any_metric(make_net, data):
    rising = _record("valid_max_weight", [1.0, 2.0, 3.0, 4.0, 5.0])
    stop = EarlyStopping(monitor="valid_max_weight", mode="min", patience=2)
    net = make_net(callbacks=[rising, stop]).fit(*data)
    assert net.n_iter_ == 3 and net.callbacks_[1].best_epoch_ == 1


@pytest.mark.parametrize(
    ("mode", "best", "value", "improves"),
    [
        ("min", 1.0, 0.9985, False),  # 0.15% better: under 0.2% of the best
        ("min", 1.0, 0.997, True),
        ("min", 0.01, 0.0098, True),  # 2%: the relative threshold (2e-5) is below min_delta
        ("min", 0.01, 0.00995, False),  # 5e-5: under min_delta
        ("max", -2.0, -1.997, False),  # a negative best: the threshold follows its magnitude
        ("max", -2.0, -1.995, True),
    ],
)
def test_an_improvement_must_beat_both_thresholds(mode, best, value, improves):
    callback = EarlyStopping(mode=mode, min_delta=1e-4, relative_delta=2e-3)
    callback._reset_monitor("valid_loss")
    callback.best_ = best
    assert callback._is_improvement(value) is improves


def test_the_first_epoch_is_always_an_improvement_with_a_relative_delta():
    callback = EarlyStopping(relative_delta=0.5)
    callback._reset_monitor("valid_loss")
    assert callback._is_improvement(123.0)
