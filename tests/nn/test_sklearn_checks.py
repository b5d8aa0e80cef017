"""scikit-learn's estimator checks with the ResNet and FT-Transformer modules."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skneural import NeuralClassifier, NeuralRegressor
from skneural.utils.estimator_checks import expected_failed_checks

ESTIMATORS = [
    NeuralClassifier(
        module="resnet", module_params={"n_blocks": 1, "d_block": 16}, max_epochs=15, lr=1e-2
    ),
    NeuralRegressor(
        module="ft_transformer",
        module_params={"d_token": 16, "n_heads": 2, "n_blocks": 2},
        max_epochs=15,
        lr=1e-2,
    ),
]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
