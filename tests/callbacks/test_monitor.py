"""Misused callbacks fail with errors that say what to do."""

import pytest

from skneural.callbacks import EarlyStopping, LRScheduler


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
    net = make_net(early_stopping=True, callbacks=[LRScheduler("no_such_schedule")])
    with pytest.raises(ValueError, match="Unknown learning-rate schedule"):
        net.fit(*data)
