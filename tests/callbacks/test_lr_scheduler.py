import math

import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError
from torch.optim import lr_scheduler

from skneural.callbacks import LambdaCallback, LRScheduler

LR = 0.01


def _reference_lrs(make_scheduler, n_steps):
    """Learning rates of ``n_steps`` steps of a scheduler driven directly by torch."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=LR)
    scheduler = make_scheduler(optimizer, n_steps)
    lrs = []
    for _ in range(n_steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


def _fit_recording_batch_lrs(make_net, data, scheduler, **params):
    batch_lrs = []
    record = LambdaCallback(
        on_batch_begin=lambda trainer, **kw: batch_lrs.append(
            trainer.optimizer.param_groups[0]["lr"]
        )
    )
    net = make_net(callbacks=[scheduler, record], **params).fit(*data)
    return net, batch_lrs


@pytest.mark.parametrize(
    "policy, params, reference",
    [
        ("step", {"step_size": 2, "gamma": 0.5}, lambda o, n: lr_scheduler.StepLR(o, 2, 0.5)),
        ("step", {}, lambda o, n: lr_scheduler.StepLR(o, 10, 0.1)),
        ("cosine", {}, lambda o, n: lr_scheduler.CosineAnnealingLR(o, T_max=n)),
        ("one_cycle", {}, lambda o, n: lr_scheduler.OneCycleLR(o, max_lr=LR, total_steps=n)),
        (
            "linear_warmup",
            {"warmup_steps": 3},
            lambda o, n: lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=3),
        ),
        (
            lr_scheduler.ExponentialLR,
            {"gamma": 0.7},
            lambda o, n: lr_scheduler.ExponentialLR(o, gamma=0.7),
        ),
    ],
)
@pytest.mark.parametrize("step_every", ["epoch", "batch"])
def test_schedule_matches_torch(make_net, data, policy, params, reference, step_every):
    # The schedule over a fit equals torch's scheduler run for the total number
    # of steps the fit takes, which the callback derives from the trainer.
    scheduler = LRScheduler(policy, step_every=step_every, params=params)
    net, batch_lrs = _fit_recording_batch_lrs(make_net, data, scheduler, max_epochs=4)
    if step_every == "batch":
        assert batch_lrs == pytest.approx(_reference_lrs(reference, len(batch_lrs)))
    else:
        expected = _reference_lrs(reference, net.n_iter_)
        assert net.history_.column("lr") == pytest.approx(expected)
        # the lr recorded for an epoch is the one every batch of it used
        batches = len(batch_lrs) // net.n_iter_
        assert batch_lrs == pytest.approx([lr for lr in expected for _ in range(batches)])


def test_linear_warmup_then_cosine(make_net, data):
    scheduler = LRScheduler(
        "linear_warmup", params={"warmup_steps": 2, "start_factor": 0.5, "then": "cosine"}
    )
    net = make_net(callbacks=[scheduler], max_epochs=5).fit(*data)
    cosine = [LR * (1 + math.cos(math.pi * t / 3)) / 2 for t in range(3)]
    assert net.history_.column("lr") == pytest.approx([0.5 * LR, 0.75 * LR, *cosine])


@pytest.mark.parametrize("policy", ["reduce_on_plateau", lr_scheduler.ReduceLROnPlateau])
def test_reduce_on_plateau_lowers_lr_when_monitor_stalls(make_net, data, policy):
    # threshold=1 asks for a relative improvement of 100%: no epoch improves.
    scheduler = LRScheduler(
        policy,
        params={"patience": 0, "factor": 0.5, "threshold": 1.0},
        monitor="train_loss",
    )
    net = make_net(callbacks=[scheduler], max_epochs=4).fit(*data)
    assert net.history_.column("lr") == pytest.approx([LR, LR / 2, LR / 4, LR / 8])
    assert net.callbacks_[0].monitor_ == "train_loss"


@pytest.mark.parametrize("monitor, mode", [("valid_loss", "min"), ("valid_accuracy", "max")])
def test_reduce_on_plateau_mode_follows_monitor(make_net, data, monitor, mode):
    scheduler = LRScheduler("reduce_on_plateau", monitor=monitor)
    net = make_net(callbacks=[scheduler], max_epochs=2).fit(*data)
    assert net.callbacks_[0].state_dict()["mode"] == mode


def test_reduce_on_plateau_falls_back_to_train_loss(make_net, data):
    scheduler = LRScheduler("reduce_on_plateau", monitor="valid_loss")
    with pytest.warns(UserWarning, match="no validation data; monitoring 'train_loss'"):
        net = make_net(callbacks=[scheduler], validation_fraction=0.0, max_epochs=2).fit(*data)
    assert net.callbacks_[0].monitor_ == "train_loss"


@pytest.mark.parametrize(
    "scheduler, error, match",
    [
        (LRScheduler("exponential"), InvalidParameterError, "'policy' parameter of LRScheduler"),
        (LRScheduler(torch.optim.SGD), TypeError, "torch.optim.lr_scheduler class"),
        (LRScheduler(0.1), InvalidParameterError, "'policy' parameter .* Got 0.1 instead"),
        (
            LRScheduler("step", step_every="iteration"),
            InvalidParameterError,
            "'step_every' parameter of LRScheduler",
        ),
        (
            LRScheduler("reduce_on_plateau", step_every="batch"),
            ValueError,
            "use step_every='epoch'",
        ),
        (LRScheduler("step", params={"step": 3}), TypeError, r"'step' with params \['step'\]"),
        (LRScheduler("linear_warmup", params={"warmup": 3}), TypeError, "valid: "),
        (LRScheduler("linear_warmup", params={"warmup_steps": 0}), ValueError, "positive"),
        (LRScheduler("linear_warmup", params={"then": "linear"}), ValueError, "'cosine'"),
        (
            LRScheduler("step", params={"step_size": 0}),
            ValueError,
            r"schedule 'step' with params=\{'step_size': 0\}: step_size must be a positive",
        ),
        (
            LRScheduler("cosine", params={"T_max": 0}),
            ValueError,
            r"schedule 'cosine' .*T_max must be a positive integer, got 0",
        ),
        (
            LRScheduler("one_cycle", params={"total_steps": 0}),
            ValueError,
            r"schedule 'one_cycle' with params=\{'total_steps': 0\}: .*total_steps",
        ),
        (
            LRScheduler(lr_scheduler.StepLR, params={"step_size": 0}),
            ValueError,
            r"schedule StepLR with params=\{'step_size': 0\} failed to step: .*by zero",
        ),
    ],
)
def test_invalid_configuration_is_rejected(make_net, data, scheduler, error, match):
    with pytest.raises(error, match=match):
        make_net(callbacks=[scheduler]).fit(*data)


def test_state_dict_live_and_after_training(make_net, data):
    seen = []
    read_state = LambdaCallback(
        on_epoch_end=lambda trainer, **kw: seen.append(
            trainer.callbacks[0].state_dict()["last_epoch"]
        )
    )
    scheduler = LRScheduler("step", params={"step_size": 2})
    assert scheduler.state_dict() == {}
    net = make_net(callbacks=[scheduler, read_state], max_epochs=3).fit(*data)
    assert seen == [1, 2, 3]
    fitted = net.callbacks_[0]
    assert fitted.scheduler_ is None
    assert fitted.state_dict()["last_epoch"] == 3


def test_load_state_dict_before_fit_resumes_the_schedule(make_net, data):
    first = make_net(callbacks=[LRScheduler("step", params={"step_size": 2})], max_epochs=3)
    state = first.fit(*data).callbacks_[0].state_dict()
    resumed = LRScheduler("step", params={"step_size": 2})
    resumed.load_state_dict(state)
    net = make_net(callbacks=[resumed], max_epochs=2).fit(*data)
    assert net.callbacks_[0].state_dict()["last_epoch"] == 5


@pytest.mark.parametrize(
    "policy, params",
    [("cosine", None), ("one_cycle", None), ("step", {"step_size": 1, "gamma": 0.5})],
)
def test_warm_start_runs_the_schedule_again_from_the_base_lr(make_net, data, policy, params):
    net = make_net(callbacks=[LRScheduler(policy, params=params)], warm_start=True, max_epochs=3)
    net.fit(*data)
    net.fit(*data)
    lrs = net.history_.column("lr")
    assert len(lrs) == 6
    assert lrs[0] != pytest.approx(lrs[2])  # the schedule does change the lr
    assert lrs[3:] == pytest.approx(lrs[:3])
