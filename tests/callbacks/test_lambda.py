import pytest
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from skneural.callbacks import LambdaCallback, LRScheduler

HOOKS = [
    "on_train_begin",
    "on_epoch_begin",
    "on_batch_begin",
    "on_after_backward",
    "on_batch_end",
    "on_validation_begin",
    "on_validation_end",
    "on_epoch_end",
    "on_exception",
    "on_train_end",
]


def test_every_hook_runs_its_function_with_the_hook_arguments(make_net, data):
    calls = []

    def recorder(hook):
        return lambda trainer, **kwargs: calls.append((hook, sorted(kwargs), trainer.epoch))

    callback = LambdaCallback(**{hook: recorder(hook) for hook in HOOKS})
    make_net(callbacks=[callback], max_epochs=2).fit(*data)

    n_batches = 4  # 54 training rows in batches of 16
    counts = {hook: sum(call[0] == hook for call in calls) for hook in HOOKS}
    assert counts == {
        "on_train_begin": 1,
        "on_epoch_begin": 2,
        "on_batch_begin": 2 * n_batches,
        "on_after_backward": 2 * n_batches,
        "on_batch_end": 2 * n_batches,
        "on_validation_begin": 2,
        "on_validation_end": 2,
        "on_epoch_end": 2,
        "on_exception": 0,
        "on_train_end": 1,
    }
    arguments = {hook: kwargs for hook, kwargs, _ in calls}
    assert arguments == {
        "on_train_begin": [],
        "on_epoch_begin": ["epoch"],
        "on_batch_begin": ["batch"],
        "on_after_backward": ["batch"],
        "on_batch_end": ["batch", "loss"],
        "on_validation_begin": ["epoch"],
        "on_validation_end": ["epoch", "logs"],
        "on_epoch_end": ["epoch", "logs"],
        "on_train_end": [],
    }
    assert calls[0][0] == "on_train_begin" and calls[-1][0] == "on_train_end"


def test_function_can_add_to_logs_and_stop_training(make_net, data):
    def stop_after_two(trainer, epoch, logs, **kwargs):
        logs["double_loss"] = 2 * logs["train_loss"]
        trainer.should_stop = epoch == 2

    net = make_net(callbacks=[LambdaCallback(on_epoch_end=stop_after_two)]).fit(*data)
    assert net.n_iter_ == 2
    assert net.history_.column("double_loss") == [2 * v for v in net.history_.column("train_loss")]


def test_params_are_the_functions(make_net):
    function = print
    callback = LambdaCallback(on_epoch_end=function)
    params = callback.get_params()
    assert params["on_epoch_end"] is function
    assert params["on_batch_end"] is None and set(params) == set(HOOKS)
    cloned = clone(callback)
    assert cloned is not callback and cloned.get_params()["on_epoch_end"] is function
    assert callback.set_params(on_train_end=len).get_params()["on_train_end"] is len
    assert "on_epoch_end=<built-in function print>" in repr(callback)
    net = clone(make_net(callbacks=[callback]))
    assert net.callbacks[0].get_params()["on_train_end"] is len


def test_set_params_rejects_unknown_hooks():
    with pytest.raises(ValueError, match="valid parameters are"):
        LambdaCallback().set_params(on_step=print)


def test_non_callable_is_rejected(make_net, data):
    with pytest.raises(InvalidParameterError, match="'on_epoch_end' parameter of LambdaCallback"):
        make_net(callbacks=[LambdaCallback(on_epoch_end=3)]).fit(*data)


def test_train_end_runs_when_a_later_callback_fails_to_begin(make_net, data):
    ended = []
    callbacks = [
        LambdaCallback(on_train_end=lambda trainer, **kwargs: ended.append(trainer.epoch)),
        LRScheduler("reduce_on_plateau", step_every="batch"),
    ]
    with pytest.raises(ValueError, match="plateau schedule steps on a per-epoch metric"):
        make_net(callbacks=callbacks).fit(*data)
    assert ended == [0]
