"""scikit-learn's own estimator checks over skneural's ensembles."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skneural import NeuralClassifier, NeuralRegressor
from skneural.ensemble import (
    DeepEnsembleClassifier,
    DeepEnsembleRegressor,
    SnapshotEnsembleClassifier,
    SnapshotEnsembleRegressor,
)
from skneural.utils.estimator_checks import expected_failed_checks

# Tiny members: 5 epochs at a high learning rate still reach the accuracy the
# checks ask for on their small blobs; two members or snapshots keep it fast.
CLASSIFIER = NeuralClassifier(hidden_layer_sizes=(16,), max_epochs=5, lr=5e-2)
REGRESSOR = NeuralRegressor(hidden_layer_sizes=(16,), max_epochs=5, lr=5e-2)
ESTIMATORS = [
    DeepEnsembleClassifier(CLASSIFIER, n_estimators=2),
    DeepEnsembleRegressor(REGRESSOR, n_estimators=2),
    SnapshotEnsembleClassifier(CLASSIFIER, n_snapshots=2, cycle_epochs=3),
    SnapshotEnsembleRegressor(REGRESSOR, n_snapshots=2, cycle_epochs=3),
]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_ensemble(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_only_sample_weight_equivalence_is_declared(estimator):
    # The members are mini-batch nets with a validation split: the same two
    # sample-weight-equivalence checks as the nets themselves, and no others.
    assert set(expected_failed_checks(estimator)) == {
        "check_sample_weight_equivalence_on_dense_data",
        "check_sample_weight_equivalence_on_sparse_data",
    }
