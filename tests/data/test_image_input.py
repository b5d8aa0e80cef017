"""The image input case: layouts, pixel types, case selection, bad input."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.ensemble import StackingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from torch import nn

from skneural import NeuralClassifier, NeuralRegressor
from skneural.augmentation import ImageAugment
from skneural.data import select_input_layer

SMALL_CNN = {"channels": (8, 16)}
FAST = {"max_epochs": 3, "lr": 1e-2, "random_state": 0, "batch_size": 64}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300], y[:300]


def _cnn(**params):
    module_params = {**SMALL_CNN, **params.pop("module_params", {})}
    return NeuralClassifier(module="cnn", module_params=module_params, **{**FAST, **params})


class PixelNet(nn.Module):
    """A user's module for (n, C, H, W) batches."""

    def __init__(self, input_shape, n_outputs):
        super().__init__()
        self.input_shape = input_shape
        self.linear = nn.Linear(int(np.prod(input_shape)), n_outputs)

    def forward(self, X):
        return self.linear(X.flatten(1))


def _kind(X, **params):
    params = {"preprocessing": "auto", "module": "mlp", "module_params": None, **params}
    return select_input_layer(params, X, owner="Test", random_state=0).kind


@pytest.mark.parametrize(
    "shape, params, kind",
    [
        ((5, 8, 8), {"module": "cnn"}, "image"),
        ((5, 64), {"module": "resnet_cnn", "module_params": {"input_shape": (1, 8, 8)}}, "image"),
        ((5, 64), {"module_params": {"input_shape": (1, 8, 8)}}, "image"),
        ((5, 1, 8, 8), {"module": PixelNet}, "image"),
        ((5, 64), {"module": PixelNet}, "numeric"),
        ((5, 64), {}, "numeric"),
    ],
)
def test_case_selection(shape, params, kind):
    assert _kind(np.zeros(shape), **params) == kind


def test_a_3d_array_for_a_users_module_is_not_an_image():
    # (n, C, T) is the sequence layout; grayscale images for a user's module are (n, 1, H, W).
    assert _kind(np.zeros((5, 8, 8)), module=PixelNet) != "image"


def test_layouts_give_the_same_network_input(digits):
    X, y = digits
    flat = _cnn(module_params={"input_shape": (1, 8, 8)}).fit(X, y)
    three_d = _cnn().fit(X.reshape(-1, 8, 8), y)
    four_d = _cnn().fit(X.reshape(-1, 1, 8, 8), y)
    for clf in (flat, three_d, four_d):
        assert clf.input_layer_.kind == "image"
        assert clf.input_layer_.input_shape_ == (1, 8, 8)
        assert clf.module_.in_channels == 1
    expected = flat.predict_proba(X)
    np.testing.assert_array_equal(three_d.predict_proba(X.reshape(-1, 8, 8)), expected)
    np.testing.assert_array_equal(four_d.predict_proba(X.reshape(-1, 1, 8, 8)), expected)


def test_uint8_pixels_are_scaled_to_unit_range(digits):
    X, y = digits
    pixels = (X * 255 / 16).round().astype(np.uint8).reshape(-1, 8, 8)
    clf = _cnn().fit(pixels, y)
    tensor = clf.input_layer_.transform(pixels)
    assert tensor.dtype == np.float32 and tensor.shape == (len(X), 1, 8, 8)
    np.testing.assert_allclose(tensor[:, 0], pixels / 255, rtol=1e-6)
    assert clf.input_layer_.uint8_pixels_
    with pytest.raises(ValueError, match="fitted on uint8 pixels"):
        clf.predict(pixels.astype(np.float64))
    float_clf = _cnn().fit(X.reshape(-1, 8, 8), y)
    with pytest.raises(ValueError, match="uint8 pixels, but .* non-uint8"):
        float_clf.predict(pixels)


def test_colour_images_and_standardisation():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 3, 6, 5)) * np.array([1, 10, 100])[:, None, None]
    y = (X[:, 0].mean(axis=(1, 2)) > 0.5).astype(int)
    clf = _cnn(preprocessing="standard").fit(X, y)
    assert clf.module_.in_channels == 3 and clf.input_layer_.input_shape_ == (3, 6, 5)
    tensor = clf.input_layer_.transform(X)
    np.testing.assert_allclose(tensor.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(tensor.std(axis=(0, 2, 3)), 1, rtol=1e-4)
    as_given = _cnn(preprocessing=None).fit(X, y).input_layer_
    np.testing.assert_array_equal(as_given.transform(X), X.astype(np.float32))
    assert as_given.channel_mean_ is None


def test_input_shape_may_infer_one_entry(digits):
    X, y = digits
    clf = _cnn(module_params={"input_shape": (1, -1, 8)}).fit(X, y)
    assert clf.input_layer_.input_shape_ == (1, 8, 8)
    assert clf.module_.input_shape == (1, 8, 8)  # the resolved shape reaches the module
    as_array = _cnn(module_params={"input_shape": np.array([1, -1, 8])}).fit(X, y)
    assert as_array.input_layer_.input_shape_ == (1, 8, 8)


def test_a_list_of_images_of_different_sizes_is_a_clear_error():
    rng = np.random.RandomState(0)
    images = [rng.uniform(size=(1, 6, 6)) for _ in range(9)]
    clf = _cnn().fit(images, np.arange(9) % 2)
    ragged = [*images[:4], rng.uniform(size=(1, 5, 6))]
    for fit_or_predict in (
        lambda: _cnn().fit(ragged, np.arange(5) % 2),
        lambda: clf.predict(ragged),
    ):
        with pytest.raises(
            ValueError, match=r"X\[0\] has shape \(1, 6, 6\) and X\[4\] \(1, 5, 6\)"
        ):
            fit_or_predict()


def test_a_users_module_gets_the_image_shape():
    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(40, 2, 4, 4)), rng.randint(0, 2, 40)
    clf = NeuralClassifier(module=PixelNet, **FAST).fit(X, y)
    assert clf.module_.input_shape == (2, 4, 4)
    flat = NeuralClassifier(module=PixelNet, module_params={"input_shape": (2, 4, 4)}, **FAST).fit(
        X.reshape(40, -1), y
    )
    assert flat.module_.input_shape == (2, 4, 4)


def test_digits_in_a_pipeline_search_and_stack(digits):
    X, y = digits
    cnn = _cnn(module_params={"input_shape": (1, 8, 8)}, augmentation=ImageAugment(), max_epochs=20)
    pipe = make_pipeline(MinMaxScaler(), cnn)
    assert cross_val_score(pipe, X, y, cv=2).mean() > 0.5
    search = GridSearchCV(
        pipe, {"neuralclassifier__augmentation__rotation": [0.0, 15.0]}, cv=2
    ).fit(X, y)
    assert search.best_params_["neuralclassifier__augmentation__rotation"] in (0.0, 15.0)
    stack = StackingClassifier([("cnn", pipe)], LogisticRegression(max_iter=200), cv=2)
    assert stack.fit(X, y).score(X, y) > 0.5


def test_regressor_on_images_and_cutmix_refused():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(80, 1, 6, 6))
    y = X.mean(axis=(1, 2, 3)) * 10
    reg = NeuralRegressor(module="cnn", module_params=SMALL_CNN, **FAST)
    assert reg.fit(X, y).predict(X).shape == (80,)
    mixup = reg.set_params(augmentation=ImageAugment(mixup_alpha=0.2)).fit(X, y)
    assert np.isfinite(mixup.predict(X)).all()
    cutmix = NeuralRegressor(
        module="cnn", module_params=SMALL_CNN, augmentation=ImageAugment(cutmix_alpha=1.0), **FAST
    )
    with pytest.raises(ValueError, match="cutmix_alpha > 0 needs class targets"):
        cutmix.fit(X, y)
    assert not hasattr(cutmix, "module_")


def test_cutmix_and_mixup_on_multilabel_images():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 1, 6, 6))
    Y = np.stack([X[:, 0, :3].mean(axis=(1, 2)) > 0.5, X[:, 0, 3:].mean(axis=(1, 2)) > 0.5], 1)
    augmentation = ImageAugment(cutmix_alpha=1.0, mixup_alpha=0.2)
    clf = _cnn(augmentation=augmentation).fit(X, Y.astype(int))
    assert clf.predict(X).shape == (60, 2)


def _fitted_3d(digits):
    X, y = digits
    return _cnn().fit(X.reshape(-1, 8, 8), y), X.reshape(-1, 8, 8)


@pytest.mark.parametrize(
    "make_bad, match",
    [
        (lambda X: X.reshape(-1, 1, 8, 8), r"fitted on images of shape \(n_samples, height, width"),
        (lambda X: X[:, :6, :6], "another image size"),
        (lambda X: X.reshape(len(X), -1), "pass X in that layout"),
    ],
)
def test_predict_needs_the_training_layout(digits, make_bad, match):
    clf, X = _fitted_3d(digits)
    with pytest.raises(ValueError, match=match):
        clf.predict(make_bad(X))


def test_predict_with_other_channels_is_a_clear_error():
    rng = np.random.RandomState(0)
    clf = _cnn().fit(rng.uniform(size=(30, 1, 5, 5)), np.arange(30) % 2)
    with pytest.raises(ValueError, match="other channels or another image size"):
        clf.predict(rng.uniform(size=(3, 3, 5, 5)))


@pytest.mark.parametrize(
    "X, params, match",
    [
        (np.zeros((10, 64)), {}, r"needs images of shape \(n_samples, height, width\)"),
        (np.zeros((10, 2, 2, 2, 2)), {}, r"needs images of shape"),
        (np.zeros((10, 60)), {"module_params": {"input_shape": (1, 8, 8)}}, "60 columns"),
        (np.zeros((10, 64)), {"module_params": {"input_shape": (1, -1, -1)}}, "one of them -1"),
        (np.zeros((10, 2, 8, 8)), {"module_params": {"input_shape": (1, 8, 8)}}, "make them"),
        (np.zeros((10, 8, 8)), {"preprocessing": MinMaxScaler()}, "belongs in a Pipeline"),
    ],
)
def test_bad_training_images_are_clear_errors(X, params, match):
    y = np.arange(10) % 2
    with pytest.raises(ValueError, match=match):
        _cnn(**params).fit(X, y)


def test_non_image_builtin_module_with_4d_input_is_a_clear_error():
    with pytest.raises(ValueError, match="module='mlp' does not take images"):
        NeuralClassifier(**FAST).fit(np.zeros((10, 1, 4, 4)), np.arange(10) % 2)


@pytest.mark.parametrize("value, match", [(np.nan, "NaN pixels"), (np.inf, "infinite")])
def test_non_finite_pixels_are_clear_errors(digits, value, match):
    X, y = digits
    images = X.reshape(-1, 8, 8).copy()
    images[3, 2, 2] = value
    with pytest.raises(ValueError, match=match):
        _cnn().fit(images, y)
    clf, clean = _fitted_3d(digits)
    with pytest.raises(ValueError, match=match):
        clf.predict(images)


def test_sparse_images_are_refused():
    import scipy.sparse as sp

    clf = _cnn(module_params={"input_shape": (1, 2, 2)})
    with pytest.raises(TypeError, match="dense arrays"):
        clf.fit(sp.csr_matrix(np.eye(4)), [0, 1, 0, 1])
    assert not clf.__sklearn_tags__().input_tags.sparse
    assert NeuralClassifier().__sklearn_tags__().input_tags.sparse
    declared = NeuralClassifier(module_params={"input_shape": (1, 2, 2)})
    assert not declared.__sklearn_tags__().input_tags.sparse  # an image shape declared


def test_training_augmentation_never_touches_predictions(digits):
    clf, X = _fitted_3d(digits)
    before = clf.predict_proba(X)
    clf.set_params(augmentation=ImageAugment(rotation=90))
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    torch.manual_seed(0)  # predictions use no randomness
    np.testing.assert_array_equal(clf.predict_proba(X), before)


@pytest.mark.parametrize("preprocessing", ["standard", None])
@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
def test_affine_steps_rebuild_the_transform(preprocessing, dtype):
    X = np.random.default_rng(0).integers(0, 256, size=(6, 2 * 4 * 4)).astype(dtype)
    params = {"module": "cnn", "preprocessing": preprocessing}
    params["module_params"] = {"input_shape": (2, 4, -1)}
    layer = select_input_layer(params, X, owner="Test", random_state=0)
    layer.fit_transform(X)
    rebuilt = X.astype(np.float32).reshape(len(X), *layer.input_shape_)
    for operation, operand in layer.affine_steps():
        rebuilt = rebuilt - operand if operation == "subtract" else rebuilt / operand
    n_steps = (dtype == np.uint8) + 2 * (preprocessing == "standard")
    assert len(layer.affine_steps()) == n_steps
    np.testing.assert_array_equal(rebuilt, layer.transform(X))
