"""SnapshotCallback and the snapshot ensembles."""

import math

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from skneural.callbacks import Callback
from skneural.ensemble import (
    SnapshotCallback,
    SnapshotEnsembleClassifier,
    SnapshotEnsembleRegressor,
)
from skneural.utils._sklearn_compat import InvalidParameterError


class StopAfter(Callback):
    """Stop training at the end of epoch ``epoch``."""

    def __init__(self, epoch=1):
        self.epoch = epoch

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        if epoch >= self.epoch:
            trainer.should_stop = True


class CtrlCAt(Callback):
    """Raise ``KeyboardInterrupt`` at the end of epoch ``epoch``, as Ctrl-C does."""

    def __init__(self, epoch=2):
        self.epoch = epoch

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        if epoch == self.epoch:
            raise KeyboardInterrupt


@pytest.mark.parametrize("cycle_epochs", [1, 3], ids=["after-a-snapshot", "before-any"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_ctrl_c_propagates_out_of_the_ensemble(
    classification_data, regression_data, tiny_classifier, tiny_regressor, kind, cycle_epochs
):
    # The inner fit once kept the weights trained so far and the ensemble
    # returned with fewer members, or failed for lack of a snapshot.
    if kind == "classifier":
        data, net, ensemble = classification_data, tiny_classifier, SnapshotEnsembleClassifier
    else:
        data, net, ensemble = regression_data, tiny_regressor, SnapshotEnsembleRegressor
    snapshots = ensemble(
        net(callbacks=[CtrlCAt(2)]), n_snapshots=3, cycle_epochs=cycle_epochs, random_state=0
    )
    with pytest.raises(KeyboardInterrupt):
        snapshots.fit(*data)
    assert not hasattr(snapshots, "estimators_")


def test_callback_anneals_with_restarts_and_snapshots_each_cycle(regression_data, tiny_regressor):
    X, y = regression_data
    lr, min_lr, cycle = 0.05, 0.01, 4
    net = tiny_regressor(
        lr=lr,
        max_epochs=2 * cycle,
        early_stopping=False,
        callbacks=[SnapshotCallback(cycle_epochs=cycle, min_lr=min_lr)],
    ).fit(X, y)
    expected = [
        min_lr + (lr - min_lr) * 0.5 * (1 + math.cos(math.pi * (e % cycle) / cycle))
        for e in range(2 * cycle)
    ]
    assert net.history_.column("lr") == pytest.approx(expected)
    callback = net.callbacks_[0]
    assert len(callback.snapshots_) == 2
    # The last snapshot is the final network; the first differs from it.
    final = net.module_.state_dict()
    for name, tensor in final.items():
        assert torch.equal(callback.snapshots_[1][name], tensor)
    assert not all(torch.equal(callback.snapshots_[0][k], final[k]) for k in final)
    assert callback.base_lrs_ == [lr]


def test_take_snapshots_hands_them_over_once(regression_data, tiny_regressor):
    X, y = regression_data
    net = tiny_regressor(
        max_epochs=2, early_stopping=False, callbacks=[SnapshotCallback(cycle_epochs=1)]
    ).fit(X, y)
    callback = net.callbacks_[0]
    assert len(callback.take_snapshots()) == 2
    assert callback.snapshots_ == []


@pytest.mark.parametrize("cycle_epochs", [0, 1.5])
def test_callback_rejects_bad_cycle_length(regression_data, tiny_regressor, cycle_epochs):
    X, y = regression_data
    net = tiny_regressor(callbacks=[SnapshotCallback(cycle_epochs=cycle_epochs)])
    with pytest.raises(InvalidParameterError, match="'cycle_epochs' parameter of SnapshotCallback"):
        net.fit(X, y)


def test_classifier_members_are_snapshots_and_proba_their_average(
    classification_data, tiny_classifier
):
    X, y = classification_data
    ensemble = SnapshotEnsembleClassifier(
        tiny_classifier(), n_snapshots=3, cycle_epochs=2, random_state=0
    ).fit(X, y)
    assert len(ensemble.estimators_) == 3
    assert len(ensemble.history_) == 6
    probas = [member.predict_proba(X) for member in ensemble.estimators_]
    assert not np.allclose(probas[0], probas[2])
    np.testing.assert_allclose(ensemble.predict_proba(X), np.mean(probas, axis=0))
    assert set(ensemble.predict(X)) <= set(ensemble.classes_)
    # The template keeps its own settings; only the trained copies change.
    assert ensemble.estimator.max_epochs == 5 and ensemble.estimator.callbacks is None


def test_regressor_mean_std_and_reproducibility(regression_data, tiny_regressor):
    X, y = regression_data
    params = {"n_snapshots": 2, "cycle_epochs": 3, "random_state": 1}
    first = SnapshotEnsembleRegressor(tiny_regressor(), **params).fit(X, y)
    second = SnapshotEnsembleRegressor(tiny_regressor(), **params).fit(X, y)
    mean, std = first.predict(X, return_std=True)
    members = np.stack([member.predict(X) for member in first.estimators_])
    np.testing.assert_allclose(mean, members.mean(axis=0))
    np.testing.assert_allclose(std, members.std(axis=0))
    np.testing.assert_array_equal(mean, second.predict(X))


def test_user_callbacks_run_and_an_early_stop_leaves_fewer_snapshots(
    regression_data, tiny_regressor
):
    X, y = regression_data
    net = tiny_regressor(callbacks=[StopAfter(epoch=4)])
    ensemble = SnapshotEnsembleRegressor(net, n_snapshots=3, cycle_epochs=2)
    with pytest.warns(UserWarning, match="only 2 of 3 snapshots were taken"):
        ensemble.fit(X, y)
    assert len(ensemble.estimators_) == 2


def test_a_stop_before_the_first_cycle_ends_is_an_error(regression_data, tiny_regressor):
    X, y = regression_data
    net = tiny_regressor(callbacks=[StopAfter(epoch=1)])
    with pytest.raises(RuntimeError, match="no snapshot was taken"):
        SnapshotEnsembleRegressor(net, n_snapshots=2, cycle_epochs=3).fit(X, y)


def test_min_lr_must_be_below_lr(regression_data, tiny_regressor):
    X, y = regression_data
    ensemble = SnapshotEnsembleRegressor(tiny_regressor(lr=1e-3), min_lr=1e-2)
    with pytest.raises(ValueError, match=r"min_lr=0.01 must be below the estimator's lr=0.001"):
        ensemble.fit(X, y)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"estimator": LogisticRegression()}, "'estimator' parameter .*NeuralClassifier"),
        ({"n_snapshots": 1}, r"'n_snapshots' .* range \[2, inf\)"),
    ],
)
def test_bad_parameters(binary_data, params, message):
    X, y = binary_data
    with pytest.raises(InvalidParameterError, match=message):
        SnapshotEnsembleClassifier(**params).fit(X, y)


def test_return_std_on_the_classifier_is_an_error(binary_data, tiny_classifier):
    X, y = binary_data
    ensemble = SnapshotEnsembleClassifier(tiny_classifier(), n_snapshots=2, cycle_epochs=1)
    ensemble.fit(X, y)
    with pytest.raises(ValueError, match="only available for regressors"):
        ensemble.predict(X, return_std=True)
