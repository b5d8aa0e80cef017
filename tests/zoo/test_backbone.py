"""Fine-tuning a fitted estimator's network: new head, freezing, learning rates, searches."""

import doctest
import pickle
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skneural import NeuralClassifier, NeuralRegressor, load_pretrained, save_pretrained
from skneural.callbacks import (
    Callback,
    Checkpoint,
    GradualUnfreezing,
    LRScheduler,
    _gradual_unfreezing,
)
from skneural.training._run_identity import describe
from skneural.zoo import PretrainedBackbone, _backbone, backbone

CNN = {"module": "cnn", "module_params": {"channels": (4, 8)}, "random_state": 0}
TUNE = {"max_epochs": 3, "lr": 1e-2, "early_stopping": False, "random_state": 0}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = (X.reshape(-1, 1, 8, 8) / 16).astype(np.float32)
    rows = np.random.RandomState(0).permutation(len(X))[:600]
    return X[rows], y[rows]


@pytest.fixture(scope="module")
def pretrained(digits):
    X, y = digits
    low = y < 5
    return NeuralClassifier(max_epochs=3, lr=1e-2, **CNN).fit(X[low], y[low])


@pytest.fixture(scope="module")
def new_task(digits):
    X, y = digits
    high = y >= 7
    return X[high], y[high]


def _weights(estimator) -> dict:
    """The network's parameters themselves (``requires_grad`` included)."""
    return dict(estimator.module_.named_parameters())


def test_the_head_is_rebuilt_for_the_new_classes(pretrained, new_task):
    source = {k: v.clone() for k, v in _weights(pretrained).items()}
    clf = NeuralClassifier(module=backbone(pretrained), **TUNE).fit(*new_task)
    assert clf.classes_.tolist() == [7, 8, 9]
    assert clf.module_.output_layer().out_features == 3
    assert clf.predict_proba(new_task[0]).shape == (len(new_task[0]), 3)
    # The source is read, never trained.
    for name, value in pretrained.module_.named_parameters():
        assert torch.equal(value, source[name]), name
    # The built network starts from the pretrained weights, all but the output layer.
    built = clf.module.__call__(n_outputs=3, n_features_in=1, input_shape=(1, 8, 8))
    for name, value in built.named_parameters():
        if name.startswith("head"):
            assert value.shape[0] == 3
        else:
            assert torch.equal(value, source[name]), name
    assert built is not pretrained.module_


def test_a_regressor_fine_tunes_a_classifier_s_network(pretrained, new_task):
    X, y = new_task
    reg = NeuralRegressor(module=backbone(pretrained, freeze="backbone"), **TUNE)
    reg.fit(X, y.astype(float))
    assert reg.module_.output_layer().out_features == 1
    assert reg.predict(X).shape == (len(X),)


@pytest.mark.parametrize("optimizer", ["adamw", "sgd"])
def test_frozen_parameters_stay_bit_identical(pretrained, new_task, optimizer):
    source = _weights(pretrained)
    clf = NeuralClassifier(
        module=backbone(pretrained, freeze="backbone"),
        optimizer=optimizer,
        weight_decay=0.1,
        **TUNE,
    ).fit(*new_task)
    tuned = _weights(clf)
    for name, value in tuned.items():
        if name.startswith("head"):
            assert value.requires_grad
        else:
            assert torch.equal(value, source[name]), name
            assert not value.requires_grad
    start = clf.module.__call__(n_outputs=3, n_features_in=1, input_shape=(1, 8, 8))
    assert not torch.equal(tuned["head.1.weight"], start.output_layer().weight)


def test_freeze_patterns_freeze_only_what_they_match(pretrained, new_task):
    source = _weights(pretrained)
    bb = backbone(pretrained, freeze=["features.0.*", "*.1.bias"])
    tuned = _weights(NeuralClassifier(module=bb, **TUNE).fit(*new_task))
    frozen = {"features.0.0.weight", "features.0.1.weight", "features.0.1.bias"}
    frozen |= {"features.2.1.bias", "head.1.bias"}
    for name in frozen:
        assert not tuned[name].requires_grad
        if not name.startswith("head"):
            assert torch.equal(tuned[name], source[name]), name
    assert not torch.equal(tuned["features.2.0.weight"], source["features.2.0.weight"])


@pytest.mark.parametrize(
    "freeze, error, match",
    [
        (
            ["features.9.*"],
            ValueError,
            r"\['features.9.\*'\] match no parameter.*features.0.0.w",
        ),
        ("backbon", ValueError, r"freeze='backbone' freezes all but the head"),
        ("*", ValueError, r"\['\*'\] match every parameter.*freeze='backbone' trains the head"),
        ([3], TypeError, "freeze patterns must be strings"),
        (3, TypeError, "'freeze' parameter of PretrainedBackbone must be None, an instance"),
    ],
)
def test_bad_freeze_settings_are_clear_errors(pretrained, new_task, freeze, error, match):
    clf = NeuralClassifier(module=PretrainedBackbone(pretrained, freeze=freeze), **TUNE)
    with pytest.raises(error, match=match):
        clf.fit(*new_task)
    assert not hasattr(clf, "module_")


def test_the_lr_scale_makes_parameter_groups(pretrained, new_task):
    clf = NeuralClassifier(module=backbone(pretrained, backbone_lr_scale=0.1), **TUNE)
    clf.fit(*new_task)
    head, rest = clf._optimizer.param_groups
    assert head["lr"] == pytest.approx(1e-2) and rest["lr"] == pytest.approx(1e-3)
    assert {id(p) for p in head["params"]} == {id(p) for p in clf.module_.head.parameters()}
    assert len(rest["params"]) == len(list(clf.module_.parameters())) - 2
    assert clf.history_.column("lr") == [pytest.approx(1e-2)] * 3


def test_a_lower_backbone_lr_moves_the_backbone_less(pretrained, new_task):
    source = {k: v.detach().clone() for k, v in _weights(pretrained).items()}

    def moved(scale):
        clf = NeuralClassifier(module=backbone(pretrained, backbone_lr_scale=scale), **TUNE)
        tuned = _weights(clf.fit(*new_task))
        return sum(
            float((tuned[k] - v).detach().abs().sum()) for k, v in source.items() if "head" not in k
        )

    assert moved(0.01) < 0.1 * moved(1.0)


def test_a_schedule_keeps_the_ratio_of_the_groups(pretrained, new_task):
    schedule = LRScheduler("step", params={"step_size": 1, "gamma": 0.5})
    clf = NeuralClassifier(
        module=backbone(pretrained, backbone_lr_scale=0.1), callbacks=[schedule], **TUNE
    ).fit(*new_task)
    head, rest = clf._optimizer.param_groups
    assert head["lr"] == pytest.approx(1e-2 * 0.5**3)
    assert rest["lr"] == pytest.approx(1e-3 * 0.5**3)


def test_search_over_freeze_and_lr_scale(pretrained, new_task):
    X, y = new_task
    clf = NeuralClassifier(module=backbone(pretrained), **{**TUNE, "max_epochs": 1})
    grid = {"module__freeze": [None, "backbone"], "module__backbone_lr_scale": [0.1, 1.0]}
    search = GridSearchCV(clf, grid, cv=2).fit(X, y)
    assert [p["module__freeze"] for p in search.cv_results_["params"]] == [None, "backbone"] * 2
    assert search.cv_results_["param_module__backbone_lr_scale"].tolist() == [0.1, 0.1, 1, 1]
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    assert best.module.freeze == search.best_params_["module__freeze"]
    assert best.module.source is pretrained
    # The estimator the search was given is untouched.
    assert clf.module.freeze is None and clf.module.backbone_lr_scale == 1.0


def test_clone_shares_the_source_and_copies_the_settings(pretrained):
    patterns = ["features.0.*"]
    clf = NeuralClassifier(module=backbone(pretrained, freeze=patterns, backbone_lr_scale=0.5))
    twin = clone(clf)
    assert twin.module is not clf.module
    assert twin.module.source is pretrained
    assert twin.module.freeze == patterns and twin.module.freeze is not patterns
    assert twin.module.get_params() == {
        "source": pretrained,
        "freeze": patterns,
        "backbone_lr_scale": 0.5,
    }
    twin.set_params(module__freeze="backbone")
    assert clf.module.freeze == patterns
    # The source's own parameters are data, not settings to search.
    assert not any(key.startswith("module__source__") for key in clf.get_params())


def test_the_run_identity_follows_the_source_weights_and_the_settings(pretrained, digits):
    X, y = digits
    other = NeuralClassifier(max_epochs=1, **CNN).fit(X[y < 5], y[y < 5])
    first = describe(backbone(pretrained))
    assert describe(backbone(pretrained)) == first
    assert describe(backbone(other)) != first
    assert describe(backbone(pretrained, freeze="backbone")) != first
    assert "PretrainedBackbone(" in repr(backbone(pretrained))


def test_an_input_of_another_shape_is_refused(pretrained, digits):
    X, y = digits
    clf = NeuralClassifier(module=backbone(pretrained), **TUNE)
    with pytest.raises(ValueError, match=r"pretrained on inputs of shape \(1, 8, 8\).*\(1, 6, 6\)"):
        clf.fit(X[:, :, :6, :6], y)
    with pytest.raises(ValueError, match=r"\(1, 8, 8\).*\(2, 8, 8\)"):
        clf.fit(np.concatenate([X, X], axis=1), y)


@pytest.mark.parametrize(
    "source, error, match",
    [
        (NeuralClassifier(), ValueError, "is not fitted"),
        ("digit-cnn", ValueError, "Did you mean 'digits-cnn'"),
        (torch.nn.Linear(2, 2), TypeError, "must be a fitted skneural estimator"),
    ],
)
def test_a_source_that_is_no_fitted_estimator_is_refused(source, error, match):
    with pytest.raises(error, match=match):
        backbone(source)


@pytest.mark.parametrize("as_path", [str, Path])
def test_a_missing_source_directory_is_named_as_such(as_path, tmp_path):
    with pytest.raises(ValueError, match=r"missing' does not exist: a path names the directory"):
        backbone(as_path(tmp_path / "missing"))
    (tmp_path / "file").write_text("not a model")
    with pytest.raises(ValueError, match=r"file' is not a directory"):
        backbone(as_path(tmp_path / "file"))


@pytest.mark.parametrize("settings", [{"freeze": 3}, {"backbone_lr_scale": 0}])
def test_backbone_checks_its_settings_at_once(pretrained, settings):
    with pytest.raises(ValueError, match="parameter of PretrainedBackbone"):
        backbone(pretrained, **settings)


def test_flattened_pixels_in_a_pipeline(pretrained, new_task):
    X, y = new_task
    flat = X.reshape(len(X), -1)
    clf = NeuralClassifier(
        module=backbone(pretrained, freeze="backbone"),
        module_params={"input_shape": (1, 8, 8)},
        **TUNE,
    )
    pipe = make_pipeline(FunctionTransformer(), clf).fit(flat, y)
    images = clone(clf).set_params(module_params=None).fit(X, y)
    np.testing.assert_array_equal(pipe.predict_proba(flat), images.predict_proba(X))


def test_images_of_shape_n_h_w_are_read_as_images(pretrained, new_task):
    X, y = new_task
    clf = NeuralClassifier(module=backbone(pretrained), **TUNE).fit(X[:, 0], y)
    assert clf.input_layer_.kind == "image"


def test_a_pickled_fine_tuned_estimator_keeps_training(pretrained, new_task):
    X, y = new_task
    clf = NeuralClassifier(
        module=backbone(pretrained, freeze="backbone", backbone_lr_scale=0.1),
        warm_start=True,
        **TUNE,
    ).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    frozen = again.module_.features[0][0].weight.clone()
    again.fit(X, y)
    assert torch.equal(again.module_.features[0][0].weight, frozen)
    assert [g["lr"] for g in again._optimizer.param_groups] == pytest.approx([1e-2, 1e-3])


@pytest.mark.parametrize("as_path", [str, Path])
def test_a_fitted_model_needs_its_source_directory_only_to_fit(
    as_path, pretrained, new_task, tmp_path
):
    X, y = new_task
    source = as_path(save_pretrained(pretrained, tmp_path / "source"))
    tuned = NeuralClassifier(module=backbone(source), **TUNE).fit(X, y)
    directory = save_pretrained(tuned, tmp_path / "tuned")
    expected = tuned.predict_proba(X)
    shutil.rmtree(source)  # as on another machine that got the tuned model only
    loaded = load_pretrained(directory)
    assert loaded.module.source == source and type(loaded.module.source) is type(source)
    for model in (tuned, loaded, pickle.loads(pickle.dumps(loaded))):
        np.testing.assert_array_equal(model.predict_proba(X), expected)
        assert model.get_params()["module__source"] == source
        assert not clone(model).__sklearn_tags__().input_tags.sparse  # images are dense
    with pytest.raises(ValueError, match="source' does not exist"):
        clone(loaded).fit(X, y)


def test_what_is_remembered_of_a_source_follows_a_new_source(pretrained):
    X, y = make_classification(n_samples=40, n_features=5, random_state=0)
    tabular = NeuralClassifier(max_epochs=1).fit(X, y)
    images = backbone(pretrained)
    assert images.input_kind == "image"
    assert images.set_params(source=tabular).input_kind is None


def test_a_tabular_network_fine_tunes_on_new_targets():
    X, y = make_classification(
        n_samples=120, n_features=5, n_classes=3, n_informative=3, random_state=0
    )
    pretrained = NeuralClassifier(hidden_layer_sizes=(8,), max_epochs=2, random_state=0).fit(X, y)
    clf = NeuralClassifier(module=backbone(pretrained, freeze=["hidden.*"]), **TUNE)
    clf.fit(X, y == 0)
    assert clf.classes_.tolist() == [False, True]
    with pytest.raises(ValueError, match="pretrained on tables of 5 columns, but X has 4"):
        clf.fit(X[:, :4], y)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        clf.fit(X[:, 0], y)


def _table_with_colors(n, x_mean, colors, seed):
    rng = np.random.default_rng(seed)
    color = rng.choice(colors, n)
    x = rng.normal(size=n) * 2 + x_mean
    effect = pd.Series(color).map({"red": 0.0, "green": 5.0, "blue": -5.0}).to_numpy()
    return pd.DataFrame({"x": x, "color": pd.Categorical(color)}), effect + 0.1 * x


def test_a_table_network_reads_new_data_with_the_pretrained_scaling_and_categories():
    X, y = _table_with_colors(300, 50.0, ["red", "green", "blue"], seed=0)
    pretrained = NeuralRegressor(hidden_layer_sizes=(16,), max_epochs=5, random_state=0)
    pretrained.fit(X, y)
    # New data: other range of x, two of the three colours (one-hot width
    # and standardisation would both change if refitted on it).
    X_new, y_new = _table_with_colors(40, 70.0, ["green", "blue"], seed=1)
    tuned = NeuralRegressor(module=backbone(pretrained, freeze="backbone"), **TUNE)
    tuned.fit(X_new, y_new)
    assert tuned.input_layer_ is not pretrained.input_layer_
    np.testing.assert_array_equal(
        tuned.input_layer_.transform(X_new), pretrained.input_layer_.transform(X_new)
    )
    features = tuned.module_.hidden(torch.from_numpy(tuned.input_layer_.transform(X_new)))
    source = pretrained.module_.hidden(torch.from_numpy(pretrained.input_layer_.transform(X_new)))
    torch.testing.assert_close(features, source)  # frozen: the pretrained features


def test_a_table_network_with_its_own_preprocessing_fits_it_on_the_new_data():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 3)), rng.normal(size=200)
    pretrained = NeuralRegressor(max_epochs=2, random_state=0).fit(X, y)
    shifted = X + 10
    reused = NeuralRegressor(module=backbone(pretrained), **TUNE).fit(shifted, y)
    np.testing.assert_allclose(reused.preprocessor_.mean_, pretrained.preprocessor_.mean_)
    refitted = NeuralRegressor(module=backbone(pretrained), preprocessing="standard", **TUNE)
    refitted.fit(shifted, y)
    np.testing.assert_allclose(refitted.preprocessor_.mean_, shifted.mean(axis=0))


def test_a_sequence_network_standardises_new_data_with_the_pretrained_statistics():
    rng = np.random.RandomState(0)
    X, y = rng.randn(60, 2, 12), rng.randint(0, 2, 60)
    params = {"module_params": {"hidden_size": 8}, "max_epochs": 2, "random_state": 0}
    pretrained = NeuralClassifier(module="gru", **params).fit(X, y)
    shifted = 5 + 3 * rng.randn(40, 2, 20)  # other scale, other length
    tuned = NeuralClassifier(module=backbone(pretrained), **TUNE).fit(shifted, y[:40])
    layer, source = tuned.input_layer_, pretrained.input_layer_
    np.testing.assert_array_equal(layer.channel_mean_, source.channel_mean_)
    np.testing.assert_array_equal(layer.channel_scale_, source.channel_scale_)
    assert layer.input_shape_ == (2, 20)  # the layout is the new data's
    own = NeuralClassifier(module=backbone(pretrained), preprocessing="standard", **TUNE)
    own.fit(shifted, y[:40])
    assert np.allclose(own.input_layer_.channel_mean_, 5, atol=0.5)


@pytest.mark.parametrize("source_preprocessing", ["standard", None])
def test_an_image_network_keeps_the_pretrained_standardisation(digits, source_preprocessing):
    X, y = digits
    pretrained = NeuralClassifier(max_epochs=1, preprocessing=source_preprocessing, **CNN)
    pretrained.fit(X[y < 5], y[y < 5])
    tuned = NeuralClassifier(module=backbone(pretrained), **TUNE).fit(X[y >= 5] * 2, y[y >= 5])
    # The new images are twice as bright: refitted statistics would differ.
    if source_preprocessing is None:
        assert tuned.input_layer_.channel_mean_ is None
    else:
        np.testing.assert_array_equal(
            tuned.input_layer_.channel_mean_, pretrained.input_layer_.channel_mean_
        )


def test_a_sequence_network_fine_tunes_on_another_length():
    rng = np.random.RandomState(0)
    X, y = rng.randn(60, 2, 12), rng.randint(0, 2, 60)
    params = {"module_params": {"hidden_size": 8}, "max_epochs": 2, "random_state": 0}
    pretrained = NeuralClassifier(module="gru", **params).fit(X, y)
    clf = NeuralClassifier(module=backbone(pretrained, freeze="backbone"), **TUNE)
    clf.fit(rng.randn(40, 2, 20), rng.randint(0, 3, 40))
    assert clf.input_layer_.kind == "sequence"
    assert clf.predict(rng.randn(5, 2, 7)).shape == (5,)
    with pytest.raises(ValueError, match=r"shape \(2, 12\) \(any length\)"):
        clf.fit(rng.randn(40, 3, 20), rng.randint(0, 3, 40))


def test_a_token_network_keeps_its_vocabulary():
    rng = np.random.RandomState(0)
    X, y = rng.randint(0, 20, (60, 1, 9)), rng.randint(0, 2, 60)
    params = {"module_params": {"vocab_size": 20, "embedding_dim": 4, "hidden_size": 8}}
    pretrained = NeuralClassifier(module="gru", max_epochs=2, random_state=0, **params).fit(X, y)
    clf = NeuralClassifier(module=backbone(pretrained), **TUNE).fit(X[:, :, :6], y == 0)
    assert clf.input_layer_.vocab_size == 20
    start = clf.module(n_outputs=2, n_features_in=1, input_shape=(1, 6), vocab_size=20)
    assert torch.equal(start.input.embedding.weight, pretrained.module_.input.embedding.weight)
    with pytest.raises(ValueError, match=r"token ids in \[0, 20\).*is 30"):
        clf.set_params(module_params={"vocab_size": 30}).fit(X, y)


# --------------------------------------------------------- gradual unfreezing
class _Trainable(Callback):
    """Records which layer groups train in each epoch."""

    _observes_only = True

    def on_train_begin(self, trainer, **kwargs):
        self.log = []

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        groups = trainer.module.layer_groups()
        self.log.append(tuple(all(p.requires_grad for p in params) for _, params in groups))


def test_gradual_unfreezing_follows_its_schedule(pretrained, new_task):
    recorder = _Trainable()
    clf = NeuralClassifier(
        module=backbone(pretrained),
        callbacks=[GradualUnfreezing(epochs_per_group=2), recorder],
        **{**TUNE, "max_epochs": 6},
    ).fit(*new_task)
    # Groups: features.0, features.2, head.
    log = clf.callbacks_[1].log
    assert log == [(0, 0, 1), (0, 0, 1), (0, 1, 1), (0, 1, 1), (1, 1, 1), (1, 1, 1)]
    assert all(p.requires_grad for p in clf.module_.parameters())
    assert clf.callbacks_[0].n_trainable_ == 3


def test_gradual_unfreezing_leaves_frozen_parameters_frozen(pretrained, new_task):
    source = _weights(pretrained)
    clf = NeuralClassifier(
        module=backbone(pretrained, freeze=["features.0.*"]),
        callbacks=[GradualUnfreezing(initially_trainable=2)],
        **TUNE,
    ).fit(*new_task)
    tuned = _weights(clf)
    assert torch.equal(tuned["features.0.0.weight"], source["features.0.0.weight"])
    assert not tuned["features.0.0.weight"].requires_grad
    assert tuned["features.2.0.weight"].requires_grad


def test_gradual_unfreezing_needs_layer_groups():
    net = NeuralClassifier(
        module=lambda n_features_in, n_outputs: torch.nn.Linear(n_features_in, n_outputs),
        callbacks=[GradualUnfreezing()],
        max_epochs=1,
    )
    with pytest.raises(TypeError, match="needs a network with layer_groups"):
        net.fit(np.random.RandomState(0).randn(20, 3), [0, 1] * 10)


@pytest.mark.parametrize("params", [{"epochs_per_group": 0}, {"initially_trainable": 1.5}])
def test_gradual_unfreezing_validates_its_settings(params, pretrained, new_task):
    clf = NeuralClassifier(
        module=backbone(pretrained), callbacks=[GradualUnfreezing(**params)], **TUNE
    )
    with pytest.raises(ValueError, match="GradualUnfreezing"):
        clf.fit(*new_task)


class _InterruptAt(Callback):
    _observes_only = True  # not part of the run: the resumed fit runs without it

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        if epoch == self.epoch:
            raise KeyboardInterrupt


def test_gradual_unfreezing_resumes_from_a_checkpoint(pretrained, new_task, tmp_path):
    def fit(directory, *extra):
        callbacks = [GradualUnfreezing(epochs_per_group=2), Checkpoint(directory), *extra]
        clf = NeuralClassifier(
            module=backbone(pretrained, backbone_lr_scale=0.5),
            callbacks=callbacks,
            **{**TUNE, "max_epochs": 6},
        )
        return clf.fit(*new_task)

    reference = fit(tmp_path / "reference")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Training interrupted", UserWarning)
        interrupted = fit(tmp_path / "run", _InterruptAt(3))
    assert interrupted.n_iter_ == 3
    resumed = fit(tmp_path / "run")
    assert resumed.callbacks_[1].resumed_from_ is not None
    assert resumed.n_iter_ == 6
    for name, value in _weights(reference).items():
        assert torch.equal(_weights(resumed)[name], value), name


@pytest.mark.parametrize("module", [_backbone, _gradual_unfreezing], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_a_backbone_is_the_public_class(pretrained):
    assert isinstance(backbone(pretrained), PretrainedBackbone)
    assert _backbone._resolve_source(pretrained) is pretrained


def test_a_zoo_model_fine_tunes_by_name_and_the_result_saves(tmp_path):
    digits = load_digits()
    images, y = digits.images[:200], digits.target[:200]
    tuned = NeuralClassifier(
        module=backbone("digits-cnn", freeze="backbone"), max_epochs=2, random_state=0
    ).fit(images, y % 2)
    assert tuned.classes_.tolist() == [0, 1]
    directory = save_pretrained(tuned, tmp_path / "tuned")
    loaded = load_pretrained(directory)
    assert loaded.module.source == "digits-cnn" and loaded.module.freeze == "backbone"
    np.testing.assert_array_equal(loaded.predict_proba(images), tuned.predict_proba(images))
    head = {id(p) for p in loaded.module_.head.parameters()}
    assert all(p.requires_grad == (id(p) in head) for p in loaded.module_.parameters())
    # A saved model's directory is a source too.
    again = NeuralClassifier(module=backbone(str(directory)), max_epochs=1).fit(images, y % 2)
    assert again.predict(images[:3]).shape == (3,)


def test_a_backbone_of_an_estimator_in_memory_is_not_saved(pretrained, digits, tmp_path):
    X, y = digits
    tuned = NeuralClassifier(module=backbone(pretrained), max_epochs=1).fit(X[y >= 5], y[y >= 5])
    with pytest.raises(TypeError, match="save_pretrained"):
        save_pretrained(tuned, tmp_path / "m")
