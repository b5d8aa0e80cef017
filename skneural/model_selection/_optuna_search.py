"""Hyperparameter search with Optuna, pruning unpromising trials epoch by epoch."""

import contextlib
import time
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ..utils._optional import import_optional
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions
from ._names import check_param_names
from ._neural_step import neural_steps
from ._pruning import OptunaPruningCallback
from ._search_space import search_space
from ._trial_search import TrialSearchCV


class OptunaSearchCV(TrialSearchCV):
    """Cross-validated search driven by Optuna, with epoch-level pruning.

    Each trial samples parameters, then cross-validates the estimator with
    them. While the first fold trains, its per-epoch validation metric
    (``monitor``) is reported to the trial; when the ``pruner`` finds the
    trial unpromising, that fit stops and the trial is recorded as pruned:
    its scores are NaN, its ``state`` is ``"PRUNED"`` and its other folds
    never run. A trial that survives the first fold is cross-validated on
    every fold, and only such complete trials can be best. The best
    parameters are refit on the whole data.

    Requires the optional ``optuna`` package (``pip install
    "skneural[optuna]"``).

    Parameters
    ----------
    estimator : estimator
        A skneural estimator or a composite (``Pipeline``, ...) holding one.
        Any scikit-learn estimator works with ``pruner=None``.
    param_distributions : dict or callable, default=None
        A dict of parameter names to ``optuna.distributions`` (e.g.
        ``{"lr": FloatDistribution(1e-4, 1e-1, log=True)}``), or a
        define-by-run callable ``space(trial) -> dict of parameters``. ``None``
        uses ``search_space(estimator, backend="optuna")``.
    n_trials : int or None, default=20
        Trials this search runs (in this process, also when the study is
        shared). ``None`` runs until ``timeout``.
    timeout : float or None, default=None
        Seconds after which no new trial starts.
    pruner : "median", optuna pruner or None, default="median"
        ``"median"`` is ``optuna.pruners.MedianPruner(n_startup_trials=5,
        n_warmup_steps=5)``: from the sixth complete trial on, a fit whose
        best reported value after its fifth epoch is worse than the median of
        the earlier trials at the same epoch stops. ``None`` never prunes.
    monitor : str, default="valid_loss"
        History column reported to the pruner each epoch (for example
        ``"valid_accuracy"``); see :class:`OptunaPruningCallback`.
    sampler : optuna sampler or None, default=None
        ``None`` uses ``optuna.samplers.TPESampler`` seeded from
        ``random_state``.
    storage : str, optuna storage or None, default=None
        Where the study lives. ``None`` keeps it in memory; a database URL
        (``"sqlite:///study.db"``, ``"postgresql://..."``) lets several
        processes or machines work on one study (give each the same
        ``study_name``).
    study_name : str or None, default=None
        Name of the study in ``storage``; an existing study is continued.
    cv : int, cross-validation generator or iterable, default=None
        As in ``GridSearchCV`` (``None`` is 5-fold, stratified for
        classifiers).
    scoring : str, callable or None, default=None
        One scorer (greater is better); ``None`` uses ``estimator.score``.
    n_jobs : int or None, default=None
        Folds fitted in parallel through joblib (so a joblib backend such as
        Dask applies). The pruning fold always runs in this process.
    refit : bool, default=True
        Refit the best parameters on the whole data as ``best_estimator_``.
    verbose : int, default=0
        1 prints one line per trial, 2 adds one per fold, 3 adds the
        estimator's per-epoch lines.
    error_score : "raise" or float, default=np.nan
        Score of a fold whose fit fails; the trial is recorded as failed.
    return_train_score : bool, default=False
        Also score the training folds.
    random_state : int, RandomState instance or None, default=None
        Seeds the default sampler.

    Attributes
    ----------
    cv_results_ : dict of ndarray
        As in ``GridSearchCV``, one row per trial of this search, plus
        ``state`` (``"COMPLETE"``, ``"PRUNED"`` or ``"FAIL"``),
        ``trial_number`` and ``pruned_at_epoch`` (NaN unless pruned).
        Incomplete trials rank last.
    best_index_ : int
        Row of the best complete trial.
    best_score_ : float
        Its mean cross-validated score.
    best_params_ : dict
        Its parameters.
    best_estimator_ : estimator
        The estimator refit on the whole data with ``best_params_``.
    refit_time_ : float
        Seconds spent refitting.
    scorer_ : callable
        The scorer used.
    n_splits_ : int
        Number of cross-validation folds.
    n_features_in_ : int
        Number of features seen during ``fit``; only with ``refit=True`` and a
        best estimator that has it.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of the features seen during ``fit`` (when ``X`` has string
        column names); only with ``refit=True`` and a best estimator that has
        them.
    study_ : optuna.study.Study
        The study (with every trial of a shared study, also other processes').

    See Also
    --------
    search_space : The default space.
    HyperoptSearchCV : The same interface with Hyperopt's TPE.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skneural import NeuralClassifier
    >>> from skneural.model_selection import OptunaSearchCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), NeuralClassifier(max_epochs=20, random_state=0))
    >>> search = OptunaSearchCV(pipe, n_trials=4, cv=3, random_state=0).fit(X, y)
    >>> sorted(search.best_params_)  # doctest: +NORMALIZE_WHITESPACE
    ['neuralclassifier__batch_size', 'neuralclassifier__dropout',
     'neuralclassifier__hidden_layer_sizes', 'neuralclassifier__lr',
     'neuralclassifier__weight_decay']
    """

    _parameter_constraints = {
        **TrialSearchCV._parameter_constraints,
        "param_distributions": [dict, callable, None],
        "n_trials": [Interval(Integral, 1, None, closed="left"), None],
        "timeout": [Interval(Real, 0, None, closed="neither"), None],
        "pruner": [StrOptions({"median"}), HasMethods(["prune"]), None],
        "monitor": [str],
        "sampler": [HasMethods(["sample_independent"]), None],
        "storage": [str, HasMethods(["create_new_study"]), None],
        "study_name": [str, None],
    }

    def __init__(
        self,
        estimator,
        param_distributions=None,
        *,
        n_trials=20,
        timeout=None,
        pruner="median",
        monitor="valid_loss",
        sampler=None,
        storage=None,
        study_name=None,
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
        self.param_distributions = param_distributions
        self.n_trials = n_trials
        self.timeout = timeout
        self.pruner = pruner
        self.monitor = monitor
        self.sampler = sampler
        self.storage = storage
        self.study_name = study_name
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.verbose = verbose
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.random_state = random_state

    def _planned_candidates(self):
        return self.n_trials

    def _run_trials(self, estimator, evaluate):
        optuna = import_optional("optuna", extra="optuna", feature="OptunaSearchCV")
        if self.n_trials is None and self.timeout is None:
            raise ValueError("Set n_trials or timeout; with neither the search never ends.")
        if self.pruner is not None:
            _check_prunable(estimator)
        distributions, space = self._space(optuna, estimator)
        with _quiet_optuna(optuna):
            study = self._study(optuna)
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        candidates = []
        while self.n_trials is None or len(candidates) < self.n_trials:
            if deadline is not None and time.monotonic() >= deadline:
                break
            with _quiet_optuna(optuna):
                trial = study.ask(distributions)
                candidate = self._run_trial(optuna, study, trial, estimator, space, evaluate)
            candidate.extra = {
                "trial_number": trial.number,
                "pruned_at_epoch": candidate.pruned_at_epoch or np.nan,
            }
            candidates.append(candidate)
        return candidates, {"study_": study}

    def _run_trial(self, optuna, study, trial, estimator, space, evaluate):
        """Evaluate one trial and tell the study its outcome, also on errors."""
        try:
            if space is None:
                params = dict(trial.params)
            else:
                params = self._call_space(space, trial, estimator)
            callback = None if self.pruner is None else OptunaPruningCallback(trial, self.monitor)
            candidate = evaluate(params, callback)
        except BaseException:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            raise
        if candidate.state == "COMPLETE":
            study.tell(trial, candidate.mean_score)
        else:
            states = optuna.trial.TrialState
            study.tell(trial, state=states.PRUNED if candidate.state == "PRUNED" else states.FAIL)
        return candidate

    def _space(self, optuna, estimator):
        """``(distributions, None)`` for a dict space, ``(None, callable)`` otherwise."""
        space = self.param_distributions
        if space is None:
            return None, search_space(estimator, backend="optuna")
        if callable(space):
            return None, space
        if not space:
            raise ValueError(
                "param_distributions is empty; give at least one parameter, or None for "
                "the default search_space(estimator, backend='optuna')."
            )
        check_param_names(estimator, space, where="param_distributions")
        for name, distribution in space.items():
            if not isinstance(distribution, optuna.distributions.BaseDistribution):
                raise TypeError(
                    f"param_distributions[{name!r}] must be an optuna distribution such as "
                    "optuna.distributions.FloatDistribution(1e-4, 1e-1, log=True), got "
                    f"{type(distribution).__name__}: {distribution!r}."
                )
        return space, None

    @staticmethod
    def _call_space(space, trial, estimator) -> dict:
        params = space(trial)
        if not isinstance(params, dict) or not params:
            raise TypeError(
                "A callable param_distributions must return a non-empty dict of estimator "
                f"parameters, got {params!r}."
            )
        check_param_names(estimator, params, where="The dict returned by param_distributions")
        return params

    def _study(self, optuna):
        if self.sampler is not None:
            sampler = self.sampler
        else:
            seed = None
            if self.random_state is not None:
                seed = int(check_random_state(self.random_state).randint(2**31 - 1))
            sampler = optuna.samplers.TPESampler(seed=seed)
        if self.pruner == "median":
            pruner = optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=5)
        else:
            pruner = self.pruner or optuna.pruners.NopPruner()
        study = optuna.create_study(
            storage=self.storage,
            study_name=self.study_name,
            sampler=sampler,
            pruner=pruner,
            direction="maximize",
            load_if_exists=True,
        )
        if study.direction != optuna.study.StudyDirection.MAXIMIZE:
            raise ValueError(
                f"The study {study.study_name!r} in storage minimises its objective; "
                "OptunaSearchCV maximises a cross-validated score. Use another study_name."
            )
        return study


def _check_prunable(estimator):
    """Pruning watches the epochs of exactly one skneural estimator."""
    steps = neural_steps(estimator, required=False)
    if len(steps) != 1:
        found = "none" if not steps else f"{len(steps)}: {[prefix[:-2] for prefix in steps]}"
        raise ValueError(
            "Pruning follows the epochs of one skneural estimator, but "
            f"{type(estimator).__name__} holds {found}. Set pruner=None to search it "
            "without pruning."
        )


@contextlib.contextmanager
def _quiet_optuna(optuna):
    """Silence Optuna's per-trial INFO logging; the search has its own verbose."""
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)
