"""The built-in architectures trained end to end through the estimators."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.nn import MLP, FTTransformer, ResNet

TINY = {
    "mlp": {},
    "resnet": {"n_blocks": 1, "d_block": 16},
    "ft_transformer": {"d_token": 8, "n_heads": 2, "n_blocks": 1},
}
CLASSES = {"mlp": MLP, "resnet": ResNet, "ft_transformer": FTTransformer}
# Small batches give the tiny networks enough steps in 5 epochs to learn.
FIT = {
    "hidden_layer_sizes": (16,),
    "max_epochs": 5,
    "lr": 1e-2,
    "batch_size": 32,
    "random_state": 0,
}
ARCHITECTURES = pytest.mark.parametrize("module", list(TINY))


def _with_categorical_column(X, n_categories=4):
    """Replace the last column by integer codes 0 .. n_categories - 1."""
    X = np.array(X, dtype=float)
    X[:, -1] = np.arange(len(X)) % n_categories
    return X


@ARCHITECTURES
@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_parameter_validation_accepts_the_module_name(module, Estimator):
    Estimator(module=module)._validate_params()


def test_unknown_module_name_lists_the_built_ins():
    with pytest.raises(ValueError, match="'ft_transformer'"):
        NeuralClassifier(module="transformer").fit([[0.0], [1.0]], [0, 1])


@ARCHITECTURES
def test_classifier_trains(module, classification_data):
    X, y = classification_data
    clf = NeuralClassifier(module=module, module_params=TINY[module], **FIT).fit(X, y)
    assert isinstance(clf.module_, CLASSES[module])
    losses = clf.history_.to_frame()["train_loss"]
    assert losses.iloc[-1] < losses.iloc[0]
    assert clf.predict_proba(X).shape == (200, 3)
    assert clf.score(X, y) > 0.45  # three balanced classes: chance is about 0.33


@ARCHITECTURES
def test_regressor_trains_with_a_categorical_column(module, regression_data):
    X, y = regression_data
    X = _with_categorical_column(X)
    params = {**TINY[module], "categorical_cardinalities": {4: 4}}
    reg = NeuralRegressor(module=module, module_params=params, **FIT).fit(X, y)
    assert reg.predict(X).shape == (200,)
    losses = reg.history_.to_frame()["train_loss"]
    assert losses.iloc[-1] < losses.iloc[0]
    assert list(reg.module_.categorical_embeddings()) == [4]
    X_unseen = X.copy()
    X_unseen[0, 4] = 4
    with pytest.raises(ValueError, match="Categorical column 4 has 4 categories"):
        reg.predict(X_unseen)


@ARCHITECTURES
def test_periodic_embedding_through_the_estimator(module, binary_data):
    params = {**TINY[module], "numeric_embedding": "periodic", "n_frequencies": 4}
    clf = NeuralClassifier(module=module, module_params=params, **FIT).fit(*binary_data)
    assert clf.score(*binary_data) > 0.7


def test_estimator_architecture_params_reach_resnet_only_where_accepted(binary_data):
    clf = NeuralClassifier(
        module="resnet", module_params=TINY["resnet"], activation="gelu", dropout=0.25, **FIT
    ).fit(*binary_data)
    block = clf.module_.blocks[0]
    assert block.branch[2].p == 0.25
    assert type(block.branch[1]).__name__ == "GELU"
    assert clf.module_.stem.out_features == 16  # d_block, not hidden_layer_sizes


@pytest.mark.parametrize(
    "module_params, error, message",
    [
        ({"hidden_layer_sizes": (0,)}, ValueError, "each entry of hidden_layer_sizes"),
        ({"hidden_layer_sizes": (-1,)}, ValueError, "each entry of hidden_layer_sizes"),
        ({"hidden_layer_sizes": 5}, TypeError, "hidden_layer_sizes must be a sequence"),
        ({"dropout": -0.5}, ValueError, "dropout must be a number in"),
        ({"dropout": 1.0}, ValueError, "dropout must be a number in"),
        ({"n_outputs": 0}, ValueError, "n_outputs must be an integer >= 1"),
    ],
)
def test_bad_mlp_module_params_are_clear_errors(module_params, error, message):
    rng = np.random.RandomState(0)
    reg = NeuralRegressor(module_params=module_params, max_epochs=1)
    with pytest.raises(error, match=message):
        reg.fit(rng.randn(60, 4), rng.randn(60))


@pytest.mark.parametrize("module, values", [("resnet", [0, 2]), ("ft_transformer", [1, 2])])
def test_grid_search_over_n_blocks(module, values, binary_data):
    clf = NeuralClassifier(module=module, module_params=TINY[module], **FIT)
    search = GridSearchCV(clf, {"module_params__n_blocks": values}, cv=2).fit(*binary_data)
    assert [p["module_params__n_blocks"] for p in search.cv_results_["params"]] == values
    assert (
        len(search.best_estimator_.module_.blocks) == search.best_params_["module_params__n_blocks"]
    )


@ARCHITECTURES
def test_same_random_state_same_predictions(module, classification_data):
    X, y = classification_data
    params = {**TINY[module], "categorical_cardinalities": {5: 4}}
    X = _with_categorical_column(X)
    first = NeuralClassifier(module=module, module_params=params, **FIT).fit(X, y)
    second = NeuralClassifier(module=module, module_params=params, **FIT).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))


@ARCHITECTURES
def test_default_architecture_quality_on_breast_cancer(module):
    # Each architecture's own defaults (and the estimator's, early stopping
    # included) on real data.
    X, y = load_breast_cancer(return_X_y=True)
    pipeline = make_pipeline(StandardScaler(), NeuralClassifier(module=module, random_state=0))
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    assert cross_val_score(pipeline, X, y, cv=cv).mean() > 0.93
