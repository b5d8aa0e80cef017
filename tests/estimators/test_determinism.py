"""The same random_state gives bit-identical results, whatever the parallelism."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, cross_val_predict

from skneural import NeuralClassifier, NeuralRegressor
from skneural.callbacks import Callback
from tests.conftest import FAST

STOCHASTIC = {**FAST, "dropout": 0.2, "batch_size": 32}


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_same_seed_same_predictions(Estimator, classification_data):
    X, y = classification_data
    first = Estimator(**STOCHASTIC).fit(X, y).predict(X)
    second = Estimator(**STOCHASTIC).fit(X, y).predict(X)
    np.testing.assert_array_equal(first, second)


def test_different_seeds_differ(classification_data):
    X, y = classification_data
    a = NeuralClassifier(**{**STOCHASTIC, "random_state": 0}).fit(X, y).predict_proba(X)
    b = NeuralClassifier(**{**STOCHASTIC, "random_state": 1}).fit(X, y).predict_proba(X)
    assert not np.array_equal(a, b)


def test_global_torch_rng_is_untouched(classification_data):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    NeuralClassifier(**STOCHASTIC).fit(*classification_data)
    np.testing.assert_array_equal(torch.rand(3), expected)


def test_grid_search_is_identical_across_n_jobs(classification_data):
    X, y = classification_data
    grid = {"lr": [1e-2, 3e-3], "dropout": [0.0, 0.2]}

    def run(n_jobs):
        search = GridSearchCV(NeuralClassifier(**STOCHASTIC), grid, cv=3, n_jobs=n_jobs)
        return search.fit(X, y).cv_results_

    serial, parallel, parallel_again = run(1), run(2), run(2)
    for key in ("mean_test_score", "split0_test_score", "split2_test_score"):
        np.testing.assert_array_equal(serial[key], parallel[key])
        np.testing.assert_array_equal(parallel[key], parallel_again[key])


def test_cross_val_predict_probabilities_identical_across_n_jobs(classification_data):
    X, y = classification_data
    estimator = NeuralClassifier(**STOCHASTIC)
    serial = cross_val_predict(estimator, X, y, cv=3, method="predict_proba", n_jobs=1)
    parallel = cross_val_predict(estimator, X, y, cv=3, method="predict_proba", n_jobs=2)
    np.testing.assert_array_equal(serial, parallel)


class _RecordThreads(Callback):
    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        logs["torch_threads"] = torch.get_num_threads()


@pytest.mark.parametrize("n_threads", [1, 2])
def test_fit_runs_with_n_threads_and_restores_them(classification_data, n_threads):
    before = torch.get_num_threads()
    clf = NeuralClassifier(n_threads=n_threads, callbacks=[_RecordThreads()], **FAST)
    clf.fit(*classification_data)
    assert set(clf.history_.column("torch_threads")) == {n_threads}
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_predictions_from_several_threads_at_once_equal_the_serial_ones(
    Estimator, classification_data
):
    from concurrent.futures import ThreadPoolExecutor

    X, y = classification_data
    model = Estimator(**{**STOCHASTIC, "dropout": 0.5}).fit(X, y)
    # Between fits the network stays in eval mode: a prediction never flips it
    # into training mode (dropout on) while another thread predicts.
    assert not model.module_.training
    serial = model.predict(X)
    blocks = np.array_split(np.arange(len(X)), 4)
    for _ in range(5):
        with ThreadPoolExecutor(4) as pool:
            parts = list(pool.map(lambda rows: model.predict(X[rows]), blocks))
        np.testing.assert_array_equal(np.concatenate(parts), serial)
    assert not model.module_.training
