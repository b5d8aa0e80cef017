import os
import sys

import pytest
from sklearn.model_selection import GridSearchCV

from skneural.callbacks import TensorBoardLogger

EventAccumulator = pytest.importorskip(
    "tensorboard.backend.event_processing.event_accumulator"
).EventAccumulator


def _scalars(run_dir):
    events = EventAccumulator(run_dir)
    events.Reload()
    return {
        tag: [(e.step, e.value) for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]
    }


def test_every_numeric_history_entry_is_logged_per_epoch(make_net, data, tmp_path):
    net = make_net(callbacks=[TensorBoardLogger(tmp_path)], max_epochs=3).fit(*data)
    run_dir = net.callbacks_[0].run_dir_
    assert os.path.dirname(run_dir) == str(tmp_path)
    scalars = _scalars(run_dir)
    assert set(scalars) == {"train_loss", "valid_loss", "valid_accuracy", "lr", "duration"}
    for name, points in scalars.items():
        assert [step for step, _ in points] == [1, 2, 3]
        assert [value for _, value in points] == pytest.approx(net.history_.column(name))


def test_each_fit_writes_its_own_run_and_closes_its_writer(make_net, data, tmp_path):
    net = make_net(callbacks=[TensorBoardLogger(str(tmp_path))], max_epochs=1)
    first = net.fit(*data).callbacks_[0]
    second = net.fit(*data).callbacks_[0]
    assert first.run_dir_ != second.run_dir_
    assert sorted(os.listdir(tmp_path)) == sorted(
        os.path.basename(c.run_dir_) for c in (first, second)
    )
    assert first._writer is None and second._writer is None
    assert not hasattr(net.callbacks[0], "run_dir_")  # the parameter stays unfitted


def test_parallel_search_gives_every_fit_its_own_run(make_net, data, tmp_path):
    net = make_net(callbacks=[TensorBoardLogger(tmp_path)], max_epochs=2)
    search = GridSearchCV(net, {"lr": [0.01, 0.02]}, cv=2, n_jobs=2).fit(*data)
    n_fits = len(search.cv_results_["params"]) * 2 + 1  # and the refit
    runs = os.listdir(tmp_path)
    assert len(runs) == n_fits
    for run in runs:
        assert list(_scalars(str(tmp_path / run))["train_loss"])[-1][0] == 2


def test_missing_tensorboard_names_the_extra(make_net, data, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    with pytest.raises(ImportError, match=r"pip install skneural\[tensorboard\]"):
        make_net(callbacks=[TensorBoardLogger(tmp_path)]).fit(*data)
