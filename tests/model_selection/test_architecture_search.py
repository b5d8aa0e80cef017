"""ArchitectureSearchCV: the search interface, seeds, resuming, failures and bad input."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.callbacks import Callback
from skneural.model_selection import (
    ArchitectureSearchCV,
    ArchitectureSpace,
    Decision,
    nested_cross_validate,
)
from tests.model_selection.conftest import TINY

MICRO = {**TINY, "max_epochs": 2}


def small_space():
    """Twelve cheap MLPs."""
    return ArchitectureSpace(
        [
            Decision("depth", (1, 2)),
            Decision("width_1", (4, 8), param="hidden_layer_sizes[0]"),
            Decision("width_2", (4, 8), param="hidden_layer_sizes[1]", when={"depth": 2}),
            Decision("dropout", (0.0, 0.3), param="dropout"),
        ]
    )


class InterruptAtFit(Callback):
    """Raise KeyboardInterrupt when the ``at``-th fit of the process starts.

    The counters are class attributes, so that the estimator's parameters
    (and the search's checkpoint fingerprint) do not depend on them.
    """

    fits = 0
    at = None

    @classmethod
    def reset(cls, at=None):
        cls.fits, cls.at = 0, at

    def on_train_begin(self, trainer, **kwargs):
        type(self).fits += 1
        if type(self).fits == type(self).at:
            raise KeyboardInterrupt


def test_search_interface_with_the_default_space(small_classification):
    X, y = small_classification
    search = ArchitectureSearchCV(
        NeuralClassifier(**MICRO), n_iter=4, proposals_per_update=2, cv=2, random_state=0
    ).fit(X, y)
    results = search.cv_results_
    assert len(results["params"]) == 4
    assert list(results["state"]) == ["COMPLETE"] * 4
    assert list(results["policy_update"]) == [0, 0, 1, 1]
    for architecture, params in zip(results["architecture"], results["params"], strict=True):
        assert search.space_.params(architecture) == params
    assert search.best_score_ == results["mean_test_score"].max()
    assert results["params"][search.best_index_] == search.best_params_
    assert results["rank_test_score"][search.best_index_] == 1
    assert search.best_estimator_.get_params()["module"] == search.best_params_["module"]
    assert search.predict(X).shape == (120,) and search.predict_proba(X).shape == (120, 2)
    assert search.score(X, y) == search.best_estimator_.score(X, y)
    assert [record["update"] for record in search.policy_history_] == [0, 1]
    assert [record["n_proposals"] for record in search.policy_history_] == [2, 4]
    for record in search.policy_history_:
        assert {"mean_reward", "best_reward", "entropy", "baseline"} <= set(record)
    assert search.policy_history_[-1]["best_reward"] == search.best_score_
    for choices in search.controller_.probabilities().values():
        assert sum(choices.values()) == pytest.approx(1.0)
    assert len(pd.DataFrame(search.cv_results_)) == 4
    pickle.loads(pickle.dumps(search)).predict(X)


def test_pipeline_step_names(small_classification):
    X, y = small_classification
    pipe = make_pipeline(StandardScaler(), NeuralClassifier(**MICRO))
    search = ArchitectureSearchCV(
        pipe, small_space(), n_iter=3, proposals_per_update=2, cv=2, random_state=0
    ).fit(X, y)
    for params in search.cv_results_["params"]:
        assert {"neuralclassifier__hidden_layer_sizes", "neuralclassifier__dropout"} == set(params)
    step = search.best_estimator_[-1]
    assert step.hidden_layer_sizes == search.best_params_["neuralclassifier__hidden_layer_sizes"]


@pytest.mark.parametrize("strategy", ["reinforce", "random", "evolution"])
def test_same_seed_same_search_for_any_n_jobs(strategy, small_regression):
    X, y = small_regression

    def search(random_state, n_jobs):
        return ArchitectureSearchCV(
            NeuralRegressor(**MICRO),
            small_space(),
            strategy=strategy,
            n_iter=6,
            proposals_per_update=2,
            population_size=2,
            tournament_size=2,
            cv=2,
            n_jobs=n_jobs,
            random_state=random_state,
            refit=False,
        ).fit(X, y)

    one, two, other = search(1, 1), search(1, 2), search(2, 1)
    assert list(one.cv_results_["params"]) == list(two.cv_results_["params"])
    np.testing.assert_array_equal(
        one.cv_results_["mean_test_score"], two.cv_results_["mean_test_score"]
    )
    assert list(one.cv_results_["params"]) != list(other.cv_results_["params"])
    # each architecture proposed once, while the space has new ones
    keys = [tuple(sorted(a.items())) for a in one.cv_results_["architecture"]]
    assert len(set(keys)) == 6


def test_nested_cross_validation(small_classification):
    search = ArchitectureSearchCV(
        NeuralClassifier(**MICRO),
        small_space(),
        n_iter=3,
        proposals_per_update=2,
        cv=2,
        random_state=0,
    )
    result = nested_cross_validate(search, *small_classification, cv=2)
    assert result["test_score"].shape == (2,) and np.isfinite(result["best_inner_score"]).all()


def test_an_interrupted_search_resumes_without_refitting(tmp_path, small_classification):
    X, y = small_classification

    def search(n_iter=6, **kwargs):
        return ArchitectureSearchCV(
            NeuralClassifier(**MICRO, callbacks=[InterruptAtFit()]),
            small_space(),
            n_iter=n_iter,
            proposals_per_update=2,
            cv=2,
            random_state=0,
            **kwargs,
        )

    # fits 1-4 are the first update's two architectures; fit 7 is in the second
    InterruptAtFit.reset(at=7)
    with pytest.raises(KeyboardInterrupt):
        search(checkpoint=tmp_path).fit(X, y)
    assert len(list(tmp_path.iterdir())) == 1

    InterruptAtFit.reset()
    resumed = search(checkpoint=tmp_path).fit(X, y)
    # 4 remaining architectures x 2 folds, plus the refit: nothing finished is refitted
    assert InterruptAtFit.fits == 4 * 2 + 1
    assert list(resumed.cv_results_["policy_update"]) == [0, 0, 1, 1, 2, 2]

    uninterrupted = search().fit(X, y)
    assert list(resumed.cv_results_["params"]) == list(uninterrupted.cv_results_["params"])
    np.testing.assert_array_equal(
        resumed.cv_results_["mean_test_score"], uninterrupted.cv_results_["mean_test_score"]
    )
    assert resumed.policy_history_ == uninterrupted.policy_history_
    assert resumed.checkpoint_path_.exists() and uninterrupted.checkpoint_path_ is None

    # a finished search continues when n_iter grows, and refuses to shrink
    InterruptAtFit.reset()
    longer = search(checkpoint=tmp_path, n_iter=8, refit=False).fit(X, y)
    assert InterruptAtFit.fits == 2 * 2 and len(longer.cv_results_["params"]) == 8
    with pytest.raises(ValueError, match="already holds 8 architectures, more than n_iter=6"):
        search(checkpoint=tmp_path).fit(X, y)


def test_another_search_does_not_pick_up_the_checkpoint(tmp_path, small_classification):
    X, y = small_classification
    params = dict(n_iter=3, proposals_per_update=2, cv=2, checkpoint=tmp_path, refit=False)
    first = ArchitectureSearchCV(NeuralClassifier(**MICRO), small_space(), random_state=0, **params)
    other = clone(first).set_params(random_state=1)
    first.fit(X, y)
    other.fit(X[:100], y[:100])
    assert first.checkpoint_path_ != other.checkpoint_path_
    assert len(list(tmp_path.iterdir())) == 2
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="checkpoint must be a directory"):
        clone(first).set_params(checkpoint=tmp_path / "file").fit(X, y)


def test_failing_candidates_are_recorded_and_rewarded(small_classification):
    X, y = small_classification
    space = ArchitectureSpace(
        [
            Decision("width", (4, 8, 16), param="hidden_layer_sizes[0]"),
            # "none" is no activation: every fit with it fails
            Decision("activation", ("relu", "none"), param="activation"),
        ]
    )
    search = ArchitectureSearchCV(
        NeuralClassifier(**MICRO), space, n_iter=6, proposals_per_update=3, cv=2, random_state=0
    )
    with pytest.warns(FitFailedWarning, match="candidates are recorded with state 'FAIL'"):
        search.fit(X, y)
    results = search.cv_results_
    failed = np.array([a["activation"] == "none" for a in results["architecture"]])
    assert failed.any() and not failed.all()
    assert list(results["state"]) == ["FAIL" if f else "COMPLETE" for f in failed]
    assert np.isnan(results["mean_test_score"][failed]).all()
    for error, did_fail in zip(results["fit_error"], failed, strict=True):
        assert ("activation" in error) if did_fail else error is None
    assert (results["rank_test_score"][failed] > results["rank_test_score"][~failed].max()).all()
    assert search.best_params_["activation"] == "relu"
    assert all(np.isfinite(record["mean_reward"]) for record in search.policy_history_)

    with pytest.raises(ValueError, match="activation"):
        clone(search).set_params(error_score="raise").fit(X, y)


@pytest.mark.filterwarnings("ignore:Scoring failed")
def test_a_failing_scorer_fails_the_candidate(small_classification):
    X, y = small_classification

    def scorer(estimator, X, y):
        if estimator.hidden_layer_sizes == (4,):
            raise ValueError("Input contains NaN.")
        return estimator.score(X, y)

    space = ArchitectureSpace([Decision("width", (4, 8, 16), param="hidden_layer_sizes[0]")])
    search = ArchitectureSearchCV(
        NeuralClassifier(**MICRO),
        space,
        n_iter=3,
        proposals_per_update=2,
        cv=2,
        scoring=scorer,
        random_state=0,
    )
    with pytest.warns(FitFailedWarning, match="test score is nan: the scorer failed"):
        search.fit(X, y)
    results = search.cv_results_
    failed = np.array([a["width"] == 4 for a in results["architecture"]])
    assert failed.any()
    assert list(results["state"]) == ["FAIL" if f else "COMPLETE" for f in failed]
    assert (results["rank_test_score"][failed] == 3).all()
    assert np.isfinite(search.best_score_) and search.best_params_["hidden_layer_sizes"] != (4,)
    assert all(np.isfinite(record["mean_reward"]) for record in search.policy_history_)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_iter": 5, "proposals_per_update": 5}, "the controller would never be used"),
        ({"strategy": "evolution", "n_iter": 10}, "every architecture would be random"),
        (
            {"strategy": "evolution", "n_iter": 20, "population_size": 2},
            "tournament_size=3 exceeds population_size=2",
        ),
        ({"space": []}, "space is empty"),
        ({"space": [Decision("drop", (0.1,), param="drop_out")]}, "Did you mean 'dropout'"),
        (
            {"space": [Decision("module", ("mlp", "vgg16"), param="module")]},
            "'vgg16', which is not registered",
        ),
    ],
)
def test_bad_settings_fail_before_any_fit(params, match, small_classification):
    search = ArchitectureSearchCV(
        NeuralClassifier(**MICRO, callbacks=[InterruptAtFit()]), cv=2, **params
    )
    InterruptAtFit.reset()
    with pytest.raises(ValueError, match=match):
        search.fit(*small_classification)
    assert InterruptAtFit.fits == 0


def test_needs_exactly_one_skneural_estimator(small_classification):
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(TypeError, match="holds no skneural estimator"):
        ArchitectureSearchCV(LogisticRegression(), n_iter=6, cv=2).fit(*small_classification)


def test_the_same_space_in_randomized_search(small_classification):
    X, y = small_classification
    clf = NeuralClassifier(**MICRO)
    search = RandomizedSearchCV(
        clf, small_space().to_sklearn(), n_iter=3, cv=2, random_state=0
    ).fit(X, y)
    for params in search.cv_results_["params"]:
        assert len(params["hidden_layer_sizes"]) in (1, 2)
