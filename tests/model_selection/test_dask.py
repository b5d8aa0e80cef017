"""Searches on a Dask cluster of two worker processes."""

import contextlib
import os
import sys
import threading
import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from skneural import NeuralClassifier
from skneural.callbacks import Callback
from skneural.model_selection import (
    ArchitectureSearchCV,
    ArchitectureSpace,
    Decision,
    OptunaSearchCV,
    dask_backend,
)
from tests.model_selection.conftest import TINY

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")


class WhereAmI(Callback):
    """Record the process and torch's thread count of the fit in its history."""

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        logs["pid"] = os.getpid()
        logs["torch_threads"] = torch.get_num_threads()


def fit_pid(estimator, X, y):
    return float(estimator.history_[-1]["pid"])


def fit_threads(estimator, X, y):
    return float(estimator.history_[-1]["torch_threads"])


N_WORKERS = 2


# Workers without Dask's MALLOC_TRIM_THRESHOLD_, which halves torch's speed.
FULL_SPEED = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


@pytest.fixture(scope="module")
def cluster_client():
    with dask.config.set(FULL_SPEED):
        cluster = distributed.LocalCluster(
            n_workers=N_WORKERS, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture
def client(cluster_client):
    """The module's client once both workers are up: on a loaded machine a
    worker may still be starting (or restarting), and with one worker of one
    thread joblib runs the fits in this process instead."""
    cluster_client.wait_for_workers(N_WORKERS, timeout=120)
    return cluster_client


def split_values(search, metric):
    return np.concatenate(
        [search.cv_results_[f"split{i}_test_{metric}"] for i in range(search.n_splits_)]
    )


def test_grid_search_fits_run_in_the_workers(client, small_classification):
    clf = NeuralClassifier(callbacks=[WhereAmI()], **TINY)
    search = GridSearchCV(
        clf,
        {"lr": [1e-3, 1e-2]},
        cv=3,
        n_jobs=-1,
        scoring={"pid": fit_pid, "threads": fit_threads},
        refit=False,
    )
    with dask_backend(client):
        search.fit(*small_classification)
    worker_pids = set(client.run(os.getpid).values())
    fit_pids = set(split_values(search, "pid").astype(int))
    assert os.getpid() not in fit_pids and fit_pids <= worker_pids
    # one torch thread per fit, whatever the worker's core count
    assert set(split_values(search, "threads")) == {1.0}


def test_optuna_folds_run_in_the_workers_and_the_pruning_fold_locally(client, small_classification):
    pytest.importorskip("optuna")
    clf = NeuralClassifier(callbacks=[WhereAmI()], **TINY)
    search = OptunaSearchCV(clf, n_trials=2, cv=3, n_jobs=-1, scoring=fit_pid, random_state=0)
    with dask_backend(client):
        search.fit(*small_classification)
    worker_pids = set(client.run(os.getpid).values())
    assert set(search.cv_results_["split0_test_score"].astype(int)) == {os.getpid()}
    later_folds = np.concatenate([search.cv_results_[f"split{i}_test_score"] for i in (1, 2)])
    assert set(later_folds.astype(int)) <= worker_pids


def test_architecture_search_batches_run_in_the_workers(client, small_classification):
    clf = NeuralClassifier(callbacks=[WhereAmI()], **TINY)
    space = ArchitectureSpace([Decision("width", (4, 8, 16, 32), param="hidden_layer_sizes[0]")])
    # random proposals do not depend on the scores, which are process ids here
    params = dict(strategy="random", n_iter=4, proposals_per_update=2, cv=2, random_state=0)
    params["refit"] = False
    search = ArchitectureSearchCV(clf, space, n_jobs=-1, scoring=fit_pid, **params)
    with dask_backend(client):
        search.fit(*small_classification)
    worker_pids = set(client.run(os.getpid).values())
    assert set(split_values(search, "score").astype(int)) <= worker_pids
    # the same proposals as in one process
    local = ArchitectureSearchCV(clf, space, n_jobs=1, **params).fit(*small_classification)
    assert list(search.cv_results_["params"]) == list(local.cv_results_["params"])


def test_a_fit_error_on_a_live_cluster_stays_a_fit_error(client, small_classification):
    search = GridSearchCV(
        NeuralClassifier(**TINY), {"batch_size": [0]}, cv=2, n_jobs=-1, error_score="raise"
    )
    with pytest.raises(ValueError, match="batch_size"):
        with dask_backend(client):
            search.fit(*small_classification)


def test_a_closed_client_is_a_clear_error(small_classification):
    cluster = distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=":0")
    client = distributed.Client(cluster)
    client.close()
    cluster.close()
    search = GridSearchCV(NeuralClassifier(**TINY), {"lr": [1e-3]}, cv=2, n_jobs=-1)
    with pytest.raises(RuntimeError, match="client is 'closed', not running"):
        with dask_backend(client):
            search.fit(*small_classification)
    assert not hasattr(search, "cv_results_")


def signal_and_block(estimator, X, y):
    """A scorer that tells the test a fit ran in a worker, then never returns."""
    distributed.Event("a-fit-ran").set()
    threading.Event().wait(timeout=60)  # the shutdown ends this worker first


def test_a_cluster_that_goes_away_leaves_no_results(small_classification):
    # two threads: with a single one joblib would run the fits in this process
    with dask.config.set(FULL_SPEED):
        cluster = distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0"
        )
    client = distributed.Client(cluster, timeout="2s")  # give up reconnecting quickly

    def shut_down_once_a_fit_ran():
        distributed.Event("a-fit-ran", client=client).wait(timeout=60)
        client.shutdown()

    helper = threading.Thread(target=shut_down_once_a_fit_ran)
    helper.start()
    # a scikit-learn estimator keeps torch out of this worker: it starts faster
    search = GridSearchCV(
        LogisticRegression(), {"C": [0.1, 1.0]}, cv=2, n_jobs=-1, scoring=signal_and_block
    )
    try:
        with pytest.raises(RuntimeError, match="Dask cluster went away during the search"):
            with dask_backend(client):
                search.fit(*small_classification)
    finally:
        helper.join()
        client.close()
        with contextlib.suppress(Exception):  # its scheduler is gone already
            cluster.close(timeout=1)
    assert not hasattr(search, "cv_results_") and not hasattr(search, "best_estimator_")


def test_dask_backend_needs_a_client():
    with pytest.raises(TypeError, match="distributed.Client"):
        with dask_backend("tcp://127.0.0.1:8786"):
            pass


def test_missing_distributed_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install skneural\[dask\]"):
        with dask_backend(None):
            pass


def test_workers_started_without_the_trim_threshold_get_no_warning(client, small_classification):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)  # two epochs of TINY
        with dask_backend(client):
            GridSearchCV(NeuralClassifier(**TINY), {"lr": [1e-3]}, cv=2, n_jobs=-1).fit(
                *small_classification
            )


def test_workers_with_dasks_trim_threshold_get_a_warning_naming_the_fix():
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with distributed.Client(cluster) as client:
        client.wait_for_workers(1, timeout=120)
        with pytest.warns(UserWarning, match="MALLOC_TRIM_THRESHOLD_ set") as record:
            with dask_backend(client):
                pass
    cluster.close()
    message = str(record[0].message)
    assert "(65536)" in message and "pre-spawn-environ.MALLOC_TRIM_THRESHOLD_': None" in message
    assert record[0].filename == __file__
