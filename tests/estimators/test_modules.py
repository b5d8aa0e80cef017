"""User modules and their searchable constructor arguments."""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from torch import nn

from skneural import NeuralClassifier, NeuralRegressor
from tests.conftest import FAST


class TwoLayerNet(nn.Module):
    """A user network that takes the shape arguments and one of its own."""

    def __init__(self, n_features_in, n_outputs, width=8, dropout=0.0):
        super().__init__()
        self.width = width
        self.dropout = dropout
        self.body = nn.Sequential(nn.Linear(n_features_in, width), nn.ReLU(), nn.Dropout(dropout))
        self.out = nn.Linear(width, n_outputs)

    def forward(self, X):
        return self.out(self.body(X))


class FixedShapeNet(nn.Module):
    """A user network that ignores every argument skneural could pass."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(5, 2)

    def forward(self, X):
        return self.layer(X)


def test_user_module_gets_shapes_and_matching_architecture_params(binary_data):
    clf = NeuralClassifier(module=TwoLayerNet, dropout=0.3, **FAST).fit(*binary_data)
    assert isinstance(clf.module_, TwoLayerNet)
    assert clf.module_.out.out_features == 2
    assert clf.module_.dropout == 0.3
    assert clf.score(*binary_data) > 0.8


def test_module_without_shape_arguments(binary_data):
    clf = NeuralClassifier(module=FixedShapeNet, **FAST).fit(*binary_data)
    assert clf.predict_proba(binary_data[0]).shape == (200, 2)


def test_module_params_reach_the_constructor(regression_data):
    reg = NeuralRegressor(module=TwoLayerNet, module_params={"width": 24}, **FAST)
    reg.fit(*regression_data)
    assert reg.module_.width == 24


def test_nested_module_params_are_settable_without_mutating_user_dict():
    user_dict = {"width": 4}
    clf = NeuralClassifier(module=TwoLayerNet, module_params=user_dict)
    clf.set_params(module_params__width=32)
    assert clf.get_params()["module_params__width"] == 32
    assert user_dict == {"width": 4}
    assert clone(clf).module_params == {"width": 32}


def test_grid_search_over_module_constructor_argument(binary_data):
    clf = NeuralClassifier(module=TwoLayerNet, module_params={"width": 4}, **FAST)
    search = GridSearchCV(clf, {"module_params__width": [2, 16]}, cv=2).fit(*binary_data)
    widths = [params["module_params__width"] for params in search.cv_results_["params"]]
    assert widths == [2, 16]
    assert search.best_estimator_.module_.width == search.best_params_["module_params__width"]


def test_grid_search_over_optimizer_params(binary_data):
    clf = NeuralClassifier(optimizer="sgd", **FAST)
    search = GridSearchCV(clf, {"optimizer_params__momentum": [0.0, 0.9]}, cv=2)
    search.fit(*binary_data)
    momentum = search.best_estimator_._optimizer.param_groups[0]["momentum"]
    assert momentum == search.best_params_["optimizer_params__momentum"]


def test_custom_loss_module(regression_data):
    reg = NeuralRegressor(loss=nn.SmoothL1Loss(), **FAST).fit(*regression_data)
    assert reg.score(*regression_data) > 0.5


def test_custom_loss_callable_gets_logits_and_indices(binary_data):
    seen = {}

    def loss(logits, target):
        seen["dtypes"] = (logits.dtype, target.dtype)
        return nn.functional.cross_entropy(logits, target, reduction="none")

    NeuralClassifier(loss=loss, **FAST).fit(*binary_data, sample_weight=np.ones(200))
    assert seen["dtypes"] == (torch.float32, torch.int64)


def test_optimizer_class(binary_data):
    clf = NeuralClassifier(optimizer=torch.optim.Adamax, **FAST).fit(*binary_data)
    assert isinstance(clf._optimizer, torch.optim.Adamax)


class WidthNet(nn.Module):
    """A user network of a fixed output width, whatever the task needs."""

    def __init__(self, n_features_in, width=2):
        super().__init__()
        self.layer = nn.Linear(n_features_in, width)

    def forward(self, X):
        return self.layer(X)


class FlatNet(WidthNet):
    """Returns one value per row as a 1-D tensor."""

    def forward(self, X):
        return self.layer(X)[:, 0]


@pytest.mark.parametrize(
    "estimator, data, module, width, expected",
    [
        # Trained by broadcasting before: predict on n rows gave 2n values.
        (NeuralRegressor, "regression_data", WidthNet, 2, r"\(2, 2\).*\(2, 1\)"),
        (NeuralRegressor, "regression_data", FlatNet, 1, r"\(2,\).*\(2, 1\)"),
        # A binary classifier used column 0 of 3 silently.
        (NeuralClassifier, "binary_data", WidthNet, 3, r"\(2, 3\).*\(2, 2\)"),
        (NeuralClassifier, "classification_data", WidthNet, 2, r"\(2, 2\).*\(2, 3\)"),
    ],
)
def test_wrong_output_width_is_named(request, estimator, data, module, width, expected):
    X, y = request.getfixturevalue(data)
    model = estimator(module=module, module_params={"width": width}, **FAST)
    with pytest.raises(ValueError, match=f"module of {estimator.__name__} returns .*{expected}"):
        model.fit(X, y)


def test_module_returning_a_tuple_is_named(binary_data):
    class TupleNet(WidthNet):
        def forward(self, X):
            return self.layer(X), X

    with pytest.raises(TypeError, match="must return a torch.Tensor .* got tuple"):
        NeuralClassifier(module=TupleNet, **FAST).fit(*binary_data)


def test_lazy_modules_are_initialised_before_the_optimizer(binary_data):
    clf = NeuralClassifier(module=lambda: nn.LazyLinear(2), **FAST).fit(*binary_data)
    assert clf.predict_proba(binary_data[0]).shape == (200, 2)


class NoParameterNet(nn.Module):
    """Passes two input columns through: nothing to train."""

    def __init__(self):
        super().__init__()

    def forward(self, X):
        return X[:, :2]


class FrozenNet(WidthNet):
    def __init__(self, n_features_in, width=2):
        super().__init__(n_features_in, width)
        self.layer.requires_grad_(False)


@pytest.mark.parametrize(
    "module, reason",
    [(NoParameterNet, "it has no parameters"), (FrozenNet, "all 2 of its parameters are frozen")],
)
def test_module_without_trainable_parameters_is_named(binary_data, module, reason):
    # Failed in the first backward pass: "element 0 of tensors does not require grad".
    with pytest.raises(ValueError, match=f"NeuralClassifier has no trainable parameters: {reason}"):
        NeuralClassifier(module=module, **FAST).fit(*binary_data)


class IntegerOutputNet(WidthNet):
    def forward(self, X):
        return self.layer(X).long()


class ComplexOutputNet(WidthNet):
    def forward(self, X):
        return self.layer(X).to(torch.complex64)


@pytest.mark.parametrize("estimator", [NeuralClassifier, NeuralRegressor])
@pytest.mark.parametrize(
    "module, dtype", [(IntegerOutputNet, "int64"), (ComplexOutputNet, "complex64")]
)
def test_module_with_outputs_that_are_not_floats_is_named(binary_data, estimator, module, dtype):
    width = 2 if estimator is NeuralClassifier else 1
    model = estimator(module=module, module_params={"width": width}, **FAST)
    with pytest.raises(TypeError, match=f"returns {dtype} outputs, but the loss needs floating"):
        model.fit(*binary_data)


def test_float64_module_is_named_with_the_fix(binary_data):
    # Failed in its first forward pass: "mat1 and mat2 must have the same dtype".
    def double_net(n_features_in):
        return WidthNet(n_features_in).double()

    with pytest.raises(TypeError, match=r"has float64 parameters.*call \.float\(\)"):
        NeuralClassifier(module=double_net, **FAST).fit(*binary_data)


def test_float64_module_that_casts_its_input_still_trains(binary_data):
    class CastingNet(WidthNet):
        def forward(self, X):
            return self.layer(X.double())

    def double_net(n_features_in):
        return CastingNet(n_features_in).double()

    clf = NeuralClassifier(module=double_net, **FAST).fit(*binary_data)
    assert clf.score(*binary_data) > 0.8


def test_torchscript_module_trains(binary_data):
    def scripted(n_features_in):
        return torch.jit.script(nn.Linear(n_features_in, 2))

    clf = NeuralClassifier(module=scripted, **FAST).fit(*binary_data)
    assert clf.predict_proba(binary_data[0]).shape == (200, 2)


@pytest.mark.parametrize("module", [nn.Linear(5, 2), TwoLayerNet(5, 2)])
def test_module_instance_is_refused_with_the_fix(binary_data, module):
    # Was "Could not build module Linear(...): unexpected keyword argument 'n_features_in'".
    name = type(module).__name__
    with pytest.raises(TypeError, match=f"got an instance of {name}.*module={name}, .*lambda"):
        NeuralClassifier(module=module, **FAST).fit(*binary_data)
