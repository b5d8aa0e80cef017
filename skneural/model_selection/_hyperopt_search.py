"""Hyperparameter search with Hyperopt's Tree-structured Parzen Estimator."""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from ..utils._optional import import_optional
from ..utils._sklearn_compat import Interval, StrOptions
from ._names import check_param_names
from ._search_space import search_space
from ._trial_search import TrialSearchCV

_ALGORITHMS = {"tpe": "tpe", "random": "rand", "anneal": "anneal"}


class HyperoptSearchCV(TrialSearchCV):
    """Cross-validated search driven by Hyperopt (TPE by default).

    Hyperopt proposes one candidate at a time from ``space``; each is
    cross-validated and its mean score (negated, as Hyperopt minimises) is
    fed back. The interface is that of ``GridSearchCV``: ``best_params_``,
    ``best_estimator_`` (refit on the whole data), ``cv_results_``.

    Requires the optional ``hyperopt`` package (``pip install
    "skneural[hyperopt]"``).

    Parameters
    ----------
    estimator : estimator
        A skneural estimator, a composite holding one, or any scikit-learn
        estimator.
    space : dict or None, default=None
        Parameter names to ``hyperopt.hp`` expressions, e.g.
        ``{"lr": hp.loguniform("lr", -9, -2)}``. ``None`` uses
        ``search_space(estimator, backend="hyperopt")``.
    max_evals : int, default=20
        Number of candidates.
    algo : {"tpe", "random", "anneal"}, default="tpe"
        Hyperopt's suggestion algorithm.
    cv : int, cross-validation generator or iterable, default=None
        As in ``GridSearchCV`` (``None`` is 5-fold, stratified for
        classifiers).
    scoring : str, callable or None, default=None
        One scorer (greater is better); ``None`` uses ``estimator.score``.
    n_jobs : int or None, default=None
        Folds fitted in parallel through joblib.
    refit : bool, default=True
        Refit the best parameters on the whole data as ``best_estimator_``.
    verbose : int, default=0
        1 prints one line per candidate, 2 adds one per fold, 3 adds the
        estimator's per-epoch lines.
    error_score : "raise" or float, default=np.nan
        Score of a fold whose fit fails; the candidate is recorded as failed
        and reported to Hyperopt as such.
    return_train_score : bool, default=False
        Also score the training folds.
    random_state : int, RandomState instance or None, default=None
        Seeds Hyperopt's generator.

    Attributes
    ----------
    cv_results_ : dict of ndarray
        As in ``GridSearchCV``, one row per candidate, plus ``state``
        (``"COMPLETE"`` or ``"FAIL"``) and ``tid`` (Hyperopt's trial id).
    best_index_ : int
    best_score_ : float
    best_params_ : dict
    best_estimator_ : estimator
    refit_time_ : float
    scorer_ : callable
    n_splits_ : int
    n_features_in_ : int
        Number of features seen during ``fit``; only with ``refit=True`` and a
        best estimator that has it.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of the features seen during ``fit`` (when ``X`` has string
        column names); only with ``refit=True`` and a best estimator that has
        them.
    trials_ : hyperopt.Trials
        Hyperopt's record of the search.

    See Also
    --------
    OptunaSearchCV : The same interface with Optuna, plus pruning.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skneural import NeuralClassifier
    >>> from skneural.model_selection import HyperoptSearchCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), NeuralClassifier(max_epochs=20, random_state=0))
    >>> search = HyperoptSearchCV(pipe, max_evals=3, cv=3, random_state=0).fit(X, y)
    >>> search.cv_results_["state"].tolist()
    ['COMPLETE', 'COMPLETE', 'COMPLETE']
    """

    _parameter_constraints = {
        **TrialSearchCV._parameter_constraints,
        "space": [dict, None],
        "max_evals": [Interval(Integral, 1, None, closed="left")],
        "algo": [StrOptions(set(_ALGORITHMS))],
    }

    def __init__(
        self,
        estimator,
        space=None,
        *,
        max_evals=20,
        algo="tpe",
        cv=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        verbose=0,
        error_score=np.nan,
        return_train_score=False,
        random_state=None,
    ):
        self.estimator = estimator
        self.space = space
        self.max_evals = max_evals
        self.algo = algo
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.verbose = verbose
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.random_state = random_state

    def _planned_candidates(self):
        return self.max_evals

    def _run_trials(self, estimator, evaluate):
        hyperopt = import_optional("hyperopt", extra="hyperopt", feature="HyperoptSearchCV")
        space = self._checked_space(hyperopt, estimator)
        candidates = []

        def objective(params):
            candidate = evaluate(dict(params))
            candidate.extra = {"tid": len(candidates)}
            candidates.append(candidate)
            if candidate.state != "COMPLETE":
                return {"status": hyperopt.STATUS_FAIL}
            return {"status": hyperopt.STATUS_OK, "loss": -candidate.mean_score}

        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        trials = hyperopt.Trials()
        try:
            hyperopt.fmin(
                objective,
                space,
                algo=getattr(hyperopt, _ALGORITHMS[self.algo]).suggest,
                max_evals=self.max_evals,
                trials=trials,
                rstate=np.random.default_rng(seed),
                show_progressbar=False,
                return_argmin=False,
            )
        except hyperopt.exceptions.AllTrialsFailed:
            # fmin looks up the best trial even with return_argmin=False, after
            # the last one; the summary of the candidates says they all failed.
            pass
        return candidates, {"trials_": trials}

    def _checked_space(self, hyperopt, estimator):
        if self.space is None:
            return search_space(estimator, backend="hyperopt")
        if not self.space:
            raise ValueError(
                "space is empty; give at least one parameter, or None for the default "
                "search_space(estimator, backend='hyperopt')."
            )
        check_param_names(estimator, self.space, where="space")
        for name, expression in self.space.items():
            if not isinstance(expression, hyperopt.pyll.Apply):
                raise TypeError(
                    f"space[{name!r}] must be a hyperopt expression such as "
                    f"hp.loguniform({name!r}, -9, -2), got {type(expression).__name__}: "
                    f"{expression!r}."
                )
        return self.space
