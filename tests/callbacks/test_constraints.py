"""Callback settings are validated from a constraint table when fit starts."""

import inspect

import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skneural.callbacks import (
    Callback,
    Checkpoint,
    EarlyStopping,
    GradientClipping,
    LambdaCallback,
    LRScheduler,
    MLflowLogger,
    MonitorCallback,
    ProgressBar,
    TensorBoardLogger,
    WeightAveraging,
)
from skneural.ensemble import SnapshotCallback
from skneural.model_selection import OptunaPruningCallback

BUILT_IN = [
    Checkpoint,
    EarlyStopping,
    GradientClipping,
    LambdaCallback,
    LRScheduler,
    MLflowLogger,
    MonitorCallback,
    ProgressBar,
    TensorBoardLogger,
    WeightAveraging,
    SnapshotCallback,
    OptunaPruningCallback,
]


@pytest.mark.parametrize("cls", BUILT_IN)
def test_every_parameter_has_a_constraint(cls):
    parameters = set(inspect.signature(cls.__init__).parameters) - {"self"}
    assert parameters <= set(cls._parameter_constraints)


class BeginSpy(Callback):
    """Records whether any callback's training began."""

    began = []

    def on_train_begin(self, trainer, **kwargs):
        self.began.append(True)


@pytest.mark.parametrize(
    "callback, parameter",
    [
        (Checkpoint(every=0), "every"),
        (Checkpoint(mode="up"), "mode"),
        (Checkpoint(resume=3), "resume"),
        (EarlyStopping(patience=0), "patience"),
        (EarlyStopping(min_delta=-1.0), "min_delta"),
        (EarlyStopping(relative_delta=1.0), "relative_delta"),
        (EarlyStopping(restore_best_weights="yes"), "restore_best_weights"),
        (EarlyStopping(monitor=3), "monitor"),
        (GradientClipping(max_norm=-1.0), "max_norm"),
        (GradientClipping(max_value="0.1"), "max_value"),
        (GradientClipping(max_norm=1.0, norm_type=0), "norm_type"),
        (LambdaCallback(on_batch_end="print"), "on_batch_end"),
        (LRScheduler("exponential"), "policy"),
        (LRScheduler("step", step_every="iteration"), "step_every"),
        (LRScheduler("step", params=[("step_size", 2)]), "params"),
        (MLflowLogger(tags=["a"]), "tags"),
        (ProgressBar(metrics="train_loss"), "metrics"),
        (TensorBoardLogger(log_dir=None), "log_dir"),
        (WeightAveraging(horizon_epochs=0), "horizon_epochs"),
        (SnapshotCallback(cycle_epochs=1.5), "cycle_epochs"),
        (SnapshotCallback(min_lr=-0.1), "min_lr"),
    ],
)
def test_a_bad_setting_fails_before_training_begins(make_net, data, callback, parameter):
    BeginSpy.began.clear()
    name = type(callback).__name__
    with pytest.raises(InvalidParameterError, match=f"'{parameter}' parameter of {name} must"):
        make_net(callbacks=[BeginSpy(), callback]).fit(*data)
    assert BeginSpy.began == []


def test_a_user_callback_declares_its_own_constraints(make_net, data):
    class Every(Callback):
        _parameter_constraints = {"n": [int]}

        def __init__(self, n=1):
            self.n = n

    make_net(callbacks=[Every(2)], max_epochs=1).fit(*data)
    with pytest.raises(InvalidParameterError, match="'n' parameter of Every must be"):
        make_net(callbacks=[Every("2")]).fit(*data)
