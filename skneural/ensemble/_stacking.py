"""The stacking preset: a network, gradient boosting and a linear model, stacked."""

from typing import Literal

from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    StackingClassifier,
    StackingRegressor,
)
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline

from ..estimators import NeuralClassifier, NeuralRegressor
from ._tabular import category_dtype_encoder, one_hot_preprocessor

_RIDGE_ALPHAS = (1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0, 1000.0)


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

    The final estimator is ``LogisticRegression`` on the members' class
    probabilities (classification) or ``RidgeCV`` on their predictions
    (regression). Cross-fitting uses ``cv`` shuffled, seeded folds
    (stratified for classification), so the meta-model only ever sees
    predictions on rows a member was not trained on.

    The result is a plain scikit-learn ``StackingClassifier`` /
    ``StackingRegressor``: swap a member with ``set_params(gbm=...)``, drop one
    with ``set_params(linear="drop")``, or tune ``net__net__lr``,
    ``gbm__gbm__learning_rate`` or ``final_estimator__C`` in a search.

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
        gbm = HistGradientBoostingClassifier(random_state=random_state)
        linear = LogisticRegression(max_iter=1000)
        folds = StratifiedKFold(cv, shuffle=True, random_state=random_state)
        stack_class, final = StackingClassifier, LogisticRegression(max_iter=1000)
    else:
        net = NeuralRegressor(random_state=random_state)
        gbm = HistGradientBoostingRegressor(random_state=random_state)
        linear = RidgeCV(alphas=_RIDGE_ALPHAS)
        folds = KFold(cv, shuffle=True, random_state=random_state)
        stack_class, final = StackingRegressor, RidgeCV(alphas=_RIDGE_ALPHAS)
    members = [
        ("net", Pipeline([("prep", one_hot_preprocessor()), ("net", net)])),
        ("gbm", Pipeline([("prep", category_dtype_encoder()), ("gbm", gbm)])),
        ("linear", Pipeline([("prep", one_hot_preprocessor()), ("linear", linear)])),
    ]
    return stack_class(members, final_estimator=final, cv=folds, n_jobs=n_jobs)
