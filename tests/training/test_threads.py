"""n_threads: a count, "all" or "auto" (1 inside joblib workers), and clear errors."""

import joblib
import pytest
import torch
from sklearn.model_selection import cross_validate
from threadpoolctl import threadpool_limits

from skneural import NeuralClassifier
from skneural.callbacks import Callback
from skneural.training._threads import available_cores, in_joblib_worker, resolve_n_threads
from tests.conftest import FAST


class _RecordThreads(Callback):
    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        logs["torch_threads"] = torch.get_num_threads()


def _fit_threads(X, y, n_threads):
    """The torch thread counts seen during the epochs of one fit."""
    clf = NeuralClassifier(n_threads=n_threads, callbacks=[_RecordThreads()], **FAST).fit(X, y)
    return set(clf.history_.column("torch_threads"))


def test_main_program_is_not_a_joblib_worker():
    assert not in_joblib_worker()
    tasks = joblib.Parallel(n_jobs=1)(joblib.delayed(in_joblib_worker)() for _ in range(2))
    assert tasks == [False, False]  # a sequential call runs its tasks in place


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_parallel_tasks_run_in_joblib_workers(backend):
    tasks = joblib.Parallel(n_jobs=2, backend=backend)(
        joblib.delayed(in_joblib_worker)() for _ in range(2)
    )
    assert tasks == [True, True]


def test_auto_follows_torch_and_threadpool_limits_outside_workers(classification_data):
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(available_cores())
        assert _fit_threads(*classification_data, "auto") == {available_cores()}
        with threadpool_limits(limits=1):
            assert _fit_threads(*classification_data, "auto") == {1}
    finally:
        torch.set_num_threads(before)
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_auto_is_one_thread_per_fit_inside_parallel_cross_validation(classification_data, backend):
    clf = NeuralClassifier(n_threads="auto", callbacks=[_RecordThreads()], **FAST)
    with joblib.parallel_config(backend=backend):
        result = cross_validate(clf, *classification_data, cv=2, n_jobs=2, return_estimator=True)
    for fitted in result["estimator"]:
        assert set(fitted.history_.column("torch_threads")) == {1}


def test_all_is_every_available_core():
    assert resolve_n_threads("all") == available_cores()


@pytest.mark.parametrize("n_threads", [True, 0, -1, 1.5, "many", available_cores() + 1])
def test_out_of_range_thread_counts_are_clear_errors(classification_data, n_threads):
    clf = NeuralClassifier(n_threads=n_threads, **FAST)
    with pytest.raises(ValueError, match="n_threads"):
        clf.fit(*classification_data)
