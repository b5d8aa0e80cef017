"""Progress of searches: verbose lines and scikit-learn's callback API down to epochs."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV

from skneural import NeuralClassifier, NeuralRegressor
from skneural.callbacks import Checkpoint
from skneural.model_selection import HyperoptSearchCV, OptunaSearchCV
from tests.model_selection.conftest import TINY

sklearn_callback = pytest.importorskip("sklearn.callback", reason="needs scikit-learn >= 1.9")


class RecordTasks:
    """A scikit-learn callback that records every finished task."""

    max_propagation_depth = None  # auto-propagated to every nested estimator

    def __init__(self, probe_X=None, stop_after_epoch=None):
        self.probe_X = probe_X
        self.stop_after_epoch = stop_after_epoch
        self.tasks = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, X=None, fitted_estimator=None):
        predictions = None
        if context.task_name == "epoch" and self.probe_X is not None:
            predictions = fitted_estimator.predict(self.probe_X)
        self.tasks.append((context.estimator_name, context.task_name, context, predictions))
        return context.task_name == "epoch" and context.task_id + 1 == self.stop_after_epoch


def test_search_callbacks_reach_the_epochs_of_every_fit(small_classification):
    X, y = small_classification
    recorder = RecordTasks(probe_X=X[:3])
    clf = NeuralClassifier(**{**TINY, "max_epochs": 4}, early_stopping=False)
    search = GridSearchCV(clf, {"lr": [1e-3, 1e-2]}, cv=2).set_callbacks(recorder)
    search.fit(X, y)
    fits = [task for task in recorder.tasks if task[:2] == ("NeuralClassifier", "fit")]
    epochs = [task for task in recorder.tasks if task[1] == "epoch"]
    assert len(fits) == 5  # 2 candidates x 2 folds, and the refit
    assert len(epochs) == 5 * 4
    # each epoch is a sub-task of a fit, numbered from 0, and sees a usable model
    assert {task[2].parent.task_name for task in epochs} == {"fit"}
    assert sorted({task[2].task_id for task in epochs}) == [0, 1, 2, 3]
    assert all(task[3].shape == (3,) for task in epochs)
    # the bridge is not part of the fitted configuration
    assert [type(cb).__name__ for cb in search.best_estimator_.callbacks_] == ["WeightAveraging"]


def test_a_callback_can_stop_training_after_an_epoch(small_classification):
    clf = NeuralClassifier(**{**TINY, "max_epochs": 5}, early_stopping=False)
    clf.set_callbacks(RecordTasks(stop_after_epoch=2)).fit(*small_classification)
    assert clf.n_iter_ == 2


def test_progress_bar_on_a_search(small_classification, capsys):
    pytest.importorskip("rich")
    search = GridSearchCV(NeuralClassifier(**TINY), {"lr": [1e-3]}, cv=2)
    search.set_callbacks(sklearn_callback.ProgressBar(max_propagation_depth=None))
    search.fit(*small_classification)
    assert "NeuralClassifier - fit" in capsys.readouterr().out


def test_checkpoints_ignore_whether_callbacks_are_set(small_classification, tmp_path):
    def make():
        return NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **TINY)

    first = make().fit(*small_classification)
    resumed = make().set_callbacks(RecordTasks()).fit(*small_classification)
    (checkpoint,) = [cb for cb in resumed.callbacks_ if isinstance(cb, Checkpoint)]
    assert checkpoint.resumed_from_ is not None
    assert resumed.n_iter_ == first.n_iter_


@pytest.mark.parametrize("verbose", [1, 2, 3])
def test_verbose_search_shows_candidates_folds_and_epochs(verbose, small_classification, capsys):
    pytest.importorskip("optuna")
    OptunaSearchCV(NeuralClassifier(**TINY), n_trials=2, cv=2, verbose=verbose).fit(
        *small_classification
    )
    out = capsys.readouterr().out
    assert "[OptunaSearchCV] searching up to 2 candidates, 2 folds each" in out
    assert len(re.findall(r"candidate \d/2: complete, score 0\.\d{4} \+/- 0\.\d{4}", out)) == 2
    assert len(re.findall(r"fold \d/2: score", out)) == (4 if verbose >= 2 else 0)
    # the estimator's own per-epoch lines: 2 candidates x 2 folds + the refit
    assert len(re.findall(r"^epoch +1 ", out, flags=re.MULTILINE)) == (5 if verbose >= 3 else 0)


def test_verbose_hyperopt_search(small_classification, capsys):
    pytest.importorskip("hyperopt")
    HyperoptSearchCV(NeuralClassifier(**TINY), max_evals=1, cv=2, verbose=1).fit(
        *small_classification
    )
    assert "[HyperoptSearchCV] candidate 1/1: complete" in capsys.readouterr().out


def test_sklearn_search_verbose_with_estimator_verbose_shows_epochs(small_classification, capsys):
    clf = NeuralClassifier(**{**TINY, "verbose": 1})
    GridSearchCV(clf, {"lr": [1e-3]}, cv=2, verbose=3).fit(*small_classification)
    out = capsys.readouterr().out
    assert "Fitting 2 folds for each of 1 candidates" in out
    assert len(re.findall(r"\[CV \d/2\] END", out)) == 2
    assert len(re.findall(r"^epoch +5 ", out, flags=re.MULTILINE)) == 3


@pytest.mark.parametrize(
    ("backend", "make_search"),
    [
        ("optuna", lambda clf: OptunaSearchCV(clf, n_trials=2, cv=2, pruner=None, random_state=0)),
        ("hyperopt", lambda clf: HyperoptSearchCV(clf, max_evals=2, cv=2, random_state=0)),
    ],
)
def test_skneural_searches_take_sklearn_callbacks_too(backend, make_search, small_classification):
    pytest.importorskip(backend)
    recorder = RecordTasks()
    clf = NeuralClassifier(**{**TINY, "max_epochs": 3}, early_stopping=False)
    search = make_search(clf).set_callbacks(recorder)
    search.fit(*small_classification)
    names = [(name, task) for name, task, _, _ in recorder.tasks]
    assert names.count(("NeuralClassifier", "fit")) == 2 * 2 + 1
    assert names.count(("NeuralClassifier", "epoch")) == (2 * 2 + 1) * 3
    assert names[-1] == (type(search).__name__, "fit")


def test_scoring_monitor_scores_every_epoch_and_the_fit(small_regression):
    X, y = small_regression
    monitor = sklearn_callback.ScoringMonitor(scoring="r2")
    params = {**TINY, "max_epochs": 3, "early_stopping": False}
    reg = NeuralRegressor(**params).set_callbacks(monitor).fit(X, y)
    rows = monitor.get_logs().data
    assert [(row["task_name"], row["task_id"]) for row in rows] == [
        ("fit", 0),
        ("epoch", 0),
        ("epoch", 1),
        ("epoch", 2),
    ]
    epochs = [row["r2"] for row in rows[1:]]
    assert len(set(epochs)) == 3  # each epoch scores the weights it ended with
    assert rows[0]["r2"] == pytest.approx(reg.score(X, y)) == pytest.approx(epochs[-1])
    # scoring reads the model, it does not change the training
    plain = NeuralRegressor(**params).fit(X, y)
    np.testing.assert_array_equal(reg.predict(X), plain.predict(X))


def test_scoring_monitor_gets_raw_inputs_and_sample_weight(small_classification):
    X, y = small_classification
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    weight = np.where(y == 1, 3.0, 1.0)
    monitor = sklearn_callback.ScoringMonitor(scoring=["accuracy", "neg_log_loss"])
    clf = NeuralClassifier(**TINY).set_callbacks(monitor)
    clf.fit(frame, y, sample_weight=weight)
    (fit_row,) = [row for row in monitor.get_logs().data if row["task_name"] == "fit"]
    assert fit_row["accuracy"] == pytest.approx(clf.score(frame, y, sample_weight=weight))
