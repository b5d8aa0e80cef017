"""What every trial search (Optuna, Hyperopt, architecture) shares with GridSearchCV."""

import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV

from skneural import NeuralClassifier
from skneural.model_selection import ArchitectureSearchCV, HyperoptSearchCV, OptunaSearchCV
from tests.model_selection.conftest import TINY


def optuna_search(estimator, refit):
    pytest.importorskip("optuna")
    return OptunaSearchCV(estimator, n_trials=1, cv=2, refit=refit, random_state=0)


def hyperopt_search(estimator, refit):
    pytest.importorskip("hyperopt")
    return HyperoptSearchCV(estimator, max_evals=1, cv=2, refit=refit, random_state=0)


def architecture_search(estimator, refit):
    return ArchitectureSearchCV(
        estimator, n_iter=1, strategy="random", cv=2, refit=refit, random_state=0
    )


def grid_search(estimator, refit):
    return GridSearchCV(estimator, {"lr": [1e-2]}, cv=2, refit=refit)


@pytest.mark.parametrize(
    "make_search", [optuna_search, hyperopt_search, architecture_search, grid_search]
)
@pytest.mark.parametrize("refit", [True, False])
def test_input_features_are_those_of_the_refit_best_estimator(
    make_search, refit, small_classification
):
    X, y = small_classification
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    search = make_search(NeuralClassifier(**TINY), refit).fit(X, y)
    if refit:
        assert search.feature_names_in_.tolist() == X.columns.tolist()
        assert search.n_features_in_ == X.shape[1]
    else:
        assert not hasattr(search, "feature_names_in_")
        assert not hasattr(search, "n_features_in_")


@pytest.mark.parametrize("make_search", [optuna_search, hyperopt_search, architecture_search])
def test_no_feature_names_without_column_names(make_search, small_classification):
    search = make_search(NeuralClassifier(**TINY), True).fit(*small_classification)
    assert not hasattr(search, "feature_names_in_") and search.n_features_in_ == 5
