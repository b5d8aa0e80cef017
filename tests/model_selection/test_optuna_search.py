"""OptunaSearchCV: the search interface, honest pruning and bad input."""

import copy
import pickle
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.model_selection import OptunaPruningCallback, OptunaSearchCV
from tests.model_selection.conftest import TINY

optuna = pytest.importorskip("optuna")
CategoricalDistribution = optuna.distributions.CategoricalDistribution
FloatDistribution = optuna.distributions.FloatDistribution
States = optuna.trial.TrialState


class PruneOddTrials(optuna.pruners.BasePruner):
    """Deterministic pruner: odd-numbered trials are pruned at epoch 2."""

    def prune(self, study, trial):
        return trial.number % 2 == 1 and trial.last_step >= 2


class PruneAll(optuna.pruners.BasePruner):
    def prune(self, study, trial):
        return True


def lr_space(*choices):
    return {"lr": CategoricalDistribution(choices)}


def test_search_interface(small_classification):
    X, y = small_classification
    search = OptunaSearchCV(NeuralClassifier(**TINY), n_trials=3, cv=2, random_state=0)
    search.fit(X, y)
    results = search.cv_results_
    assert list(results["state"]) == ["COMPLETE"] * 3
    assert list(results["trial_number"]) == [0, 1, 2]
    assert search.best_score_ == results["mean_test_score"].max()
    assert results["params"][search.best_index_] == search.best_params_
    assert search.best_estimator_.get_params()["lr"] == search.best_params_["lr"]
    assert search.predict(X).shape == (120,) and search.predict_proba(X).shape == (120, 2)
    assert search.score(X, y) == search.best_estimator_.score(X, y)
    assert [t.state for t in search.study_.trials] == [States.COMPLETE] * 3
    np.testing.assert_allclose([t.value for t in search.study_.trials], results["mean_test_score"])


def test_same_seed_same_search(small_regression):
    searches = [
        OptunaSearchCV(NeuralRegressor(**TINY), n_trials=3, cv=2, random_state=3).fit(
            *small_regression
        )
        for _ in range(2)
    ]
    assert searches[0].cv_results_["params"] == searches[1].cv_results_["params"]
    np.testing.assert_array_equal(
        searches[0].cv_results_["mean_test_score"], searches[1].cv_results_["mean_test_score"]
    )


def test_pruned_trials_are_recorded_honestly(small_classification):
    X, y = small_classification
    search = OptunaSearchCV(
        NeuralClassifier(**TINY),
        lr_space(1e-2, 3e-2),
        n_trials=4,
        cv=3,
        pruner=PruneOddTrials(),
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    assert list(results["state"]) == ["COMPLETE", "PRUNED", "COMPLETE", "PRUNED"]
    assert [t.state for t in search.study_.trials] == [
        States.COMPLETE,
        States.PRUNED,
        States.COMPLETE,
        States.PRUNED,
    ]
    pruned = results["state"] == "PRUNED"
    np.testing.assert_array_equal(results["pruned_at_epoch"][pruned], [2, 2])
    assert np.isnan(results["pruned_at_epoch"][~pruned]).all()
    # no score of a partial fit is presented, and the other folds never ran
    for split in range(3):
        assert np.isnan(results[f"split{split}_test_score"][pruned]).all()
    assert (results["split0_test_score"][~pruned] > 0).all()
    assert (results["mean_fit_time"][pruned] < results["mean_fit_time"][~pruned]).all()
    assert set(results["rank_test_score"][pruned]) == {3}
    assert results["state"][search.best_index_] == "COMPLETE"
    # the refit runs on all rows, to the end, without the pruning callback
    best = search.best_estimator_
    assert best.n_iter_ == TINY["max_epochs"] and not best.callbacks
    assert best.n_features_in_ == X.shape[1]


def test_a_search_where_every_trial_is_pruned_has_no_result(small_classification):
    search = OptunaSearchCV(NeuralClassifier(**TINY), n_trials=2, cv=2, pruner=PruneAll())
    with pytest.raises(ValueError, match=r"None of the 2 candidates completed .*'PRUNED': 2"):
        search.fit(*small_classification)
    assert not hasattr(search, "cv_results_") and not hasattr(search, "best_params_")


def test_default_median_pruner_prunes_a_hopeless_trial(small_classification):
    # five good trials, then one with a learning rate too small to learn
    lrs = [3e-2] * 5 + [1e-7]
    space = lambda trial: {"lr": lrs[trial.number]}  # noqa: E731
    clf = NeuralClassifier(hidden_layer_sizes=(8,), max_epochs=8, random_state=0)
    search = OptunaSearchCV(clf, space, n_trials=6, cv=2, monitor="train_loss")
    search.fit(*small_classification)
    assert list(search.cv_results_["state"]) == ["COMPLETE"] * 5 + ["PRUNED"]
    assert search.cv_results_["pruned_at_epoch"][-1] == 5  # the first epoch after warm-up


def test_pipeline_and_callable_space(small_classification):
    pipe = make_pipeline(StandardScaler(), NeuralClassifier(**TINY))

    def space(trial):
        return {"neuralclassifier__dropout": trial.suggest_float("dropout", 0.0, 0.3)}

    search = OptunaSearchCV(pipe, space, n_trials=2, cv=2, pruner=PruneOddTrials())
    search.fit(*small_classification)
    assert list(search.cv_results_["state"]) == ["COMPLETE", "PRUNED"]
    assert set(search.best_params_) == {"neuralclassifier__dropout"}


def test_any_estimator_without_pruning(small_classification):
    space = {"C": FloatDistribution(0.01, 10, log=True)}
    search = OptunaSearchCV(LogisticRegression(), space, n_trials=2, cv=2, pruner=None)
    assert search.fit(*small_classification).best_params_["C"] > 0


@pytest.mark.parametrize(
    ("estimator", "match"),
    [
        (LogisticRegression(), "holds none"),
        (
            VotingClassifier([("a", NeuralClassifier(**TINY)), ("b", NeuralClassifier(**TINY))]),
            r"holds 2: \['a', 'b'\]",
        ),
    ],
)
def test_pruning_needs_exactly_one_skneural_estimator(estimator, match, small_classification):
    search = OptunaSearchCV(estimator, {"n_jobs": CategoricalDistribution([1])}, n_trials=1)
    with pytest.raises(ValueError, match=match):
        search.fit(*small_classification)


def test_timeout_stops_starting_trials(small_classification):
    search = OptunaSearchCV(NeuralClassifier(**TINY), n_trials=None, timeout=1e-9, cv=2)
    with pytest.raises(ValueError, match="evaluated no candidate"):
        search.fit(*small_classification)


def test_failed_fits_are_recorded_as_failed(small_classification):
    space = {"batch_size": CategoricalDistribution([0, 16])}  # 0 is invalid
    search = OptunaSearchCV(NeuralClassifier(**TINY), space, n_trials=6, cv=2, random_state=0)
    with pytest.warns(FitFailedWarning, match="fits failed"):
        search.fit(*small_classification)
    results = search.cv_results_
    failed = results["state"] == "FAIL"
    assert 0 < failed.sum() < 6
    assert [p["batch_size"] for p in np.array(results["params"])[failed]] == [0] * failed.sum()
    assert search.best_params_["batch_size"] == 16
    states = [t.state for t in search.study_.trials]
    assert states.count(States.FAIL) == failed.sum()


def test_error_score_raise_marks_the_trial_failed(small_classification):
    space = {"batch_size": CategoricalDistribution([0])}
    storage = optuna.storages.InMemoryStorage()
    search = OptunaSearchCV(
        NeuralClassifier(**TINY), space, n_trials=2, cv=2, error_score="raise", storage=storage
    )
    with pytest.raises(ValueError, match="batch_size"):
        search.fit(*small_classification)
    (summary,) = optuna.get_all_study_summaries(storage)
    trials = optuna.load_study(study_name=summary.study_name, storage=storage).trials
    assert [t.state for t in trials] == [States.FAIL]
    assert not hasattr(search, "cv_results_")


@pytest.mark.parametrize(
    ("space", "error", "match"),
    [
        ({}, ValueError, "param_distributions is empty"),
        ({"lr": [0.1, 0.01]}, TypeError, r"param_distributions\['lr'\] must be an optuna"),
        ({"lrr": FloatDistribution(0.1, 1)}, ValueError, "'lrr'.*Did you mean 'lr'"),
        ({"module_param__width": FloatDistribution(1, 2)}, ValueError, "'module_params"),
        (lambda trial: None, TypeError, "must return a non-empty dict"),
        (lambda trial: {"dropuot": 0.1}, ValueError, "Did you mean 'dropout'"),
    ],
)
def test_malformed_spaces_are_rejected(space, error, match, small_classification):
    search = OptunaSearchCV(NeuralClassifier(**TINY), space, n_trials=1, cv=2)
    with pytest.raises(error, match=match):
        search.fit(*small_classification)
    assert not hasattr(search, "cv_results_")


def test_dict_params_of_any_name_are_accepted(small_classification):
    space = {"module_params__layer_norm": CategoricalDistribution([True])}
    search = OptunaSearchCV(NeuralClassifier(**TINY), space, n_trials=1, cv=2)
    assert search.fit(*small_classification).best_estimator_.module_params == {"layer_norm": True}


def test_missing_optuna_names_the_extra(monkeypatch, small_classification):
    monkeypatch.setitem(sys.modules, "optuna", None)
    search = OptunaSearchCV(NeuralClassifier(**TINY), n_trials=1)
    with pytest.raises(ImportError, match=r"pip install skneural\[optuna\]"):
        search.fit(*small_classification)


def test_study_that_minimises_is_refused(small_classification):
    storage = optuna.storages.InMemoryStorage()
    optuna.create_study(storage=storage, study_name="losses", direction="minimize")
    search = OptunaSearchCV(NeuralClassifier(**TINY), storage=storage, study_name="losses")
    with pytest.raises(ValueError, match="minimises"):
        search.fit(*small_classification)


def test_pruning_callback_shares_its_trial_across_copies_and_clones():
    trial = optuna.create_study().ask()
    callback = OptunaPruningCallback(trial, monitor="valid_accuracy")
    assert copy.deepcopy(callback).trial is trial
    assert clone(callback).trial is trial and clone(callback).monitor == "valid_accuracy"
    with pytest.raises(TypeError, match="database storage"):
        pickle.dumps(callback)


@pytest.mark.parametrize(
    ("direction", "monitor", "sign"),
    [
        ("maximize", "valid_loss", -1),
        ("minimize", "valid_loss", 1),
        ("maximize", "valid_accuracy", 1),
    ],
)
def test_pruning_callback_reports_in_the_studys_direction(
    direction, monitor, sign, small_classification
):
    trial = optuna.create_study(direction=direction).ask()
    clf = NeuralClassifier(callbacks=[OptunaPruningCallback(trial, monitor=monitor)], **TINY)
    clf.fit(*small_classification)
    reported = trial.study.trials[trial.number].intermediate_values
    assert sorted(reported) == list(range(1, TINY["max_epochs"] + 1))
    expected = sign * np.array(clf.history_.column(monitor))
    np.testing.assert_allclose([reported[epoch] for epoch in sorted(reported)], expected)
    assert clf.callbacks_[0].pruned_epoch_ is None
