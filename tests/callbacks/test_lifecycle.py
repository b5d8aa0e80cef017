"""The trainer's lifecycle: validation hooks, on_exception, hooks called only
where overridden, and the callbacks built on them."""

import numpy as np
import pytest
import torch

from skneural.callbacks import Callback, LambdaCallback, WeightAveraging


class Recorder(Callback):
    """Records the hooks of the lifecycle in the order they run (into a class
    attribute: every fit works on a deep copy of its callbacks)."""

    calls = []

    def on_batch_end(self, trainer, batch, loss, **kwargs):
        if batch == trainer.batches_per_epoch - 1:
            self.calls.append("last_batch_end")

    def on_validation_begin(self, trainer, epoch, **kwargs):
        self.calls.append(("validation_begin", epoch))

    def on_validation_end(self, trainer, epoch, logs, **kwargs):
        self.calls.append(("validation_end", epoch, sorted(logs)))

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        self.calls.append(("epoch_end", epoch))

    def on_exception(self, trainer, exception, **kwargs):
        self.calls.append(("exception", type(exception).__name__))

    def on_train_end(self, trainer, **kwargs):
        self.calls.append("train_end")


@pytest.mark.parametrize("validation_fraction", [0.1, 0.0])
def test_validation_hooks_run_between_the_steps_and_the_epoch_end(
    make_net, data, validation_fraction
):
    calls = Recorder.calls = []
    make_net(callbacks=[Recorder()], max_epochs=2, validation_fraction=validation_fraction).fit(
        *data
    )
    metrics = ["train_loss", "valid_accuracy", "valid_loss"] if validation_fraction else []
    metrics = metrics or ["train_loss"]
    epochs = [
        [
            "last_batch_end",
            ("validation_begin", epoch),
            ("validation_end", epoch, ["epoch", *metrics]),
            ("epoch_end", epoch),
        ]
        for epoch in (1, 2)
    ]
    assert calls == [*epochs[0], *epochs[1], "train_end"]


class FailAt(Callback):
    def __init__(self, hook="on_epoch_end", error=RuntimeError):
        self.hook = hook
        self.error = error

    def on_train_begin(self, trainer, **kwargs):
        if self.hook == "on_train_begin":
            raise self.error("failed to begin")

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        if self.hook == "on_epoch_end" and epoch == 2:
            raise self.error("failed at epoch 2")


@pytest.mark.parametrize("hook", ["on_train_begin", "on_epoch_end"])
def test_on_exception_hears_of_an_error_before_train_end(make_net, data, hook):
    calls = Recorder.calls = []
    with pytest.raises(RuntimeError, match="failed"):
        make_net(callbacks=[FailAt(hook), Recorder()]).fit(*data)
    assert calls[-2:] == [("exception", "RuntimeError"), "train_end"]
    assert calls.count(("exception", "RuntimeError")) == 1


def test_on_exception_hears_of_an_interrupt(make_net, data):
    calls = Recorder.calls = []
    with pytest.warns(UserWarning, match="Training interrupted by the user after 2 epochs"):
        make_net(callbacks=[FailAt(error=KeyboardInterrupt), Recorder()]).fit(*data)
    assert calls[-2:] == [("exception", "KeyboardInterrupt"), "train_end"]


@pytest.mark.parametrize("hook", ["on_validation_begin", "on_validation_end", "on_exception"])
def test_new_hooks_are_called_only_where_overridden(make_net, data, monkeypatch, hook):
    calls = []
    monkeypatch.setattr(Callback, hook, lambda self, trainer, **kwargs: calls.append(self))
    with pytest.raises(RuntimeError):
        make_net(callbacks=[FailAt()]).fit(*data)
    assert calls == []


def _stop_in_first_batch(trainer, batch, **kwargs):
    trainer.should_stop = True


def test_weight_averaging_still_swaps_when_a_callback_ends_the_epoch_early(make_net, data):
    seen = []

    def compare(trainer, epoch, logs, **kwargs):
        (averaging,) = [cb for cb in trainer.callbacks if isinstance(cb, WeightAveraging)]
        state = averaging.state_dict()
        weights = list(trainer.module.parameters())
        seen.append((state["raw"] is not None, all(map(torch.equal, weights, state["average"]))))

    stop = LambdaCallback(on_batch_end=_stop_in_first_batch, on_epoch_end=compare)
    net = make_net(callbacks=[stop], weight_averaging=1.0).fit(*data)
    assert net.n_iter_ == 1
    assert seen == [(True, True)]  # the network holds the average, the raw weights are kept
    stop = LambdaCallback(on_batch_end=_stop_in_first_batch)
    raw = make_net(callbacks=[stop], weight_averaging=None).fit(*data)
    X = data[0]
    assert not np.allclose(net.predict_proba(X), raw.predict_proba(X))
