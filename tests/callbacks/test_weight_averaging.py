"""WeightAveraging: the moving average, the swap around validation, resume."""

import numpy as np
import pytest
import torch
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import InvalidParameterError
from torch import nn

from skneural import NeuralClassifier, NeuralRegressor
from skneural.callbacks import WeightAveraging
from skneural.data._split import validation_split
from tests.conftest import FAST


class _Trainer:
    """The parts of a trainer the callback reads."""

    def __init__(self, module, batches_per_epoch):
        self.module = module
        self.batches_per_epoch = batches_per_epoch


def _run_epoch(callback, trainer, raw_values, epoch):
    """Set the weight to each raw value in turn, as optimizer steps would."""
    weight = trainer.module.weight
    callback.on_epoch_begin(trainer, epoch=epoch)
    for batch, value in enumerate(raw_values):
        with torch.no_grad():
            weight.fill_(value)
        callback.on_batch_end(trainer, batch=batch, loss=None)
    callback.on_validation_begin(trainer, epoch=epoch)


def test_the_network_holds_the_average_between_epochs_and_trains_on_raw_weights():
    module = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        module.weight.fill_(0.0)
    trainer = _Trainer(module, batches_per_epoch=2)
    callback = WeightAveraging(horizon_epochs=1.0)  # decay 1 - 1/2
    callback.on_train_begin(trainer)
    assert callback.decay_ == 0.5
    _run_epoch(callback, trainer, [4.0, 8.0], epoch=1)
    # average: 0 -> 0.5*0 + 0.5*4 = 2 -> 0.5*2 + 0.5*8 = 5
    assert module.weight.item() == pytest.approx(5.0)
    callback.on_epoch_begin(trainer, epoch=2)
    assert module.weight.item() == pytest.approx(8.0)  # training resumes from the raw weight
    callback.on_train_end(trainer)
    assert callback._average is None and callback._raw is None


def test_state_dict_round_trip_continues_identically():
    def run(resume_after_first_epoch):
        module = nn.Linear(1, 1, bias=False)
        with torch.no_grad():
            module.weight.fill_(1.0)
        trainer = _Trainer(module, batches_per_epoch=3)
        callback = WeightAveraging(horizon_epochs=2.0)
        callback.on_train_begin(trainer)
        _run_epoch(callback, trainer, [2.0, 3.0, 4.0], epoch=1)
        if resume_after_first_epoch:
            state = {
                "average": [t.clone() for t in callback.state_dict()["average"]],
                "raw": [t.clone() for t in callback.state_dict()["raw"]],
            }
            saved_weight = module.weight.detach().clone()
            module = nn.Linear(1, 1, bias=False)
            with torch.no_grad():
                module.weight.copy_(saved_weight)  # the checkpoint holds the average
            trainer = _Trainer(module, batches_per_epoch=3)
            callback = WeightAveraging(horizon_epochs=2.0)
            callback.on_train_begin(trainer)
            callback.load_state_dict(state)
        _run_epoch(callback, trainer, [5.0, 6.0, 7.0], epoch=2)
        return module.weight.item()

    assert run(True) == run(False)


def test_a_tiny_horizon_is_no_averaging(regression_data):
    X, y = regression_data
    raw = NeuralRegressor(**FAST, weight_averaging=None).fit(X, y)
    tiny = NeuralRegressor(**FAST, weight_averaging=1e-9).fit(X, y)
    averaged = NeuralRegressor(**FAST, weight_averaging=3.0).fit(X, y)
    np.testing.assert_allclose(tiny.predict(X), raw.predict(X), rtol=1e-5, atol=1e-5)
    assert np.abs(averaged.predict(X) - raw.predict(X)).max() > 1e-3


def test_validation_loss_is_measured_on_the_averaged_weights(regression_data):
    X, y = regression_data
    reg = NeuralRegressor(
        **FAST, weight_averaging=2.0, early_stopping=False, standardize_target=False
    ).fit(X, y)
    # With early stopping off, the fit ends on the last epoch's averaged weights,
    # which are the ones the last validation loss was computed with.
    valid_rows = np.setdiff1d(np.arange(len(y)), _train_rows(reg, X))
    pred = reg.predict(X[valid_rows])
    expected = np.mean((pred - y[valid_rows]) ** 2)
    assert reg.history_[-1]["valid_loss"] == pytest.approx(expected, rel=1e-4)


def _train_rows(reg, X):
    """The estimator's training rows, drawn as its fit draws them."""
    split_seed = check_random_state(reg.random_state).randint(np.iinfo(np.int32).max, size=2)[0]
    train, _ = validation_split(X.shape[0], reg.validation_fraction, int(split_seed))
    return train


def test_estimators_add_it_except_for_partial_fit(classification_data):
    X, y = classification_data
    clf = NeuralClassifier(**FAST).fit(X, y)
    assert [type(cb).__name__ for cb in clf.callbacks_] == ["WeightAveraging", "EarlyStopping"]
    clf = NeuralClassifier(**FAST).partial_fit(X, y, classes=np.unique(y))
    assert not any(isinstance(cb, WeightAveraging) for cb in clf.callbacks_)


@pytest.mark.parametrize("value", [0, -1.0])
def test_a_horizon_that_is_not_positive_is_rejected(classification_data, value):
    with pytest.raises(InvalidParameterError, match="weight_averaging"):
        NeuralClassifier(**FAST, weight_averaging=value).fit(*classification_data)
    callback = WeightAveraging(value)
    with pytest.raises(
        InvalidParameterError, match="'horizon_epochs' parameter of WeightAveraging"
    ):
        NeuralClassifier(**FAST, weight_averaging=None, callbacks=[callback]).fit(
            *classification_data
        )
