"""Bad input raises a ValueError/TypeError that names the problem."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError

from skneural import NeuralClassifier, NeuralRegressor
from skneural.callbacks import EarlyStopping
from tests.conftest import FAST


def test_nan_in_X_suggests_imputation(binary_data):
    X, y = binary_data
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN.*SimpleImputer"):
        NeuralClassifier(**FAST).fit(X, y)


def test_inf_in_X(binary_data):
    X, y = binary_data
    X[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        NeuralClassifier(**FAST).fit(X, y)


def test_nan_at_predict_time(binary_data):
    X, y = binary_data
    clf = NeuralClassifier(**FAST).fit(X, y)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(X)


def test_float32_overflow(binary_data):
    X, y = binary_data
    X[0, 0] = 1e300
    with pytest.raises(ValueError, match="too large for dtype\\('float32'\\)"):
        NeuralClassifier(**FAST).fit(X, y)


@pytest.mark.parametrize(
    "column",
    [["a", "b"] * 100, pd.Categorical(["a", "b"] * 100), pd.date_range("2020", periods=200)],
    ids=["object", "category", "datetime"],
)
@pytest.mark.parametrize("preprocessing", [None, "standard"])
def test_non_numeric_columns_are_named(binary_data, column, preprocessing):
    X, y = binary_data
    frame = pd.DataFrame(X[:, :2], columns=["num1", "num2"]).assign(city=column)
    with pytest.raises(ValueError, match=r"columns \['city'\].*preprocessing='auto'"):
        NeuralClassifier(preprocessing=preprocessing, **FAST).fit(frame, y)


def test_strings_in_numpy_array(binary_data):
    X, y = binary_data
    X = X.astype(object)
    X[0, 0] = "high"
    with pytest.raises(ValueError, match="could not convert string to float"):
        NeuralClassifier(**FAST).fit(X, y)


def test_wrong_feature_count_at_predict(binary_data):
    X, y = binary_data
    clf = NeuralClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but NeuralClassifier is expecting 5"):
        clf.predict(X[:, :3])


def test_empty_X():
    with pytest.raises(ValueError, match="0 sample"):
        NeuralRegressor(**FAST).fit(np.empty((0, 3)), np.empty(0))


def test_one_class_only(binary_data):
    X, _ = binary_data
    with pytest.raises(ValueError, match="at least 2 classes.*only one class: 'yes'"):
        NeuralClassifier(**FAST).fit(X, ["yes"] * len(X))


def test_one_d_X(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        NeuralClassifier(**FAST).fit(X[:, 0], y)


def test_length_mismatch(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        NeuralClassifier(**FAST).fit(X, y[:-5])


def test_continuous_target_for_classifier(regression_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="Unknown label type.*NeuralRegressor"):
        NeuralClassifier(**FAST).fit(X, y)


def test_string_target_for_regressor(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="could not convert"):
        NeuralRegressor(**FAST).fit(X, np.array(["a", "b"])[y])


def test_predict_before_fit(binary_data):
    with pytest.raises(NotFittedError):
        NeuralClassifier().predict(binary_data[0])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"lr": -0.1}, "'lr' parameter of NeuralClassifier must be a float in the range"),
        ({"activation": "sigmoidal"}, "'activation' parameter"),
        ({"dropout": 1.0}, "'dropout' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        ({"max_epochs": 0}, "'max_epochs' parameter"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
        ({"optimizer": "adamax-ish"}, "'optimizer' parameter"),
        ({"loss": "hinge"}, "'loss' parameter"),
        ({"n_threads": 0}, "'n_threads' parameter"),
        ({"class_weight": "even"}, "'class_weight' parameter"),
        ({"hidden_layer_sizes": (16, 0)}, "hidden_layer_sizes must be a sequence of positive"),
        ({"hidden_layer_sizes": "16"}, "'hidden_layer_sizes' parameter .* must be an array-like"),
        ({"device": "gpu0"}, "device='gpu0' is not a valid torch device"),
        ({"loss_params": {"delta": 2.0}}, r"loss_params \['delta'\] are not valid"),
    ],
)
def test_invalid_parameters(binary_data, params, message):
    X, y = binary_data
    with pytest.raises(ValueError, match=message):
        NeuralClassifier(**{**FAST, **params}).fit(X, y)


def test_callback_that_is_not_a_callback(binary_data):
    X, y = binary_data
    with pytest.raises(
        TypeError, match="must be a skneural.callbacks.Callback.*got builtin_function"
    ):
        NeuralClassifier(callbacks=[print], **FAST).fit(*binary_data)


def test_monitored_metric_must_exist(binary_data):
    callback = EarlyStopping(monitor="valid_f1")
    with pytest.raises(ValueError, match="'valid_f1'.*available metrics.*valid_accuracy"):
        NeuralClassifier(callbacks=[callback], **FAST).fit(*binary_data)


def test_module_class_must_be_a_torch_module(binary_data):
    with pytest.raises(TypeError, match="torch.nn.Module subclass"):
        NeuralClassifier(module=dict, **FAST).fit(*binary_data)


def test_module_factory_must_return_a_module(binary_data):
    with pytest.raises(TypeError, match="must build a torch.nn.Module, got list"):
        NeuralClassifier(module=lambda n_features_in, n_outputs: [], **FAST).fit(*binary_data)


def test_unknown_module_params_name_the_module(binary_data):
    with pytest.raises(TypeError, match="Could not build module MLP"):
        NeuralClassifier(module_params={"width": 3}, **FAST).fit(*binary_data)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error raised without CUDA")
def test_cuda_without_cuda_is_a_clear_error(binary_data):
    with pytest.raises(ValueError, match="CUDA is not available.*device='auto'"):
        NeuralClassifier(device="cuda", **FAST).fit(*binary_data)


def test_auto_device_falls_back_to_cpu(binary_data):
    clf = NeuralClassifier(device="auto", **FAST).fit(*binary_data)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert clf.device_.type == expected


@pytest.mark.parametrize(
    "sample_weight, message",
    [
        (-np.ones(200), "Negative values in data passed to `sample_weight`"),
        (np.ones(150), r"sample_weight.shape == \(150,\), expected \(200,\)"),
        (np.zeros(200), "Sample weights must contain at least one non-zero number"),
    ],
)
def test_bad_sample_weight(binary_data, sample_weight, message):
    with pytest.raises(ValueError, match=message):
        NeuralClassifier(**FAST).fit(*binary_data, sample_weight=sample_weight)


def test_class_weight_that_zeroes_every_row(binary_data):
    with pytest.raises(ValueError, match="all weights are zero"):
        NeuralClassifier(class_weight={0: 0.0, 1: 0.0}, **FAST).fit(*binary_data)


def test_poisson_needs_non_negative_targets(regression_data):
    with pytest.raises(ValueError, match="non-negative targets"):
        NeuralRegressor(loss="poisson", **FAST).fit(*regression_data)


def test_multiclass_with_binary_cross_entropy(classification_data):
    with pytest.raises(ValueError, match="binary or multilabel target, got 3 classes"):
        NeuralClassifier(loss="binary_cross_entropy", **FAST).fit(*classification_data)


def test_partial_fit_needs_classes_first(binary_data):
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        NeuralClassifier(**FAST).partial_fit(*binary_data)


def test_partial_fit_with_unseen_label(binary_data):
    X, y = binary_data
    clf = NeuralClassifier(**FAST).partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"labels \[5\] that are not in classes_ \[0, 1\]"):
        clf.partial_fit(X[:3], [0, 1, 5])


def test_custom_scalar_loss_with_sample_weight(binary_data):
    def mean_cross_entropy(logits, target):
        return torch.nn.functional.cross_entropy(logits, target)

    X, y = binary_data
    NeuralClassifier(loss=mean_cross_entropy, **FAST).fit(X, y)  # fine without weights
    with pytest.raises(ValueError, match="returned a scalar, so sample_weight"):
        NeuralClassifier(loss=mean_cross_entropy, **FAST).fit(X, y, sample_weight=np.ones(len(y)))


@pytest.mark.parametrize("value", [1e300, -1e39])
def test_target_too_large_for_float32(regression_data, value):
    # Trained to inf predictions with only a numpy overflow warning before.
    X, y = regression_data
    y = y.copy()
    y[0] = value
    with pytest.raises(ValueError, match=r"y contains values too large for dtype\('float32'\)"):
        NeuralRegressor(**FAST).fit(X, y)


@pytest.mark.parametrize("value, name", [(np.nan, "NaN"), (np.inf, "infinity")])
@pytest.mark.parametrize("frame", [False, True], ids=["array", "DataFrame"])
def test_target_must_be_finite(regression_data, value, name, frame):
    X, y = regression_data
    y = y.copy()
    y[3] = value
    X = pd.DataFrame(X).add_prefix("x").assign(city=["a", "b"] * 100) if frame else X
    with pytest.raises(ValueError, match=f"Input y contains {name}"):
        NeuralRegressor(**FAST).fit(X, y)


def test_partial_fit_checks_the_target_too(regression_data):
    X, y = regression_data
    reg = NeuralRegressor(**FAST).partial_fit(X, y)
    with pytest.raises(ValueError, match="too large for dtype"):
        reg.partial_fit(X[:2], [1e300, 0.0])
