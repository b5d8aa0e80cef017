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


@pytest.mark.parametrize("preprocessing", ["auto", None])
def test_strings_in_numpy_array(binary_data, preprocessing):
    # Was numpy's bare "could not convert string to float: 'high'".
    X, y = binary_data
    X = X.astype(object)
    X[0, 2] = "high"
    with pytest.raises(ValueError, match="column 2 of the array X holds 'high'.*DataFrame"):
        NeuralClassifier(preprocessing=preprocessing, **FAST).fit(X, y)


@pytest.mark.parametrize(
    "missing, message",
    [(None, "contains NaN.*SimpleImputer"), (pd.NA, r"missing values \(<NA> in column 1.*Imputer")],
)
def test_missing_values_in_numpy_object_array(binary_data, missing, message):
    X, y = binary_data
    X = X.astype(object)
    X[5, 1] = missing
    with pytest.raises(ValueError, match=message):
        NeuralClassifier(**FAST).fit(X, y)


def test_numeric_object_array_is_accepted(binary_data):
    X, y = binary_data
    expected = NeuralClassifier(**FAST).fit(X, y).predict_proba(X)
    from_objects = NeuralClassifier(**FAST).fit(X.astype(object), y)
    np.testing.assert_array_equal(from_objects.predict_proba(X.astype(object)), expected)


@pytest.mark.parametrize(
    "labels, message",
    [
        # Was numpy's "'<' not supported between instances of 'NoneType' and 'str'".
        (["yes", "no", None], r"missing labels \(None or NaN\) in 66 of 200 rows"),
        (["yes", 1, "no"], r"y mixes labels of types \['int', 'str'\]"),
    ],
)
def test_class_labels_missing_or_mixed(binary_data, labels, message):
    X, _ = binary_data
    y = np.array(labels * 67, dtype=object)[:200]
    with pytest.raises(ValueError, match=message):
        NeuralClassifier(**FAST).fit(X, y)


def test_array_at_predict_for_a_model_fitted_on_a_raw_dataframe(binary_data):
    # Was "float() argument must be a string or a real number, not 'NAType'".
    X, y = binary_data
    frame = pd.DataFrame(
        {
            "a": pd.array(np.where(X[:, 0] > 1, None, X[:, 0].round()), dtype="Int64"),
            "city": np.where(X[:, 1] > 0, "Paris", "Lyon"),
        }
    )
    clf = NeuralClassifier(**FAST).fit(frame, y)
    with pytest.raises(ValueError, match=r"fitted on a DataFrame.*\['a', 'city'\]"):
        clf.predict(frame.to_numpy())


def test_text_at_predict_in_a_column_that_was_numeric(binary_data):
    # Used to advise preprocessing='auto', which was already set.
    X, y = binary_data
    frame = pd.DataFrame(X, columns=list("abcde"))
    clf = NeuralClassifier(**FAST).fit(frame, y)
    with pytest.raises(ValueError, match=r"columns \['b'\].*cannot encode them") as error:
        clf.predict(frame.assign(b="text"))
    assert "leave preprocessing='auto'" not in str(error.value)


def test_missing_value_at_predict_in_a_column_that_was_complete(binary_data):
    X, y = binary_data
    frame = pd.DataFrame(X, columns=list("abcde"))
    clf = NeuralClassifier(**FAST).fit(frame, y)
    new = frame.astype({"b": "Float64"})
    new.loc[3, "b"] = pd.NA
    with pytest.raises(ValueError, match="contains NaN.*fitted on numeric data without missing"):
        clf.predict(new)


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


@pytest.mark.parametrize("values", [(-1, 1), (1, 2), (0, 2)])
def test_multilabel_target_of_other_values_than_zero_and_one(values):
    # scikit-learn calls any 2-D target of two integer values an indicator
    # matrix; a -1/1 matrix was trained as probabilities and scored 0.0.
    rng = np.random.RandomState(0)
    X, Y = rng.randn(60, 4), np.where(rng.rand(60, 3) > 0.5, values[1], values[0])
    message = rf"indicator matrix of 0 and 1.*values \[{values[0]}, {values[1]}\].*y == {values[1]}"
    with pytest.raises(ValueError, match=message):
        NeuralClassifier(max_epochs=2).fit(X, Y)
    clf = NeuralClassifier(max_epochs=2).partial_fit(X, (Y == values[1]).astype(int))
    with pytest.raises(ValueError, match=message):
        clf.partial_fit(X, Y)


@pytest.mark.parametrize("frame", [False, True], ids=["array", "DataFrame"])
def test_string_target_for_regressor(binary_data, frame):
    X, y = binary_data
    X = pd.DataFrame(X).add_prefix("x") if frame else X
    with pytest.raises(ValueError, match="numeric target, but y holds '[ab]'.*NeuralClassifier"):
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


@pytest.mark.parametrize(
    "params, X",
    [
        ({"batch_norm": True}, np.ones((1, 3))),
        ({"module": "gru", "batch_norm": True}, np.ones((1, 2, 5))),
        ({"module": "cnn"}, np.ones((1, 1, 1, 1))),
    ],
)
def test_one_row_cannot_train_batch_norm_and_the_error_says_so(params, X):
    reg = NeuralRegressor(hidden_layer_sizes=(4,), **params)
    with pytest.raises(ValueError, match="batch normalisation, which cannot train on .* one row"):
        reg.partial_fit(X, [0.0])
    assert reg.partial_fit(np.concatenate([X, X + 1]), [0.0, 1.0]).n_iter_ == 1


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the fallback without CUDA")
@pytest.mark.parametrize("device", ["cuda", "cuda:1"])
def test_cuda_without_cuda_falls_back_to_cpu_with_a_warning(binary_data, device):
    X, y = binary_data
    with pytest.warns(UserWarning, match="CUDA is not available.*on the CPU instead") as caught:
        clf = NeuralClassifier(device=device, **FAST).fit(X, y)
    assert caught[0].filename == __file__  # points at the user's call
    assert clf.device_.type == "cpu"
    reference = NeuralClassifier(device="cpu", **FAST).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), reference.predict_proba(X))


@pytest.mark.skipif(torch.backends.mps.is_available(), reason="checks the fallback without MPS")
def test_mps_without_mps_falls_back_to_cpu_with_a_warning(binary_data):
    with pytest.warns(UserWarning, match="MPS is not available"):
        clf = NeuralRegressor(device="mps", **FAST).fit(*binary_data)
    assert clf.device_.type == "cpu"


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


@pytest.mark.parametrize("weight", [-1.0, np.nan, np.inf, "2"])
def test_class_weights_must_be_finite_and_non_negative(classification_data, weight):
    # A negative weight trained on a flipped loss; NaN said "all weights are zero".
    clf = NeuralClassifier(class_weight={0: 1.0, 1: weight, 2: 1.0}, **FAST)
    with pytest.raises(ValueError, match=r"class_weight\[1\] is .*finite, non-negative"):
        clf.fit(*classification_data)


def test_poisson_needs_non_negative_targets(regression_data):
    with pytest.raises(ValueError, match="non-negative targets"):
        NeuralRegressor(loss="poisson", **FAST).fit(*regression_data)


def test_multiclass_with_binary_cross_entropy(classification_data):
    with pytest.raises(ValueError, match="binary or multilabel target, got 3 classes"):
        NeuralClassifier(loss="binary_cross_entropy", **FAST).fit(*classification_data)


def test_partial_fit_needs_classes_first(binary_data):
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        NeuralClassifier(**FAST).partial_fit(*binary_data)


def test_partial_fit_with_no_classes(binary_data):
    with pytest.raises(ValueError, match=r"classes must list at least 2 classes.*got \[\]"):
        NeuralClassifier(**FAST).partial_fit(*binary_data, classes=[])
    with pytest.raises(ValueError, match=r"at least 2 classes.*got \[1\]"):
        NeuralClassifier(**FAST).partial_fit(*binary_data, classes=[1])


def test_partial_fit_with_other_classes_than_the_first_call(binary_data):
    X, y = binary_data
    clf = NeuralClassifier(**FAST).partial_fit(X, y, classes=[0, 1])
    clf.partial_fit(X, y, classes=[1, 0])  # the same classes
    with pytest.raises(ValueError, match=r"`classes=\[0, 1, 2\]` is not the same as on last call"):
        clf.partial_fit(X, y, classes=[0, 1, 2])


def test_partial_fit_with_unseen_label(binary_data):
    X, y = binary_data
    clf = NeuralClassifier(**FAST).partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"labels \[5\] that are not in classes_ \[0, 1\]"):
        clf.partial_fit(X[:3], [0, 1, 5])


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_loss_class_is_instantiated(binary_data, Estimator):
    # As skorch users pass it; was "Boolean value of Tensor ... is ambiguous".
    X, y = binary_data
    loss = torch.nn.CrossEntropyLoss if Estimator is NeuralClassifier else torch.nn.HuberLoss
    model = Estimator(loss=loss, loss_params={"reduction": "sum"}, **FAST).fit(X, y)
    assert model.predict(X).shape == y.shape


def test_loss_class_with_wrong_arguments(binary_data):
    with pytest.raises(TypeError, match=r"Could not build loss CrossEntropyLoss.*\['width'\]"):
        NeuralClassifier(loss=torch.nn.CrossEntropyLoss, loss_params={"width": 2}, **FAST).fit(
            *binary_data
        )


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
