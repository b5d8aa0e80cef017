"""Nested cross-validation: an unbiased estimate of a tuned model's score."""

import numpy as np
from sklearn.model_selection import cross_validate

from ..utils._sklearn_compat import BaseSearchCV


def nested_cross_validate(
    search,
    X,
    y=None,
    *,
    cv=5,
    scoring=None,
    groups=None,
    n_jobs=None,
    verbose=0,
    return_estimator=False,
) -> dict:
    """Score a hyperparameter search with an outer cross-validation.

    The best score of a search (``search.best_score_``) is optimistic: it is
    the maximum over many candidates measured on the very folds used to pick
    them. Nested cross-validation runs the whole search again inside each
    outer training fold and scores the refit winner on the outer test fold,
    which it never saw: the mean outer score estimates how well "tune, then
    train" generalises, and the parameters chosen per fold show how stable
    the choice is.

    Parameters
    ----------
    search : search estimator
        Any scikit-learn search with ``refit`` enabled (``GridSearchCV``,
        ``RandomizedSearchCV``, ``HalvingRandomSearchCV``, ``BayesSearchCV``,
        :class:`OptunaSearchCV`, :class:`HyperoptSearchCV`,
        :class:`ArchitectureSearchCV`); its own ``cv`` is the inner loop.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
    cv : int, cross-validation generator or iterable, default=5
        The outer splits.
    scoring : str, callable or None, default=None
        Outer scorer; ``None`` uses ``search.score``, that is the search's own
        scoring (its ``refit`` metric when it has several). One scorer only:
        a list or dict of metrics is refused.
    groups : array-like of shape (n_samples,), default=None
        Group labels for a group-aware outer ``cv``. The labels of each outer
        training fold are also passed to the search's ``fit``, so its inner
        ``cv`` can be group-aware too (a ``GroupKFold``, ...).
    n_jobs : int or None, default=None
        Outer folds run in parallel (each search's ``n_jobs`` applies inside).
    verbose : int, default=0
        Passed to ``cross_validate``; the search's own ``verbose`` reports the
        inner loop.
    return_estimator : bool, default=False
        Also return the fitted search of each outer fold.

    Returns
    -------
    dict
        ``test_score`` (ndarray, one outer score per fold), ``best_params``
        (list of the parameters chosen in each fold), ``best_inner_score``
        (ndarray, each search's ``best_score_``; with a callable ``refit``,
        which sets none, the chosen candidate's ``mean_test_score``, or NaN
        when the search has several metrics), ``fit_time`` and
        ``score_time`` (ndarray, seconds), and ``estimator`` (list of fitted
        searches) with ``return_estimator=True``. ``pandas.DataFrame(result)``
        shows one row per outer fold.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skneural import NeuralClassifier
    >>> from skneural.model_selection import nested_cross_validate
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), NeuralClassifier(max_epochs=20, random_state=0))
    >>> search = GridSearchCV(pipe, {"neuralclassifier__lr": [1e-3, 1e-2]}, cv=3)
    >>> result = nested_cross_validate(search, X, y, cv=3)
    >>> result["test_score"].shape, len(result["best_params"])
    ((3,), 3)
    """
    if not isinstance(search, BaseSearchCV):
        raise TypeError(
            "nested_cross_validate needs a hyperparameter search (GridSearchCV, "
            f"BayesSearchCV, OptunaSearchCV, ...), got {type(search).__name__}; for a "
            "plain estimator use sklearn.model_selection.cross_validate."
        )
    if search.refit is False:
        raise ValueError(
            "nested_cross_validate scores each fold's refit best estimator; set refit=True "
            "(or the name of the metric to refit) on the search."
        )
    if not (scoring is None or isinstance(scoring, str) or callable(scoring)):
        raise ValueError(
            "nested_cross_validate scores the outer folds with one scorer: scoring must be "
            f"a str, a callable or None, got {type(scoring).__name__} {scoring!r}. For "
            "several metrics, call it once per metric."
        )
    scores = cross_validate(
        search,
        X,
        y,
        groups=groups,
        params=None if groups is None else {"groups": groups},
        cv=cv,
        scoring=scoring,
        n_jobs=n_jobs,
        verbose=verbose,
        return_estimator=True,
        error_score="raise",
    )
    searches = scores["estimator"]
    result = {
        "test_score": scores["test_score"],
        "best_params": [fitted.best_params_ for fitted in searches],
        "best_inner_score": np.array([_best_inner_score(fitted) for fitted in searches]),
        "fit_time": scores["fit_time"],
        "score_time": scores["score_time"],
    }
    if return_estimator:
        result["estimator"] = searches
    return result


def _best_inner_score(search) -> float:
    """The search's ``best_score_``, which a callable ``refit`` does not set.

    Without it, the mean inner score of the chosen candidate when the search
    has a single metric, else NaN (no one score stands for the candidate).
    """
    if hasattr(search, "best_score_"):
        return search.best_score_
    if "mean_test_score" not in search.cv_results_:  # several metrics
        return np.nan
    return search.cv_results_["mean_test_score"][search.best_index_]
