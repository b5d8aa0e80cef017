"""Every built-in callback survives clone, pickling and a parallel search."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skneural.callbacks import (
    EarlyStopping,
    GradientClipping,
    LambdaCallback,
    LRScheduler,
    MLflowLogger,
    ProgressBar,
    TensorBoardLogger,
)

mlflow = pytest.importorskip("mlflow")  # the logger callbacks need their extras
pytest.importorskip("tensorboard")

pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy")


def mark_epoch(trainer, epoch, logs, **kwargs):
    """A module-level hook function: picklable, unlike a lambda."""
    logs["marked"] = float(epoch)


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    """Two settings of each callback, named by the callback's class (fits
    work on copies, so tests may share them)."""
    tmp_path = tmp_path_factory.mktemp("logs")
    tracking_uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow.MlflowClient(tracking_uri=tracking_uri).search_experiments()
    return {
        "LRScheduler": (
            LRScheduler("step", params={"step_size": 2}),
            LRScheduler("one_cycle", step_every="batch"),
        ),
        "GradientClipping": (GradientClipping(max_norm=1.0), GradientClipping(max_value=0.1)),
        "LambdaCallback": (LambdaCallback(on_epoch_end=mark_epoch), LambdaCallback()),
        "ProgressBar": (ProgressBar(), ProgressBar(metrics=["train_loss"])),
        "EarlyStopping": (EarlyStopping(patience=1), EarlyStopping(monitor="valid_accuracy")),
        "TensorBoardLogger": (
            TensorBoardLogger(tmp_path / "tb_a"),
            TensorBoardLogger(str(tmp_path / "tb_b")),
        ),
        "MLflowLogger": (
            MLflowLogger(tracking_uri=tracking_uri),
            MLflowLogger(experiment_name="b", tracking_uri=tracking_uri, tags={"t": "1"}),
        ),
    }


NAMES = [
    "LRScheduler",
    "GradientClipping",
    "LambdaCallback",
    "ProgressBar",
    "EarlyStopping",
    "TensorBoardLogger",
    "MLflowLogger",
]


@pytest.mark.parametrize("name", NAMES)
def test_clone_copies_callback_params(make_net, pairs, name):
    callback = pairs[name][1]
    net = make_net(callbacks=[callback])
    cloned = clone(net).callbacks[0]
    assert cloned is not callback and type(cloned) is type(callback)
    assert cloned.get_params() == callback.get_params()


@pytest.mark.parametrize("name", NAMES)
def test_fitted_estimator_pickles(make_net, data, pairs, name):
    X, y = data
    net = make_net(callbacks=list(pairs[name]), max_epochs=3).fit(X, y)
    restored = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(restored.predict_proba(X), net.predict_proba(X))
    assert [type(c) for c in restored.callbacks_] == [type(c) for c in net.callbacks_]
    assert restored.history_ == net.history_
    # the fitted callbacks keep their parameters, the estimator's stay unfitted
    assert restored.callbacks_[0].get_params() == net.callbacks[0].get_params()
    assert not any(k.endswith("_") for k in vars(net.callbacks[0]))


def test_parallel_search_over_callback_lists(make_net, data, pairs):
    # One search, run by two worker processes, over two settings of every callback.
    grid = [[callback] for name in NAMES for callback in pairs[name]]
    search = GridSearchCV(make_net(max_epochs=3), {"callbacks": grid}, cv=2, n_jobs=2)
    search.fit(*data)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert len(search.cv_results_["params"]) == len(grid)
    # the candidates kept their callbacks unfitted: nothing leaked back from the workers
    for callbacks in grid:
        assert not any(k.endswith("_") for k in vars(callbacks[0]))
    best = search.best_estimator_
    assert type(best.callbacks_[0]) is type(best.callbacks[0])


def test_a_callback_pickled_before_relative_delta_existed_still_works(make_net, data):
    old = EarlyStopping(patience=2)
    del old.relative_delta  # the state such a callback was pickled with
    loaded = pickle.loads(pickle.dumps(old))
    assert loaded.get_params()["relative_delta"] == 0.0
    make_net(callbacks=[loaded], max_epochs=3).fit(*data)
