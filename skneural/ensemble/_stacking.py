"""The stacking preset: a network, gradient boosting and a linear model, stacked."""

from typing import Literal

import numpy as np
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    StackingClassifier,
    StackingRegressor,
)
from sklearn.linear_model import LinearRegression, LogisticRegression, LogisticRegressionCV, RidgeCV
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from ..estimators import NeuralClassifier, NeuralRegressor
from ._tabular import category_dtype_encoder, one_hot_preprocessor

_RIDGE_ALPHAS = (1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0, 1000.0)
# Probabilities are clipped here before the log, so a member's 0 stays finite.
_MIN_PROBABILITY = 1e-6


def _logistic_cv_settings() -> dict:
    """Settings that opt in to LogisticRegressionCV's upcoming defaults where this
    scikit-learn version warns about them (1.8+), and nothing on older versions."""
    defaults = LogisticRegressionCV().get_params()
    settings = {}
    if defaults.get("l1_ratios") == "warn":
        settings["l1_ratios"] = (0.0,)  # plain l2 penalty
    if "use_legacy_attributes" in defaults:
        settings["use_legacy_attributes"] = False
    return settings


def _log_probabilities(probabilities):
    return np.log(np.clip(probabilities, _MIN_PROBABILITY, 1.0))


def _log_linear_pool() -> Pipeline:
    """Logistic regression on the members' log-probabilities, C chosen for log-loss."""
    return Pipeline(
        [
            ("log", FunctionTransformer(_log_probabilities)),
            (
                "logistic",
                LogisticRegressionCV(
                    Cs=10, scoring="neg_log_loss", max_iter=2000, **_logistic_cv_settings()
                ),
            ),
        ]
    )


def make_neural_stack(
    task: Literal["classification", "regression"],
    *,
    cv: int = 5,
    n_jobs: int | None = None,
    random_state: int | None = None,
) -> StackingClassifier | StackingRegressor:
    """Stack a skneural network, gradient boosting and a linear model.

    Three members with complementary biases, each with the preprocessing
    it needs, combined by a linear model fitted on their out-of-fold
    predictions:

    - ``"net"``: median imputation (with missing indicators), standard
      scaling and one-hot encoding, then a default
      :class:`~skneural.NeuralClassifier` / :class:`~skneural.NeuralRegressor`;
    - ``"gbm"``: string columns cast to the pandas ``category`` dtype, then
      scikit-learn's ``HistGradientBoosting*`` with native categorical and
      missing-value support;
    - ``"linear"``: the same preprocessing as the network, then
      ``LogisticRegression`` / ``RidgeCV``.

    The final estimator is a logistic regression on the logarithm of the
    members' class probabilities, its ``C`` chosen by cross-validated
    log-loss (a weighted geometric pooling of the members), for
    classification; a linear regression with non-negative weights on the
    members' predictions for regression (negative weights between strongly
    correlated members overfit). Cross-fitting uses ``cv`` shuffled, seeded
    folds (stratified for classification), so the meta-model only ever sees
    predictions on rows a member was not trained on.

    The result is a plain scikit-learn ``StackingClassifier`` /
    ``StackingRegressor``: swap a member with ``set_params(gbm=...)``, drop one
    with ``set_params(linear="drop")``, or tune ``net__net__lr``,
    ``gbm__gbm__learning_rate`` or ``final_estimator__logistic__Cs`` in a
    search.

    Parameters
    ----------
    task : {"classification", "regression"}
        Which kind of stack to build.
    cv : int, default=5
        Number of cross-fitting folds (at least 2).
    n_jobs : int, default=None
        Members fitted in parallel by the stack (``-1``: all cores).
    random_state : int or None, default=None
        Seeds the network, the gradient boosting and the folds.

    Returns
    -------
    StackingClassifier or StackingRegressor
        Unfitted. Accepts DataFrames with numeric, string and categorical
        columns (missing values included) and plain numeric arrays.

    See Also
    --------
    sklearn.ensemble.StackingClassifier, sklearn.ensemble.StackingRegressor

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skneural.ensemble import make_neural_stack
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> stack = make_neural_stack("regression", cv=3, random_state=0)
    >>> sorted(stack.named_estimators)
    ['gbm', 'linear', 'net']
    >>> stack.fit(X, y).score(X, y) > 0.4
    True
    """
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}.")
    if not (isinstance(cv, int) and cv >= 2):
        raise ValueError(f"cv must be an integer of at least 2 folds, got {cv!r}.")
    if task == "classification":
        net = NeuralClassifier(random_state=random_state)
        gbm = HistGradientBoostingClassifier(
            categorical_features="from_dtype", random_state=random_state
        )
        linear = LogisticRegression(max_iter=1000)
        folds = StratifiedKFold(cv, shuffle=True, random_state=random_state)
        stack_class, final = StackingClassifier, _log_linear_pool()
    else:
        net = NeuralRegressor(random_state=random_state)
        gbm = HistGradientBoostingRegressor(
            categorical_features="from_dtype", random_state=random_state
        )
        linear = RidgeCV(alphas=_RIDGE_ALPHAS)
        folds = KFold(cv, shuffle=True, random_state=random_state)
        stack_class, final = StackingRegressor, LinearRegression(positive=True)
    members = [
        ("net", Pipeline([("prep", one_hot_preprocessor()), ("net", net)])),
        ("gbm", Pipeline([("prep", category_dtype_encoder()), ("gbm", gbm)])),
        ("linear", Pipeline([("prep", one_hot_preprocessor()), ("linear", linear)])),
    ]
    return stack_class(members, final_estimator=final, cv=folds, n_jobs=n_jobs)
