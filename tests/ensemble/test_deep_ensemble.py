"""DeepEnsembleClassifier and DeepEnsembleRegressor."""

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.svm import LinearSVC

from skneural import NeuralClassifier, NeuralRegressor
from skneural.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor
from skneural.utils._sklearn_compat import InvalidParameterError


def test_members_differ_by_seed_and_proba_is_their_average(classification_data, tiny_classifier):
    X, y = classification_data
    ensemble = DeepEnsembleClassifier(tiny_classifier(), n_estimators=3, random_state=0).fit(X, y)
    seeds = [member.random_state for member in ensemble.estimators_]
    assert len(set(seeds)) == 3
    member_probas = [member.predict_proba(X) for member in ensemble.estimators_]
    assert not np.allclose(member_probas[0], member_probas[1])
    np.testing.assert_allclose(ensemble.predict_proba(X), np.mean(member_probas, axis=0))
    np.testing.assert_array_equal(ensemble.classes_, ["ant", "bee", "cat"])
    assert set(ensemble.predict(X)) <= {"ant", "bee", "cat"}


def test_regressor_returns_mean_and_std_of_members(regression_data, tiny_regressor):
    X, y = regression_data
    ensemble = DeepEnsembleRegressor(tiny_regressor(), n_estimators=3, random_state=0).fit(X, y)
    members = np.stack([member.predict(X) for member in ensemble.estimators_])
    mean, std = ensemble.predict(X, return_std=True)
    np.testing.assert_allclose(mean, members.mean(axis=0))
    np.testing.assert_allclose(std, members.std(axis=0))
    np.testing.assert_allclose(ensemble.predict(X), mean)
    assert (std > 0).all()


def test_regressor_supports_multi_output_targets(regression_data, tiny_regressor):
    X, y = regression_data
    Y = np.column_stack([y, -y])
    ensemble = DeepEnsembleRegressor(tiny_regressor(), n_estimators=2, random_state=0).fit(X, Y)
    mean, std = ensemble.predict(X, return_std=True)
    assert mean.shape == std.shape == (len(X), 2)


@pytest.mark.parametrize("bootstrap", [False, True])
def test_reproducible_whatever_n_jobs(binary_data, tiny_classifier, bootstrap):
    X, y = binary_data
    params = {"n_estimators": 2, "bootstrap": bootstrap, "max_features": 0.5, "random_state": 3}
    serial = DeepEnsembleClassifier(tiny_classifier(), n_jobs=1, **params).fit(X, y)
    parallel = DeepEnsembleClassifier(tiny_classifier(), n_jobs=2, **params).fit(X, y)
    np.testing.assert_array_equal(serial.predict_proba(X), parallel.predict_proba(X))


def test_architectures_may_set_entries_of_dict_parameters(binary_data, tiny_classifier):
    X, y = binary_data
    ensemble = DeepEnsembleClassifier(
        tiny_classifier(),
        n_estimators=2,
        architectures=[{"optimizer_params__betas": (0.8, 0.99)}, {}],
        random_state=0,
    ).fit(X, y)
    assert ensemble.estimators_[0].optimizer_params == {"betas": (0.8, 0.99)}
    assert ensemble.estimators_[1].optimizer_params is None


def test_architectures_are_cycled_over_members(regression_data, tiny_regressor):
    X, y = regression_data
    ensemble = DeepEnsembleRegressor(
        tiny_regressor(),
        n_estimators=3,
        architectures=[{"hidden_layer_sizes": (4,)}, {"hidden_layer_sizes": (12,), "lr": 1e-2}],
        random_state=0,
    ).fit(X, y)
    sizes = [member.hidden_layer_sizes for member in ensemble.estimators_]
    assert sizes == [(4,), (12,), (4,)]
    assert ensemble.estimators_[1].lr == 1e-2
    assert ensemble.estimator.hidden_layer_sizes == (8,)  # the template is untouched


@pytest.mark.parametrize("max_features, expected", [(3, 3), (0.5, 3), (1.0, 6)])
def test_feature_subsets(regression_data, max_features, expected):
    X, y = regression_data
    ensemble = DeepEnsembleRegressor(
        DummyRegressor(), n_estimators=4, max_features=max_features, random_state=0
    ).fit(X, y)
    for member, features in zip(ensemble.estimators_, ensemble.estimators_features_, strict=True):
        assert member.n_features_in_ == len(features) == expected
        assert len(np.unique(features)) == expected
    assert ensemble.predict(X).shape == (len(X),)


@pytest.mark.parametrize("bootstrap", [False, True])
def test_bootstrap_resamples_rows_per_member(regression_data, bootstrap):
    X, y = regression_data
    ensemble = DeepEnsembleRegressor(
        DummyRegressor(strategy="mean"), n_estimators=3, bootstrap=bootstrap, random_state=0
    ).fit(X, y)
    means = [float(member.constant_[0, 0]) for member in ensemble.estimators_]
    if bootstrap:
        assert len(set(means)) == 3
    else:
        assert means == pytest.approx([y.mean()] * 3)


def test_sample_weight_reaches_members(regression_data):
    X, y = regression_data
    weight = np.linspace(0.1, 2.0, len(y))
    ensemble = DeepEnsembleRegressor(DummyRegressor(), n_estimators=2, random_state=0)
    ensemble.fit(X, y, sample_weight=weight)
    assert ensemble.predict(X[:1])[0] == pytest.approx(np.average(y, weights=weight))


def test_member_missing_a_class_gives_it_zero_probability():
    # One row of class "rare": bootstrap samples leave it out of some members.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    y = np.array(["common"] * 39 + ["rare"])
    ensemble = DeepEnsembleClassifier(
        DummyClassifier(strategy="prior"), n_estimators=8, bootstrap=True, random_state=0
    ).fit(X, y)
    saw_rare = [len(member.classes_) == 2 for member in ensemble.estimators_]
    assert 0 < sum(saw_rare) < 8
    rare_priors = [m.class_prior_[1] for m in ensemble.estimators_ if len(m.classes_) == 2]
    expected = sum(rare_priors) / len(ensemble.estimators_)
    proba = ensemble.predict_proba(X)
    np.testing.assert_allclose(proba[:, 1], expected)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    "ensemble_class, net_class",
    [(DeepEnsembleClassifier, NeuralClassifier), (DeepEnsembleRegressor, NeuralRegressor)],
)
def test_default_members_are_skneural_nets(binary_data, ensemble_class, net_class):
    X, y = binary_data
    ensemble = ensemble_class(n_estimators=2, random_state=0).fit(X, y)
    assert all(type(member) is net_class for member in ensemble.estimators_)
    assert all(member.n_threads == 1 for member in ensemble.estimators_)


def test_ensemble_of_one_is_rejected(binary_data):
    X, y = binary_data
    with pytest.raises(InvalidParameterError, match=r"'n_estimators'.*range \[2, inf\)"):
        DeepEnsembleClassifier(n_estimators=1).fit(X, y)


def test_return_std_on_a_classifier_says_what_to_use(binary_data):
    X, y = binary_data
    ensemble = DeepEnsembleClassifier(DummyClassifier(), n_estimators=2).fit(X, y)
    with pytest.raises(ValueError, match="return_std=True is only available for regressors"):
        ensemble.predict(X, return_std=True)


@pytest.mark.parametrize(
    "architectures, error, message",
    [
        ([], ValueError, "architectures is an empty list"),
        ([{}, {}, {}], ValueError, "architectures has 3 entries but n_estimators=2"),
        (
            [{}, {"hidden_layer_size": (4,)}],
            ValueError,
            r"architectures\[1\] does not fit NeuralClassifier: Invalid parameter 'hidden_layer_s",
        ),
        ([{}, (4,)], TypeError, r"architectures\[1\] must be a dict"),
    ],
)
def test_bad_architectures(binary_data, tiny_classifier, architectures, error, message):
    X, y = binary_data
    ensemble = DeepEnsembleClassifier(
        tiny_classifier(), n_estimators=2, architectures=architectures
    )
    with pytest.raises(error, match=message):
        ensemble.fit(X, y)


def test_more_features_than_x_has(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="max_features=20 exceeds the 6 features of X"):
        DeepEnsembleClassifier(DummyClassifier(), n_estimators=2, max_features=20).fit(X, y)


def test_classifier_member_needs_predict_proba(binary_data):
    X, y = binary_data
    with pytest.raises(InvalidParameterError, match="predict_proba"):
        DeepEnsembleClassifier(LinearSVC(), n_estimators=2).fit(X, y)


@pytest.mark.parametrize(
    "y, message",
    [
        (np.linspace(0, 1, 80), "Unknown label type"),
        (np.zeros(80), "only one class"),
    ],
)
def test_classifier_rejects_bad_targets(binary_data, y, message):
    X, _ = binary_data
    with pytest.raises(ValueError, match=message):
        DeepEnsembleClassifier(DummyClassifier(), n_estimators=2).fit(X, y)
