"""scikit-learn MLP parameter names point to skneural's."""

import re

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.utils._params import SKLEARN_MLP_NAMES


def _named_params(advice: str) -> set[str]:
    """skneural parameter names an advice mentions (``lr``, ``optimizer_params=...``)."""
    return set(re.findall(r"\b([a-z_]+)\b(?:=|$| \()", advice))


@pytest.mark.parametrize("sklearn_name", sorted(SKLEARN_MLP_NAMES))
def test_table_matches_both_libraries(sklearn_name):
    # Each entry is a real MLP parameter that skneural lacks, and the advice
    # names real skneural parameters.
    for mlp in (MLPClassifier(), MLPRegressor()):
        assert sklearn_name in mlp.get_params()
    for estimator in (NeuralClassifier(), NeuralRegressor()):
        params = estimator.get_params()
        assert sklearn_name not in params
        advice = SKLEARN_MLP_NAMES[sklearn_name]
        assert _named_params(advice) and _named_params(advice) <= set(params), advice


@pytest.mark.parametrize(
    "name, expected",
    [("learning_rate_init", "use 'lr'"), ("max_iter", "use 'max_epochs'"), ("solver", "optimizer")],
)
def test_set_params_names_the_skneural_parameter(name, expected):
    with pytest.raises(ValueError, match=rf"'{name}' is scikit-learn's MLP parameter.*{expected}"):
        NeuralClassifier().set_params(**{name: 1})


def test_search_over_a_pipeline_names_the_skneural_parameter():
    pipeline = make_pipeline(StandardScaler(), NeuralRegressor(max_epochs=1))
    search = GridSearchCV(pipeline, {"neuralregressor__learning_rate_init": [1e-3]}, cv=2)
    with pytest.raises(ValueError, match="in skneural use 'lr'"):
        search.fit([[0.0], [1.0], [2.0], [3.0]], [0.0, 1.0, 2.0, 3.0])


def test_other_unknown_names_still_get_close_matches():
    with pytest.raises(ValueError, match=r"Did you mean 'lr'\?"):
        NeuralClassifier().set_params(lrr=1)


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
@pytest.mark.parametrize(
    "name, expected",
    [("learning_rate_init", "use 'lr'"), ("max_iter", "use 'max_epochs'"), ("lrr", "'lr'")],
)
def test_constructor_names_the_skneural_parameter(Estimator, name, expected):
    with pytest.raises(TypeError, match=rf"unexpected keyword argument '{name}'\..*{expected}"):
        Estimator(**{name: 1})


def test_constructor_check_keeps_the_signature_scikit_learn_reads():
    estimator = NeuralClassifier(lr=0.05, max_epochs=3)
    assert set(NeuralClassifier().get_params()) == set(estimator.get_params())
    assert clone(estimator).get_params() == estimator.get_params()


def test_a_subclass_constructor_is_checked_with_its_own_parameters():
    class WiderClassifier(NeuralClassifier):
        def __init__(self, width=64, lr=0.1):
            super().__init__(lr=lr)
            self.width = width

    assert WiderClassifier(width=8, lr=0.2).get_params()["width"] == 8
    with pytest.raises(TypeError, match="Did you mean 'width'"):
        WiderClassifier(widht=8)

    class AnyKeywordClassifier(NeuralClassifier):  # passes everything on
        def __init__(self, width=64, **params):
            super().__init__(**params)
            self.width = width

    assert AnyKeywordClassifier(width=8, lr=0.2).lr == 0.2
    with pytest.raises(TypeError, match="in skneural use 'lr'"):
        AnyKeywordClassifier(learning_rate_init=0.2)


@pytest.mark.parametrize(
    "Estimator, score_key", [(NeuralClassifier, "valid_accuracy"), (NeuralRegressor, "valid_r2")]
)
def test_fitted_attributes_of_scikit_learns_mlp_with_early_stopping(Estimator, score_key):
    X, y = make_classification(300, 6, random_state=0)
    model = Estimator(max_epochs=40, n_iter_no_change=3, random_state=0).fit(X, y)
    assert model.n_iter_ < 40  # stopped early
    assert model.best_loss_ is None  # as MLP with early_stopping=True
    assert isinstance(model.validation_scores_, list)
    assert model.validation_scores_ == model.history_.column(score_key)
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.loss_ == model.loss_curve_[-1]


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_fitted_attributes_of_scikit_learns_mlp_without_validation(Estimator):
    X, y = make_classification(200, 6, random_state=0)
    model = Estimator(
        max_epochs=5, early_stopping=False, validation_fraction=0.0, random_state=0
    ).fit(X, y)
    assert model.validation_scores_ is None and model.best_validation_score_ is None
    assert model.best_loss_ == min(model.loss_curve_)
    assert model.loss_ == model.loss_curve_[-1]
    with pytest.raises(NotFittedError):
        _ = Estimator().best_loss_


@pytest.mark.parametrize(
    "name, match",
    [
        ("module__width", r"module is 'mlp', .* Did you mean 'module_params__width'\?"),
        ("optimizer__momentum", r"Did you mean 'optimizer_params__momentum'\?"),
        ("loss__delta", r"Did you mean 'loss_params__delta'\?"),
        ("preprocessing__with_mean", "preprocessing is 'auto', which has no settings"),
        ("augmentation__rotation", "augmentation is None, which has no settings"),
    ],
)
def test_skorch_style_nested_names_point_to_the_dict_parameters(name, match):
    # They failed with "AttributeError: 'str' object has no attribute 'set_params'".
    with pytest.raises(ValueError, match=match):
        NeuralClassifier().set_params(**{name: 3})


def test_an_int_hidden_layer_sizes_is_one_layer_as_in_scikit_learn(regression_data):
    one_layer = NeuralRegressor(hidden_layer_sizes=8, max_epochs=2, random_state=0)
    as_tuple = NeuralRegressor(hidden_layer_sizes=(8,), max_epochs=2, random_state=0)
    X, y = regression_data
    np.testing.assert_array_equal(one_layer.fit(X, y).predict(X), as_tuple.fit(X, y).predict(X))


def test_an_infinite_n_iter_no_change_never_stops_early():
    # scikit-learn's test_n_iter_no_change_inf: the fit runs every epoch.
    X, y = make_classification(n_samples=80, random_state=0)
    clf = NeuralClassifier(n_iter_no_change=np.inf, max_epochs=12, lr=0.1, random_state=0)
    assert clf.fit(X, y).n_iter_ == 12
    with pytest.raises(ValueError, match="'n_iter_no_change' parameter"):
        NeuralClassifier(n_iter_no_change=2.5).fit(X, y)


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_max_epochs_before_early_stopping_warns_as_scikit_learns_mlp(Estimator, recwarn):
    # scikit-learn's MLP warns when max_iter ends a fit that had not converged.
    X, y = make_classification(n_samples=120, random_state=0)
    with pytest.warns(ConvergenceWarning, match="max_epochs=2 before early stopping") as record:
        Estimator(max_epochs=2, random_state=0).fit(X, y)
    assert record[0].filename == __file__  # points at the user's fit
    recwarn.clear()
    # Not when early stopping ended the fit, nor without early stopping, nor in
    # partial_fit (one epoch asked for each time).
    stopped = Estimator(max_epochs=200, n_iter_no_change=1, tol=1e6, random_state=0).fit(X, y)
    assert stopped.n_iter_ < 200
    Estimator(max_epochs=2, early_stopping=False, random_state=0).fit(X, y)
    classes = {"classes": [0, 1]} if Estimator is NeuralClassifier else {}
    Estimator(random_state=0).partial_fit(X, y, **classes)
    assert not [w for w in recwarn if issubclass(w.category, ConvergenceWarning)]
