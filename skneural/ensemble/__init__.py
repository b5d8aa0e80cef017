"""Ensembles of networks: deep and snapshot ensembles, stacking, diversity."""

from ._deep import DeepEnsembleClassifier, DeepEnsembleRegressor
from ._diversity import diversity_report
from ._snapshot import SnapshotEnsembleClassifier, SnapshotEnsembleRegressor
from ._snapshot_callback import SnapshotCallback
from ._stacking import make_neural_stack

__all__ = [
    "DeepEnsembleClassifier",
    "DeepEnsembleRegressor",
    "SnapshotCallback",
    "SnapshotEnsembleClassifier",
    "SnapshotEnsembleRegressor",
    "diversity_report",
    "make_neural_stack",
]
