import sys
from types import SimpleNamespace

import pytest
from sklearn.model_selection import GridSearchCV

from skneural.callbacks import LambdaCallback, LRScheduler, MLflowLogger

mlflow = pytest.importorskip("mlflow")

# MLflow's own SQLAlchemy models trigger this deprecation warning.
pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy")


@pytest.fixture(scope="module")
def tracking_uri(tmp_path_factory):
    """One SQLite store for the module (creating one takes seconds), created
    here so that parallel workers only write to it. Tests tell their runs
    apart by run id or experiment."""
    uri = f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"
    mlflow.MlflowClient(tracking_uri=uri).search_experiments()
    return uri


def test_every_numeric_history_entry_is_logged_per_epoch(make_net, data, tracking_uri):
    logger = MLflowLogger(
        experiment_name="callbacks", run_name="tiny", tracking_uri=tracking_uri, tags={"k": "v"}
    )
    net = make_net(callbacks=[logger], max_epochs=3).fit(*data)
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    run = client.get_run(net.callbacks_[0].run_id_)
    assert run.info.status == "FINISHED"
    assert run.info.run_name == "tiny" and run.data.tags["k"] == "v"
    assert client.get_experiment(run.info.experiment_id).name == "callbacks"
    assert set(run.data.metrics) == {"train_loss", "valid_loss", "valid_accuracy", "lr", "duration"}
    for name in run.data.metrics:
        points = client.get_metric_history(run.info.run_id, name)
        assert [p.step for p in points] == [1, 2, 3]
        assert [p.value for p in points] == pytest.approx(net.history_.column(name))
    assert net.callbacks_[0]._client is None


def test_runs_go_to_the_default_experiment_and_nest_under_an_active_run(
    make_net, data, tracking_uri, monkeypatch
):
    parent = SimpleNamespace(info=SimpleNamespace(run_id="parent-run"))
    monkeypatch.setattr(mlflow, "active_run", lambda: parent)
    net = make_net(callbacks=[MLflowLogger(tracking_uri=tracking_uri)], max_epochs=1).fit(*data)
    run = mlflow.MlflowClient(tracking_uri=tracking_uri).get_run(net.callbacks_[0].run_id_)
    assert run.info.experiment_id == "0"
    assert run.data.tags["mlflow.parentRunId"] == "parent-run"


def test_parallel_search_gives_every_fit_its_own_run(make_net, data, tracking_uri):
    logger = MLflowLogger(experiment_name="search", tracking_uri=tracking_uri)
    net = make_net(callbacks=[logger], max_epochs=2)
    search = GridSearchCV(net, {"lr": [0.01, 0.02]}, cv=2, n_jobs=2).fit(*data)
    n_fits = len(search.cv_results_["params"]) * 2 + 1  # and the refit
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    runs = client.search_runs([client.get_experiment_by_name("search").experiment_id])
    assert len(runs) == n_fits
    for run in runs:
        assert run.info.status == "FINISHED"
        assert [p.step for p in client.get_metric_history(run.info.run_id, "train_loss")] == [1, 2]


def test_run_is_ended_when_another_callback_fails(make_net, data, tracking_uri):
    logger = MLflowLogger(experiment_name="failing", tracking_uri=tracking_uri)
    with pytest.raises(ValueError, match="plateau schedule steps on a per-epoch metric"):
        make_net(callbacks=[logger, LRScheduler("reduce_on_plateau", step_every="batch")]).fit(
            *data
        )
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    runs = client.search_runs([client.get_experiment_by_name("failing").experiment_id])
    assert [run.info.status for run in runs] == ["FAILED"]


def _interrupt_at_epoch_two(trainer, epoch, **kwargs):
    if epoch == 2:
        raise KeyboardInterrupt


def test_an_interrupted_fit_is_a_killed_run(make_net, data, tracking_uri):
    logger = MLflowLogger(experiment_name="interrupted", tracking_uri=tracking_uri)
    interrupt = LambdaCallback(on_epoch_end=_interrupt_at_epoch_two)
    with pytest.warns(UserWarning, match="Training interrupted by the user after 2 epochs"):
        net = make_net(callbacks=[logger, interrupt]).fit(*data)
    run = mlflow.MlflowClient(tracking_uri=tracking_uri).get_run(net.callbacks_[0].run_id_)
    assert run.info.status == "KILLED"


def test_empty_experiment_name_is_refused(make_net, data, tracking_uri):
    # Was "AttributeError: 'NoneType' object has no attribute 'experiment_id'".
    logger = MLflowLogger(experiment_name="", tracking_uri=tracking_uri)
    with pytest.raises(ValueError, match="experiment_name must be a non-empty name, or None"):
        make_net(callbacks=[logger], max_epochs=1).fit(*data)


def test_a_failure_to_create_the_experiment_is_raised(make_net, data, tracking_uri, monkeypatch):
    def refuse(self, name, **kwargs):
        raise mlflow.exceptions.MlflowException("permission denied")

    monkeypatch.setattr(mlflow.MlflowClient, "create_experiment", refuse)
    logger = MLflowLogger(experiment_name="refused", tracking_uri=tracking_uri)
    with pytest.raises(mlflow.exceptions.MlflowException, match="permission denied"):
        make_net(callbacks=[logger], max_epochs=1).fit(*data)


def test_an_experiment_created_meanwhile_by_another_process_is_used(
    make_net, data, tracking_uri, monkeypatch
):
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    experiment_id = client.create_experiment("raced")
    lookup = mlflow.MlflowClient.get_experiment_by_name
    lookups = []

    def first_lookup_misses(self, name):
        lookups.append(name)  # the first one ran before the other process created it
        return None if len(lookups) == 1 else lookup(self, name)

    monkeypatch.setattr(mlflow.MlflowClient, "get_experiment_by_name", first_lookup_misses)
    logger = MLflowLogger(experiment_name="raced", tracking_uri=tracking_uri)
    net = make_net(callbacks=[logger], max_epochs=1).fit(*data)
    assert client.get_run(net.callbacks_[0].run_id_).info.experiment_id == experiment_id
    assert lookups == ["raced", "raced"]


def test_missing_mlflow_names_the_extra(make_net, data, monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)
    with pytest.raises(ImportError, match=r"pip install skneural\[mlflow\]"):
        make_net(callbacks=[MLflowLogger()]).fit(*data)
