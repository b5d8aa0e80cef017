"""Log the training history to MLflow."""

import time

from ..utils._optional import import_optional
from ._base import Callback
from ._run_logging import numeric_entries

_PARENT_TAG = "mlflow.parentRunId"


class MLflowLogger(Callback):
    """Log every numeric history entry to a new MLflow run after each epoch.

    Needs `MLflow <https://mlflow.org>`_ (``pip install skneural[mlflow]``).
    Each fit creates its own run (through :class:`mlflow.MlflowClient`, not
    the process-wide active run), so the fits of a search, in threads or in
    parallel processes, never log into one another's runs. When an MLflow run
    is active in the fitting process, the new run is nested under it. The
    client is created when training begins and dropped when it ends, so
    estimators using this callback clone and pickle normally. The run ends
    ``FINISHED``, or ``FAILED`` when an error ended training, or ``KILLED``
    when it was interrupted (``Ctrl-C``).

    Parameters
    ----------
    experiment_name : str, default=None
        Name of the experiment of the runs (not empty), created if it does
        not exist; ``None`` uses MLflow's default experiment.
    run_name : str, default=None
        Display name of each run (runs are told apart by their id);
        ``None`` lets MLflow choose one.
    tracking_uri : str, default=None
        Where to log, e.g. ``"sqlite:///mlflow.db"`` or ``"http://host:5000"``;
        ``None`` uses MLflow's default (``MLFLOW_TRACKING_URI`` when set).
    tags : dict, default=None
        Tags added to every run.

    Attributes
    ----------
    run_id_ : str
        Id of the run of the last fit.

    Examples
    --------
    >>> from skneural import NeuralClassifier
    >>> from skneural.callbacks import MLflowLogger
    >>> clf = NeuralClassifier(callbacks=[MLflowLogger(experiment_name="breast_cancer")])
    """

    _observes_only = True
    _parameter_constraints: dict = {
        "experiment_name": [str, None],
        "run_name": [str, None],
        "tracking_uri": [str, None],
        "tags": [dict, None],
    }

    def __init__(self, experiment_name=None, run_name=None, tracking_uri=None, tags=None):
        self.experiment_name = experiment_name
        self.run_name = run_name
        self.tracking_uri = tracking_uri
        self.tags = tags

    def _validate_params(self) -> None:
        super()._validate_params()
        if self.experiment_name == "":
            raise ValueError(
                "MLflowLogger's experiment_name must be a non-empty name, or None for "
                "MLflow's default experiment; got ''."
            )

    def on_train_begin(self, trainer, **kwargs):
        self._client, self._status = None, "FINISHED"
        mlflow = import_optional("mlflow", extra="mlflow", feature="MLflowLogger")
        client = mlflow.MlflowClient(tracking_uri=self.tracking_uri)
        tags = dict(self.tags or {})
        parent = mlflow.active_run()
        if parent is not None:
            tags[_PARENT_TAG] = parent.info.run_id
        run = client.create_run(
            self._experiment_id(mlflow, client), run_name=self.run_name, tags=tags
        )
        self._client, self.run_id_ = client, run.info.run_id

    def _experiment_id(self, mlflow, client) -> str:
        if self.experiment_name is None:
            return mlflow.tracking.default_experiment.DEFAULT_EXPERIMENT_ID
        experiment = client.get_experiment_by_name(self.experiment_name)
        if experiment is not None:
            return experiment.experiment_id
        try:
            return client.create_experiment(self.experiment_name)
        except mlflow.exceptions.MlflowException:
            # Another process may have created it since we looked; any other
            # failure to create it is the user's to see.
            experiment = client.get_experiment_by_name(self.experiment_name)
            if experiment is None:
                raise
            return experiment.experiment_id

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        from mlflow.entities import Metric

        timestamp = int(time.time() * 1000)
        metrics = [
            Metric(name, value, timestamp, epoch) for name, value in numeric_entries(logs).items()
        ]
        self._client.log_batch(self.run_id_, metrics=metrics)

    def on_exception(self, trainer, exception, **kwargs):
        self._status = "KILLED" if isinstance(exception, KeyboardInterrupt) else "FAILED"

    def on_train_end(self, trainer, **kwargs):
        if getattr(self, "_client", None) is not None:
            self._client.set_terminated(self.run_id_, status=self._status)
        self._client = None
