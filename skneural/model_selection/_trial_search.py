"""Cross-validated searches whose optimiser proposes one candidate at a time."""

import contextlib
import math
import time
import warnings
from abc import abstractmethod
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import rankdata
from sklearn.base import clone, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import indexable

from ..utils._sklearn_compat import (
    BaseSearchCV,
    HasMethods,
    StrOptions,
    _fit_and_score,
    _fit_context,
)
from ._neural_step import neural_steps
from ._progress import SearchProgress


@dataclass
class Candidate:
    """One evaluated set of parameters.

    ``outs`` holds one ``_fit_and_score`` result per fold; folds that never
    ran (after pruning) have a NaN score and zero time. ``state`` is
    ``"COMPLETE"``, ``"PRUNED"`` or ``"FAIL"``.
    """

    params: dict
    outs: list
    state: str
    pruned_at_epoch: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def mean_score(self) -> float:
        return float(np.mean([out["test_scores"] for out in self.outs]))


class CandidateEvaluator:
    """Cross-validate candidates on fixed splits, optionally pruning the first fold.

    With a pruning callback, the first fold is fitted alone, in this process,
    with the callback added to the skneural estimator's callbacks; if the
    pruner stops it, the candidate is ``"PRUNED"``, the partial fit is not
    scored and the other folds never run. Otherwise (and always without a
    callback) the remaining folds run through ``joblib.Parallel``.

    With a scikit-learn callback task (``search_task``), every fold is a
    ``"candidate-split-evaluation"`` sub-task of it, as in ``GridSearchCV``, so
    callbacks such as ``ProgressBar`` reach each fit and its epochs.
    """

    def __init__(
        self, estimator, X, y, splits, *, scorer, fit_params, search, progress, search_task
    ):
        self.estimator = estimator
        self.X, self.y = X, y
        self.splits = splits
        self.progress = progress
        self.search = search
        self.search_task = search_task
        self.n_jobs = search.n_jobs
        self.return_train_score = search.return_train_score
        self.score_kwargs = {
            "scorer": scorer,
            "verbose": 0,
            "fit_params": fit_params,
            "score_params": {},
            "return_train_score": search.return_train_score,
            "return_n_test_samples": True,
            "return_times": True,
            "error_score": search.error_score,
        }

    def __call__(self, params: dict, pruning_callback=None) -> Candidate:
        started = time.perf_counter()
        splits, outs = self.splits, []
        if pruning_callback is not None:
            out, pruned_at = self._fit_pruning_fold(params, pruning_callback, *splits[0])
            if pruned_at is not None:
                out["test_scores"] = math.nan
                if self.return_train_score:
                    out["train_scores"] = math.nan
                skipped = [self.placeholder(test) for _, test in splits[1:]]
                candidate = Candidate(params, [out, *skipped], "PRUNED", pruned_at)
                self.progress.candidate(candidate, time.perf_counter() - started)
                return candidate
            outs.append(out)
            splits = splits[1:]
        outs += self._fit_folds([(params, split) for split in splits])
        candidate = self._scored(params, outs)
        self.progress.candidate(candidate, time.perf_counter() - started)
        return candidate

    def batch(self, params_list: list) -> list:
        """Cross-validate several candidates at once, without pruning.

        Every fold of every candidate goes to one ``joblib.Parallel`` call,
        so ``n_jobs`` workers stay busy across candidates. Returns one
        :class:`Candidate` per entry of ``params_list``, in order.
        """
        n_splits = len(self.splits)
        outs = self._fit_folds([(params, split) for params in params_list for split in self.splits])
        candidates = []
        for start, params in zip(range(0, len(outs), n_splits), params_list, strict=True):
            candidate = self._scored(params, outs[start : start + n_splits])
            elapsed = sum(out["fit_time"] + out["score_time"] for out in candidate.outs)
            self.progress.candidate(candidate, elapsed)
            candidates.append(candidate)
        return candidates

    def _fit_folds(self, jobs: list) -> list:
        """``_fit_and_score`` results of ``(params, (train, test))`` jobs, in order."""
        # callback tasks are made here, before anything is sent to a worker
        tasks = [self._fold_task() for _ in jobs]
        return Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_and_score)(
                clone(self.estimator),
                self.X,
                self.y,
                train=train,
                test=test,
                parameters=params,
                **self.score_kwargs,
                **task,
            )
            for (params, (train, test)), task in zip(jobs, tasks, strict=True)
        )

    @staticmethod
    def _scored(params: dict, outs: list) -> Candidate:
        """A candidate of fitted folds: failed when a fit failed or a score is not finite.

        A scorer that raises (say, on NaN predictions of a diverging network)
        gives a fold scikit-learn's ``error_score`` without a fit error; such a
        score can be neither ranked nor learnt from, so the fold's
        ``fit_error`` says what happened and the candidate fails.
        """
        for out in outs:
            if out["fit_error"] is None and not math.isfinite(out["test_scores"]):
                out["fit_error"] = (
                    f"The fit succeeded but its test score is {out['test_scores']}: the "
                    "scorer failed (see scikit-learn's 'Scoring failed' warning) or returned a "
                    "non-finite value."
                )
        failed = any(out["fit_error"] is not None for out in outs)
        return Candidate(params, outs, "FAIL" if failed else "COMPLETE")

    def _fit_pruning_fold(self, params, callback, train, test):
        (prefix,) = neural_steps(self.estimator)
        estimator = clone(self.estimator).set_params(**clone(params, safe=False))
        current = estimator.get_params()[prefix + "callbacks"] or []
        estimator.set_params(**{prefix + "callbacks": [*current, callback]})
        out = _fit_and_score(
            estimator,
            self.X,
            self.y,
            train=train,
            test=test,
            parameters=None,
            return_estimator=True,
            **self.score_kwargs,
            **self._fold_task(),
        )
        fitted = out.pop("estimator")
        step = fitted.get_params()[prefix[:-2]] if prefix else fitted
        copies = [cb for cb in getattr(step, "callbacks_", []) if type(cb) is type(callback)]
        return out, copies[-1].pruned_epoch_ if copies else None

    def _fold_task(self) -> dict:
        """``_fit_and_score`` arguments that make one fold a callback sub-task."""
        if self.search_task is None:
            return {}
        task = self.search_task.subcontext(task_name="candidate-split-evaluation")
        return {"caller": self.search, "callback_ctx": task}

    def placeholder(self, test) -> dict:
        """The ``_fit_and_score`` record of a fold that was not fitted: NaN scores."""
        out = {
            "test_scores": math.nan,
            "n_test_samples": len(test),
            "fit_time": 0.0,
            "score_time": 0.0,
            "fit_error": None,
        }
        if self.return_train_score:
            out["train_scores"] = math.nan
        return out


class TrialSearchCV(BaseSearchCV):
    """Base of searches whose optimiser proposes one candidate at a time.

    Subclasses implement ``_run_trials(estimator, evaluate)``, which asks
    their optimiser for parameters, calls ``evaluate(params)`` (a
    :class:`CandidateEvaluator`) and returns the list of :class:`Candidate`
    plus the backend's fitted attributes. This class owns the rest: splits,
    scoring, ``cv_results_`` in scikit-learn's format with a ``state``
    column, the best candidate (among complete ones only) and the refit.
    Fitted attributes are set together at the end, so a search that fails
    half-way presents no partial results as complete. With scikit-learn >= 1.9,
    callbacks set with ``set_callbacks`` (``ProgressBar``, ...) see the search,
    each fold's fit and its epochs, as with ``GridSearchCV``.
    """

    # The parameters every trial search shares; subclasses add their optimiser's.
    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"])],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "n_jobs": [Integral, None],
        "refit": ["boolean"],
        "verbose": ["verbose"],
        "error_score": [StrOptions({"raise"}), Real],
        "return_train_score": ["boolean"],
        "random_state": ["random_state"],
    }

    @abstractmethod
    def __init__(self):
        """Subclasses store their parameters."""

    @abstractmethod
    def _run_trials(self, estimator, evaluate):
        """Run the optimiser; return ``(candidates, fitted_attributes)``."""

    @abstractmethod
    def _planned_candidates(self):
        """Number of candidates the search plans to evaluate, or ``None``."""

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, *, groups=None, **fit_params):
        """Search the space with cross-validation, then refit the best candidate.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        groups : array-like of shape (n_samples,), default=None
            Group labels for group-aware ``cv`` splitters.
        **fit_params : dict
            Passed to the estimator's ``fit`` (e.g. ``sample_weight``).

        Returns
        -------
        self : object
        """
        X, y = indexable(X, y)
        estimator = clone(self.estimator)
        if self.verbose >= 3:
            for prefix in neural_steps(estimator, required=False):
                estimator.set_params(**{prefix + "verbose": 1})
        cv = check_cv(self.cv, y, classifier=is_classifier(estimator))
        splits = list(cv.split(X, y, groups))
        scorer = check_scoring(estimator, scoring=self.scoring)
        progress = SearchProgress(type(self).__name__, self.verbose, self._planned_candidates())
        progress.start(len(splits))
        task = self._sklearn_task(X, y)
        evaluate = CandidateEvaluator(
            estimator,
            X,
            y,
            splits,
            scorer=scorer,
            fit_params=fit_params,
            search=self,
            progress=progress,
            search_task=None if task is None else task.subcontext("search", max_subtasks=None),
        )
        candidates, attributes = self._run_trials(estimator, evaluate)
        attributes.update(self._summarize(candidates, len(splits)), scorer_=scorer)
        if self.refit:
            best = clone(estimator).set_params(**clone(attributes["best_params_"], safe=False))
            started = time.perf_counter()
            with self._refit_task(task, best, X, y):
                best.fit(X, y, **fit_params)
            attributes.update(best_estimator_=best, refit_time_=time.perf_counter() - started)
            if hasattr(best, "feature_names_in_"):
                attributes["feature_names_in_"] = best.feature_names_in_
        if task is not None:
            task.call_on_fit_task_end(estimator=self, X=X, y=y)
        vars(self).update(attributes)
        return self

    def _sklearn_task(self, X, y):
        """Open the search's task for scikit-learn callbacks (``None`` without them)."""
        if not getattr(self, "_skl_callbacks", None):
            return None
        task = self._init_callback_context(max_subtasks=1 + bool(self.refit))
        return task.call_on_fit_task_begin(estimator=self, X=X, y=y)

    @contextlib.contextmanager
    def _refit_task(self, task, best, X, y):
        if task is None:
            yield
            return
        refit = task.subcontext(task_name="refit-with-best-params")
        with refit.propagate_callback_context(best):
            refit.call_on_fit_task_begin(estimator=self, X=X, y=y)
            yield
        refit.call_on_fit_task_end(estimator=self, X=X, y=y)

    def _summarize(self, candidates: list, n_splits: int) -> dict:
        if not candidates:
            raise ValueError(
                f"{type(self).__name__} evaluated no candidate; raise n_trials or timeout."
            )
        _warn_about_failures(candidates)
        more_results = {"state": [candidate.state for candidate in candidates]}
        for key in candidates[0].extra:
            more_results[key] = [candidate.extra[key] for candidate in candidates]
        params = [candidate.params for candidate in candidates]
        outs = [out for candidate in candidates for out in candidate.outs]
        with warnings.catch_warnings():
            # Pruned and failed candidates have NaN scores by design; the state
            # column says why, and failures get their own warning.
            warnings.filterwarnings("ignore", message="One or more of the .* scores are non-finite")
            results = self._format_results(params, n_splits, outs, more_results)
        complete = results["state"] == "COMPLETE"
        if not complete.any():
            states = dict(zip(*np.unique(results["state"], return_counts=True), strict=True))
            raise ValueError(
                f"None of the {len(candidates)} candidates completed (states: "
                f"{ {str(k): int(v) for k, v in states.items()} }), so there are no best "
                "parameters. Pruned candidates were stopped by the pruner; relax it (e.g. "
                "more n_warmup_steps) or check the fit errors reported above."
            )
        scores = results["mean_test_score"]
        rank = np.full(len(candidates), complete.sum() + 1, dtype=np.int32)
        rank[complete] = rankdata(-scores[complete], method="min").astype(np.int32)
        results["rank_test_score"] = rank
        best_index = int(np.flatnonzero(complete)[np.argmax(scores[complete])])
        return {
            "cv_results_": results,
            "best_index_": best_index,
            "best_score_": float(scores[best_index]),
            "best_params_": params[best_index],
            "n_splits_": n_splits,
            "multimetric_": False,
        }


def _warn_about_failures(candidates: list) -> None:
    errors = [
        out["fit_error"]
        for candidate in candidates
        for out in candidate.outs
        if out["fit_error"] is not None
    ]
    if errors:
        n_fits = sum(len(candidate.outs) for candidate in candidates)
        warnings.warn(
            f"{len(errors)} of {n_fits} fits failed; their candidates are recorded with "
            f"state 'FAIL' and score error_score. The first error:\n{errors[0]}",
            FitFailedWarning,
            stacklevel=3,
        )
