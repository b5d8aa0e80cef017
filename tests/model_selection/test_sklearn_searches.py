"""scikit-learn's searches over every kind of skneural parameter."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import GridSearchCV, HalvingRandomSearchCV, RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from torch import nn

from skneural import NeuralClassifier, NeuralRegressor
from skneural.callbacks import EarlyStopping
from skneural.model_selection import search_space
from tests.model_selection.conftest import TINY


class WidthNet(nn.Module):
    """A user network whose width is a constructor argument."""

    def __init__(self, n_features_in, n_outputs, width=8):
        super().__init__()
        self.hidden = nn.Linear(n_features_in, width)
        self.out = nn.Linear(width, n_outputs)

    def forward(self, X):
        return self.out(self.hidden(X).relu())


def probe(read):
    """A scorer that returns ``read(fitted_estimator)``: what the fit really used."""
    return lambda estimator, X, y: float(read(estimator))


def split_scores(search):
    return np.array([search.cv_results_[f"split{i}_test_score"] for i in range(search.n_splits_)])


@pytest.mark.parametrize(
    ("estimator", "grid", "read"),
    [
        (
            NeuralClassifier(module=WidthNet, **TINY),
            {"module_params__width": [3, 7]},
            lambda est: est.module_.hidden.out_features,
        ),
        (
            NeuralClassifier(**TINY),
            {"module_params__layer_norm": [False, True]},
            lambda est: any(isinstance(m, nn.LayerNorm) for m in est.module_.modules()),
        ),
        (
            NeuralClassifier(optimizer="sgd", **TINY),
            {"optimizer_params__momentum": [0.0, 0.9]},
            lambda est: est._optimizer.param_groups[0]["momentum"],
        ),
        (
            NeuralClassifier(callbacks=[EarlyStopping(monitor="train_loss")], **TINY),
            {"callbacks__earlystopping__patience": [2, 4]},
            lambda est: est.callbacks_[0].patience,
        ),
        (
            NeuralClassifier(**TINY),
            {"hidden_layer_sizes": [(3,), (5,)]},
            lambda est: est.module_.head.in_features,
        ),
    ],
    ids=["user-module-arg", "builtin-module-arg", "optimizer-arg", "callback-setting", "plain"],
)
def test_grid_search_reaches_every_kind_of_parameter(estimator, grid, read, small_classification):
    search = GridSearchCV(estimator, grid, cv=2, scoring=probe(read), refit=False)
    search.fit(*small_classification)
    ((name, values),) = grid.items()
    expected = [float(value if not isinstance(value, tuple) else value[0]) for value in values]
    np.testing.assert_array_equal(split_scores(search), [expected] * 2)


def test_callback_search_leaves_the_users_callback_alone(small_classification):
    user_callback = EarlyStopping(monitor="train_loss", patience=9)
    clf = NeuralClassifier(callbacks=[user_callback], **TINY)
    GridSearchCV(clf, {"callbacks__earlystopping__patience": [2, 3]}, cv=2).fit(
        *small_classification
    )
    assert user_callback.patience == 9 and clf.callbacks[0] is user_callback


def test_searched_callback_settings_are_listed_by_get_params():
    clf = NeuralClassifier(callbacks=[EarlyStopping(), EarlyStopping(monitor="train_loss")])
    params = clf.get_params()
    assert params["callbacks__earlystopping-2__monitor"] == "train_loss"
    assert params["callbacks__earlystopping-1"] is clf.callbacks[0]
    copy = clone(clf).set_params(**{"callbacks__earlystopping-1__patience": 1})
    assert copy.callbacks[0].patience == 1 and clf.callbacks[0].patience == 10


def test_randomized_search_over_a_pipeline(small_regression):
    pipe = make_pipeline(StandardScaler(), NeuralRegressor(**TINY))
    space = {
        "neuralregressor__lr": [1e-3, 1e-2],
        "neuralregressor__module_params__layer_norm": [True],
    }
    search = RandomizedSearchCV(pipe, space, n_iter=2, cv=2, random_state=0)
    search.fit(*small_regression)
    assert search.best_estimator_[-1].module_params == {"layer_norm": True}


def test_successive_halving_uses_max_epochs_as_the_resource(small_classification):
    clf = NeuralClassifier(hidden_layer_sizes=(8,), early_stopping=False, random_state=0)
    search = HalvingRandomSearchCV(
        clf,
        search_space(clf, "sklearn"),
        resource="max_epochs",
        min_resources=2,
        max_resources=8,
        factor=2,
        cv=2,
        scoring=probe(lambda est: est.n_iter_),
        refit=False,
        random_state=0,
    ).fit(*small_classification)
    assert search.n_resources_ == [2, 4, 8]
    assert search.n_candidates_ == [4, 2, 1]
    # every fit of an iteration trained exactly that iteration's number of epochs
    np.testing.assert_array_equal(split_scores(search)[0], search.cv_results_["n_resources"])


@pytest.mark.parametrize(
    ("estimator", "grid", "suggestion"),
    [
        (NeuralClassifier(**TINY), {"lrr": [0.1]}, "'lr'"),
        (
            make_pipeline(StandardScaler(), NeuralClassifier(**TINY)),
            {"neuralclassifier__weight_decy": [0.1]},
            "'weight_decay'",
        ),
        (
            NeuralClassifier(callbacks=[EarlyStopping()], **TINY),
            {"callbacks__earlystoping__patience": [1]},
            "'earlystopping'",
        ),
    ],
)
def test_unknown_names_suggest_close_ones(estimator, grid, suggestion, small_classification):
    search = GridSearchCV(estimator, grid, cv=2, error_score="raise")
    with pytest.raises(ValueError, match=f"Did you mean {suggestion}"):
        search.fit(*small_classification)
    assert not hasattr(search, "cv_results_")
