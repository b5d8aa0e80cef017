"""Training behaviour: validation, early stopping, history, weights, continuation."""

import warnings

import numpy as np
import pytest
import sklearn
import torch
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.callbacks import Callback, LambdaCallback
from skneural.estimators import _base
from tests.conftest import FAST


def test_history_records_train_and_validation(classification_data):
    clf = NeuralClassifier(**{**FAST, "early_stopping": False}).fit(*classification_data)
    frame = clf.history_.to_frame()
    assert list(frame.index) == list(range(1, 21))
    assert {"train_loss", "valid_loss", "valid_accuracy", "lr", "duration"} <= set(frame)
    assert frame["train_loss"].iloc[-1] < frame["train_loss"].iloc[0]
    assert clf.n_iter_ == 20


def test_loss_curve_is_the_training_loss_per_epoch(classification_data):
    clf = NeuralClassifier(**FAST)
    assert not hasattr(clf, "loss_curve_")
    with pytest.raises(NotFittedError):
        _ = clf.loss_curve_
    clf.fit(*classification_data)
    assert clf.loss_curve_ == [row["train_loss"] for row in clf.history_]
    assert len(clf.loss_curve_) == clf.n_iter_


def test_no_validation_split(classification_data):
    params = {**FAST, "validation_fraction": 0.0, "early_stopping": False}
    clf = NeuralClassifier(**params).fit(*classification_data)
    assert "valid_loss" not in clf.history_[0]


def test_early_stopping_stops_and_restores_best(regression_data):
    X, y = regression_data
    noise = np.random.RandomState(0).normal(size=len(y)) * y.std()
    reg = NeuralRegressor(
        hidden_layer_sizes=(64, 64), max_epochs=300, lr=1e-2, n_iter_no_change=5, random_state=0
    ).fit(X, y + 3 * noise)
    valid_loss = reg.history_.column("valid_loss")
    assert reg.n_iter_ < 300
    best_epoch = int(np.argmin(valid_loss)) + 1
    assert reg.n_iter_ == best_epoch + 5
    assert reg.callbacks_[-1].best_epoch_ == best_epoch


def test_early_stopping_without_validation_monitors_train_loss(classification_data):
    params = {**FAST, "validation_fraction": 0.0, "max_epochs": 200, "tol": 0.5}
    clf = NeuralClassifier(**params).fit(*classification_data)
    assert clf.callbacks_[-1].monitor_ == "train_loss"
    assert clf.n_iter_ < 200


def test_validation_split_is_stratified(classification_data):
    class RecordSizes(Callback):
        def on_train_begin(self, trainer, **kwargs):
            self.has_validation_ = trainer.has_validation

    clf = NeuralClassifier(callbacks=[RecordSizes()], **FAST).fit(*classification_data)
    assert clf.callbacks_[0].has_validation_


def test_partial_fit_one_epoch_per_call(classification_data):
    X, y = classification_data
    clf = NeuralClassifier(**FAST)
    for _ in range(3):
        clf.partial_fit(X, y, classes=np.unique(y))
    assert clf.n_iter_ == 3
    assert "valid_loss" not in clf.history_[-1]
    assert clf.history_[2]["train_loss"] < clf.history_[0]["train_loss"]


def test_warm_start_continues_training(classification_data):
    X, y = classification_data
    params = {**FAST, "early_stopping": False, "max_epochs": 5}
    clf = NeuralClassifier(warm_start=True, **params).fit(X, y)
    first_weights = [p.detach().clone() for p in clf.module_.parameters()]
    clf.fit(X, y)
    assert clf.n_iter_ == 10
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(first_weights, clf.module_.parameters(), strict=True)
    )
    cold = NeuralClassifier(**params).fit(X, y)
    cold.fit(X, y)
    assert cold.n_iter_ == 5


def test_weight_of_two_equals_duplicated_row(regression_data):
    X, y = regression_data
    full_batch = {
        "hidden_layer_sizes": (8,),
        "dropout": 0.0,
        "max_epochs": 15,
        "lr": 1e-2,
        "batch_size": 1000,
        "validation_fraction": 0.0,
        "early_stopping": False,
        "random_state": 0,
    }
    weights = np.ones(len(y))
    weights[:50] = 2
    weighted = NeuralRegressor(**full_batch)
    weighted.fit(X, y, sample_weight=weights)
    duplicated = NeuralRegressor(**full_batch)
    duplicated.fit(np.vstack([X, X[:50]]), np.concatenate([y, y[:50]]))
    np.testing.assert_allclose(weighted.predict(X), duplicated.predict(X), rtol=1e-4, atol=1e-4)
    unweighted = NeuralRegressor(**full_batch).fit(X, y)
    assert np.abs(unweighted.predict(X) - weighted.predict(X)).max() > 1e-3


def test_zero_weight_rows_are_ignored(binary_data):
    X, y = binary_data
    y_flipped = 1 - y
    weights = np.r_[np.ones(len(y)), np.zeros(len(y))]
    params = {**FAST, "validation_fraction": 0.0, "max_epochs": 40}
    clf = NeuralClassifier(**params).fit(np.vstack([X, X]), np.r_[y, y_flipped], weights)
    assert clf.score(X, y) > 0.9


def test_class_weight_shifts_predictions(binary_data):
    X, y = binary_data
    plain = NeuralClassifier(**FAST).fit(X, y)
    favour_one = NeuralClassifier(class_weight={0: 1.0, 1: 20.0}, **FAST).fit(X, y)
    assert favour_one.predict(X).mean() > plain.predict(X).mean()
    balanced = NeuralClassifier(class_weight="balanced", **FAST).fit(X[:120], y[:120])
    assert balanced.score(X, y) > 0.7


def test_sample_weight_routed_through_pipeline_and_search(binary_data):
    X, y = binary_data
    weights = np.where(y == 1, 5.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        net = NeuralClassifier(**FAST).set_fit_request(sample_weight=True)
        net.set_score_request(sample_weight=True)
        pipeline = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), net)
        search = GridSearchCV(pipeline, {"neuralclassifier__lr": [1e-2]}, cv=2)
        search.fit(X, y, sample_weight=weights)
        routed = search.best_estimator_[-1].predict(X).mean()
    unweighted = GridSearchCV(
        make_pipeline(StandardScaler(), NeuralClassifier(**FAST)),
        {"neuralclassifier__lr": [1e-2]},
        cv=2,
    ).fit(X, y)
    assert routed > unweighted.best_estimator_[-1].predict(X).mean()


class _InterruptAt(Callback):
    def __init__(self, epoch=3):
        self.epoch = epoch

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        if epoch == self.epoch:
            raise KeyboardInterrupt


def test_ctrl_c_stops_cleanly_and_keeps_the_model(classification_data):
    X, y = classification_data
    clf = NeuralClassifier(callbacks=[_InterruptAt(3)], **{**FAST, "early_stopping": False})
    with pytest.warns(UserWarning, match="interrupted by the user after 3 epochs"):
        clf.fit(X, y)
    assert clf.n_iter_ == 3
    assert clf.predict(X).shape == y.shape


class _InterruptAtBatch(Callback):
    def on_batch_end(self, trainer, batch, loss, **kwargs):
        if batch == 1:
            raise KeyboardInterrupt


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    "where", ["build_optimizer", "build_module", "select_input_layer", "first epoch"]
)
def test_ctrl_c_before_the_first_epoch_leaves_an_unfitted_estimator(
    classification_data, monkeypatch, where
):
    # The optimizer construction takes ~1.8 s in a fresh process: a Ctrl-C
    # there left module_ set and predict returning untrained outputs.
    clf = NeuralClassifier(**FAST)
    if where == "first epoch":
        clf.set_params(callbacks=[_InterruptAtBatch()])
    else:
        monkeypatch.setattr(_base, where, _interrupt)
    params = dict(vars(clf))
    with pytest.raises(KeyboardInterrupt):
        clf.fit(*classification_data)
    assert vars(clf) == params
    with pytest.raises(NotFittedError):
        clf.predict(classification_data[0])


@pytest.mark.parametrize("where", ["build_optimizer", "build_module", "first epoch"])
def test_ctrl_c_before_the_first_epoch_of_a_refit_keeps_the_previous_model(
    classification_data, binary_data, monkeypatch, where
):
    X, y = classification_data
    clf = NeuralClassifier(**FAST).fit(X, y)
    expected, fitted = clf.predict_proba(X), dict(vars(clf))
    if where == "first epoch":
        clf.set_params(callbacks=[_InterruptAtBatch()])
        fitted["callbacks"] = clf.callbacks
    else:
        monkeypatch.setattr(_base, where, _interrupt)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(*binary_data)
    assert vars(clf) == fitted
    np.testing.assert_array_equal(clf.predict_proba(X), expected)


def test_an_error_in_a_new_fit_leaves_the_previous_model(classification_data, binary_data):
    X, y = classification_data
    clf = NeuralClassifier(**FAST).fit(X, y)
    expected = clf.predict_proba(X)
    with pytest.raises(ValueError, match="Could not build module|returns outputs of shape"):
        clf.set_params(module=lambda n_features_in: torch.nn.Linear(n_features_in, 7))
        clf.fit(*binary_data)
    assert clf.classes_.tolist() == [0, 1, 2]
    np.testing.assert_array_equal(clf.predict_proba(X), expected)


def test_ctrl_c_inside_a_search_is_not_swallowed(classification_data):
    clf = NeuralClassifier(callbacks=[_InterruptAt(2)], **FAST)
    search = GridSearchCV(clf, {"lr": [1e-2, 1e-3]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(KeyboardInterrupt):
            search.fit(*classification_data)


def test_diverging_training_stops_with_a_warning(regression_data):
    X, y = regression_data
    # Without validation rows (whose loss would break first) the training loss shows it.
    params = {**FAST, "lr": 1e6, "optimizer": "sgd", "validation_fraction": 0.0}
    reg = NeuralRegressor(**params)
    with (
        pytest.warns(RuntimeWarning, match="training loss became"),
        pytest.raises(ValueError, match="Training diverged: after epoch .* NaN or infinite"),
    ):
        reg.fit(X * 1e3, y)
    assert not hasattr(reg, "module_")  # no unusable model is left behind


def test_divergence_after_a_good_epoch_keeps_the_restored_weights(regression_data):
    X, y = regression_data

    def explode(trainer, epoch, **_):
        if epoch == 3:
            for group in trainer.optimizer.param_groups:
                group["lr"] = 1e30

    reg = NeuralRegressor(**FAST, callbacks=[LambdaCallback(on_epoch_begin=explode)])
    with pytest.warns(RuntimeWarning, match="loss became nan at epoch 3"):
        reg.fit(X, y)
    assert np.isfinite(reg.predict(X)).all() and reg.n_iter_ == 3


@pytest.mark.parametrize("Estimator", [NeuralRegressor, NeuralClassifier])
@pytest.mark.parametrize("validation", [{"early_stopping": False}, {"validation_fraction": 0.0}])
def test_divergence_in_the_last_epoch_is_an_error(Estimator, validation):
    # The mean training loss of the epoch stayed finite: a NaN model came back silently.
    rng = np.random.RandomState(0)
    X, y = rng.randn(60, 4), rng.randn(60)
    y = y if Estimator is NeuralRegressor else (y > 0).astype(int)
    model = Estimator(lr=1e30, max_epochs=1, random_state=0, **validation)
    with warnings.catch_warnings(), pytest.raises(ValueError, match="diverged: after epoch 1"):
        warnings.simplefilter("ignore", RuntimeWarning)  # the NaN validation loss, if any
        model.fit(X, y)
    assert not hasattr(model, "module_")


def test_a_healthy_fit_without_validation_does_not_warn(regression_data):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        NeuralRegressor(**{**FAST, "max_epochs": 2, "validation_fraction": 0.0}).fit(
            *regression_data
        )


def test_a_learning_rate_in_optimizer_params_is_refused(regression_data):
    # It was silently overridden by the estimator's lr.
    reg = NeuralRegressor(optimizer_params={"lr": 0.5}, **FAST)
    with pytest.raises(ValueError, match=r"may not set \['lr'\].*Pass lr=0.5 to the estimator"):
        reg.fit(*regression_data)


def test_cross_entropy_on_a_single_output_regressor_is_refused(regression_data):
    # It trained with a loss of 0 every epoch.
    reg = NeuralRegressor(loss=torch.nn.CrossEntropyLoss(), **FAST)
    with pytest.raises(ValueError, match="softmax cross-entropy"):
        reg.fit(*regression_data)


@pytest.mark.parametrize(
    ("n_rows", "expected"), [(200, 128), (12_000, 128), (14_000, 256), (30_000, 512)]
)
def test_auto_batch_size_grows_with_the_training_rows(n_rows, expected):
    class RecordBatchSize(Callback):
        def on_train_begin(self, trainer, **kwargs):
            self.batch_size_ = trainer.batch_size

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(n_rows, 2)).astype(np.float32), rng.normal(size=n_rows)
    reg = NeuralRegressor(callbacks=[RecordBatchSize()], hidden_layer_sizes=(4,), max_epochs=1)
    reg.fit(X, y)  # 90% of the rows train: 12,000 -> 10,800, 14,000 -> 12,600
    assert reg.callbacks_[0].batch_size_ == expected
    reg.set_params(batch_size=64).fit(X, y)
    assert reg.callbacks_[0].batch_size_ == 64


def test_a_constant_validation_target_still_has_validation_scores():
    # valid_r2 was dropped for a constant target, leaving validation_scores_ None.
    rng = np.random.RandomState(0)
    reg = NeuralRegressor(validation_fraction=0.2, max_epochs=3, random_state=0)
    reg.fit(rng.randn(30, 2), np.ones(30))
    assert len(reg.validation_scores_) == reg.n_iter_
    assert reg.best_validation_score_ is not None


def test_a_continued_fit_applies_new_optimizer_settings_and_keeps_the_weights(
    classification_data,
):
    # The optimizer of the first fit was reused: set_params(lr=...) had no effect.
    X, y = classification_data
    model = NeuralClassifier(**{**FAST, "max_epochs": 2}, warm_start=True).fit(X, y)
    optimizer = model._optimizer
    model.fit(X, y)
    assert model._optimizer is optimizer  # unchanged settings: the same optimizer state
    weights = [p.detach().clone() for p in model.module_.parameters()]
    model.set_params(lr=0.5, optimizer="sgd", weight_decay=0.0)
    model.partial_fit(X, y)
    assert isinstance(model._optimizer, torch.optim.SGD)
    assert model.history_[-1]["lr"] == 0.5 and model.n_iter_ == 5
    moved = [
        not torch.equal(a, b) for a, b in zip(weights, model.module_.parameters(), strict=True)
    ]
    assert any(moved)


@pytest.mark.parametrize("labels", [2, 4])
def test_a_warm_start_fit_needs_the_classes_of_the_previous_fit(labels):
    # Fewer classes were accepted silently; scikit-learn's MLP raises (test_warm_start).
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    model = NeuralClassifier(max_epochs=2, warm_start=True, random_state=0)
    model.fit(X, np.arange(60) % 3)
    with pytest.raises(ValueError, match="warm_start can only be used where `y` has the same"):
        model.fit(X, np.arange(60) % labels)
    assert model.partial_fit(X[:6], np.zeros(6, dtype=int)).n_iter_ == 3  # any subset
