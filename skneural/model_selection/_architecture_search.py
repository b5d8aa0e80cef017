"""Neural architecture search with a reinforcement-learning controller."""

import math
import os
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.metrics import get_scorer_names
from sklearn.utils import check_random_state

from ..utils._sklearn_compat import HasMethods, Interval, StrOptions
from ._architecture_checkpoint import checkpoint_path, fingerprint, load_search, save_search
from ._architecture_families import _single_net, architecture_space, check_space
from ._architecture_space import ArchitectureSpace
from ._architecture_strategies import AgingEvolution, RandomChoice, Reinforce, architecture_key
from ._neural_step import neural_steps
from ._trial_search import Candidate, TrialSearchCV
from ._weight_sharing import SharedWeights, retrain_best, shareable_space

STRATEGIES = ("reinforce", "random", "evolution")


class ArchitectureSearchCV(TrialSearchCV):
    """Cross-validated neural architecture search, driven by a learned controller.

    The search proposes architectures in batches: a batch of
    ``proposals_per_update`` architectures is drawn from the controller,
    every fold of every architecture is fitted in parallel (``n_jobs``,
    through joblib, so the Dask backend applies), and the controller is
    updated from the batch's cross-validated scores before the next batch
    is drawn. ``n_iter`` architectures are evaluated in all, each proposed
    once while new ones can be found; the best is refit on the whole data.

    With ``strategy="reinforce"`` (the default) the controller is a policy
    over the decisions of the space (module family, depth, width of each
    layer, activation, dropout, normalisation, embeddings, ...), sampled in
    the order of the space so that conditional decisions are taken only
    when their conditions hold, and trained with REINFORCE: the mean CV
    score is the reward, a moving average of past rewards the baseline, and
    an entropy bonus keeps it exploring (Zoph & Le, "Neural Architecture
    Search with Reinforcement Learning", ICLR 2017). ``"random"`` draws every
    choice uniformly (random search), ``"evolution"`` runs regularized
    evolution (Real et al., AAAI 2019); all three share the folds and the
    bookkeeping, which makes equal-budget comparisons exact.

    Parameters
    ----------
    estimator : estimator
        A ``NeuralClassifier`` or ``NeuralRegressor``, or a composite (a
        ``Pipeline``, ...) holding exactly one.
    space : ArchitectureSpace, list of Decision or None, default=None
        The decisions to search, named by the skneural estimator's own
        parameters (the step prefix is added). ``None`` uses
        ``architecture_space(estimator, X)``.
    strategy : {"reinforce", "random", "evolution"}, default="reinforce"
        How architectures are proposed (see above).
    n_iter : int, default=30
        Number of architectures evaluated (each cross-validated on every
        fold), over all runs of a resumed search.
    proposals_per_update : int, default=5
        Architectures per batch: drawn together, evaluated in parallel, then
        learnt from in one controller update.
    controller_lr : float, default=0.5
        Learning rate of the policy's logits: each round takes one Adam step
        without momentum, which moves a logit by about this much
        (``"reinforce"``).
    entropy_weight : float, default=0.05
        Weight of the entropy bonus, in units of reward standard deviations
        per nat (``"reinforce"``).
    baseline_decay : float, default=0.5
        Share of the old baseline kept at each update; the baseline starts
        at the first batch's mean reward (``"reinforce"``).
    population_size : int, default=10
        Architectures alive in the population; the first
        ``population_size`` are random (``"evolution"``).
    tournament_size : int, default=3
        Members sampled to pick each parent (``"evolution"``).
    weight_sharing : bool, default=False
        ENAS-style weight sharing (Pham et al., ICML 2018): instead of
        cross-validating every proposal, train one super-network holding
        every MLP of the space (``skneural.nn._shared_mlp.SharedMLP``;
        a sub-network, drawn from the controller's policy, per batch) on the
        training rows of the first CV split, ``shared_epochs`` epochs before
        each round, and score each proposal as a sub-network with the shared
        weights on that split's test rows. These scores are the rewards. At
        the end the ``n_retrain`` best proposals are trained from scratch and
        cross-validated on every fold; the best of them is ``best_params_``.
        The space may vary only ``hidden_layer_sizes`` (depth and widths),
        ``activation`` and ``dropout``; ``None`` is the MLP part of the
        default space. Not combined with ``checkpoint``.
    shared_epochs : int, default=5
        Epochs of super-network training before each round
        (``weight_sharing=True``).
    n_retrain : int, default=3
        Proposals trained from scratch and cross-validated at the end
        (``weight_sharing=True``).
    checkpoint : str, path or None, default=None
        A directory where the search saves its state (controller, random
        state, every finished candidate) after each controller update,
        atomically, in one file per search (named by a fingerprint of the
        estimator, space, strategy settings, seed, data and folds). Fitting
        the same search again resumes it from the last update, without
        refitting finished candidates; raising ``n_iter`` continues a
        finished one.
    cv : int, cross-validation generator or iterable, default=None
        As in ``GridSearchCV`` (``None`` is 5-fold, stratified for
        classifiers).
    scoring : str, callable or None, default=None
        One scorer (greater is better); ``None`` uses ``estimator.score``.
        The mean CV score is the controller's reward.
    n_jobs : int or None, default=None
        Fits run in parallel through joblib: the folds of every architecture
        of a batch together.
    refit : bool, default=True
        Refit the best architecture on the whole data as ``best_estimator_``.
    verbose : int, default=0
        1 prints one line per architecture and per update, 2 adds one per
        fold, 3 adds the estimator's per-epoch lines.
    error_score : "raise" or float, default=np.nan
        Score of a fold whose fit fails; the architecture is recorded with
        state ``"FAIL"`` and the search goes on. Its reward is the lowest
        mean score of the complete architectures so far (none yet: it
        teaches nothing). ``"raise"`` stops the search (the finished updates
        stay in ``checkpoint``).
    return_train_score : bool, default=False
        Also score the training folds.
    random_state : int, RandomState instance or None, default=None
        Seeds the proposals. With an int here and in the estimator, a search
        gives the same proposals and scores for any ``n_jobs``.

    Attributes
    ----------
    cv_results_ : dict of ndarray
        As in ``GridSearchCV``, one row per proposed architecture in the
        order proposed, plus ``state`` (``"COMPLETE"`` or ``"FAIL"``),
        ``architecture`` (``{decision: choice}`` of the decisions taken),
        ``policy_update`` (the batch that proposed it, from 0) and
        ``fit_error`` (the first failed fold's error, or ``None``). With
        ``weight_sharing``, ``shared_score`` is each proposal's score with the
        shared weights, and the proposals that were not retrained have state
        ``"SCREENED"`` and NaN CV scores.
    best_index_ : int
        Row of the best complete architecture.
    best_score_ : float
        Its mean cross-validated score.
    best_params_ : dict
        Its estimator parameters (with the step prefix in a pipeline).
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
    space_ : ArchitectureSpace
        The space searched.
    controller_ : object
        The strategy in its final state; ``controller_.probabilities()``
        gives ``{decision: {choice: probability}}`` for ``"reinforce"`` and
        ``"random"``, ``controller_.population`` the surviving
        ``(architecture, reward)`` pairs for ``"evolution"``.
    policy_history_ : list of dict
        One record per controller update: ``update``, ``n_proposals`` (so
        far), ``mean_reward`` (of the batch), ``best_reward`` (so far), and
        for ``"reinforce"`` and ``"random"`` the ``entropy`` (nats) of the
        policy that proposed the batch; ``"reinforce"`` adds the
        ``baseline`` it was compared with.
    checkpoint_path_ : pathlib.Path or None
        The file holding this search's state.

    See Also
    --------
    architecture_space : The default space.
    OptunaSearchCV : Hyperparameter search with TPE and pruning.

    Notes
    -----
    Each update learns from ``proposals_per_update`` noisy rewards, so a
    controller needs several updates before it proposes better than random
    search; with a budget of a few dozen architectures random search is a
    strong baseline (Li & Talwalkar, "Random Search and Reproducibility for
    Neural Architecture Search", UAI 2019), and the user guide reports where
    the controller wins and where it does not.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skneural import NeuralClassifier
    >>> from skneural.model_selection import ArchitectureSearchCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), NeuralClassifier(max_epochs=5, random_state=0))
    >>> search = ArchitectureSearchCV(pipe, n_iter=4, proposals_per_update=2, cv=2,
    ...                               random_state=0).fit(X, y)
    >>> len(search.cv_results_["params"]), len(search.policy_history_)
    (4, 2)
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "space": [ArchitectureSpace, list, tuple, None],
        "strategy": [StrOptions(set(STRATEGIES))],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "proposals_per_update": [Interval(Integral, 1, None, closed="left")],
        "controller_lr": [Interval(Real, 0, None, closed="neither")],
        "entropy_weight": [Interval(Real, 0, None, closed="left")],
        "baseline_decay": [Interval(Real, 0, 1, closed="both")],
        "population_size": [Interval(Integral, 1, None, closed="left")],
        "tournament_size": [Interval(Integral, 1, None, closed="left")],
        "weight_sharing": ["boolean"],
        "shared_epochs": [Interval(Integral, 1, None, closed="left")],
        "n_retrain": [Interval(Integral, 1, None, closed="left")],
        "checkpoint": [str, os.PathLike, None],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "n_jobs": [Integral, None],
        "refit": ["boolean"],
        "verbose": ["verbose"],
        "error_score": [StrOptions({"raise"}), Real],
        "return_train_score": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        space=None,
        *,
        strategy="reinforce",
        n_iter=30,
        proposals_per_update=5,
        controller_lr=0.5,
        entropy_weight=0.05,
        baseline_decay=0.5,
        population_size=10,
        tournament_size=3,
        weight_sharing=False,
        shared_epochs=5,
        n_retrain=3,
        checkpoint=None,
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
        self.strategy = strategy
        self.n_iter = n_iter
        self.proposals_per_update = proposals_per_update
        self.controller_lr = controller_lr
        self.entropy_weight = entropy_weight
        self.baseline_decay = baseline_decay
        self.population_size = population_size
        self.tournament_size = tournament_size
        self.weight_sharing = weight_sharing
        self.shared_epochs = shared_epochs
        self.n_retrain = n_retrain
        self.checkpoint = checkpoint
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.verbose = verbose
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.random_state = random_state

    def _planned_candidates(self):
        return self.n_iter

    def _run_trials(self, estimator, evaluate):
        self._check_budget()
        net = _single_net(estimator, type(self).__name__)
        (prefix,) = neural_steps(estimator)
        space = self._resolved_space(estimator, evaluate.X)
        check_space(space, net, evaluate.X)
        strategy = self._make_strategy(space)
        rng = np.random.RandomState(check_random_state(self.random_state).randint(2**31 - 1))
        candidates, architectures, history = [], [], []
        path = key = None
        if self.checkpoint is not None:
            key = self._fingerprint(space, evaluate)
            path = checkpoint_path(self.checkpoint, key)
            if path.exists():
                candidates, architectures, history = self._resume(
                    path, key, space, prefix, strategy, rng
                )
        shared = None
        if self.weight_sharing:
            shared = SharedWeights(
                estimator, prefix, net, space, evaluate, epochs=self.shared_epochs
            )
        seen = {architecture_key(a) for a in architectures}
        while len(candidates) < self.n_iter:
            update = len(history)
            n = min(self.proposals_per_update, self.n_iter - len(candidates))
            batch = strategy.propose(n, rng, seen)
            if shared is None:
                evaluated = evaluate.batch([_prefixed(prefix, space.params_of(a)) for a in batch])
                rewards = _rewards(evaluated, candidates)
            else:
                evaluated, rewards = self._screen(shared, space, prefix, batch, strategy, rng)
            record = strategy.update(batch, rewards)
            for candidate, architecture in zip(evaluated, batch, strict=True):
                candidate.extra = {
                    **_extra(space, architecture, update, candidate),
                    **candidate.extra,
                }
            candidates += evaluated
            architectures += batch
            seen.update(architecture_key(a) for a in batch)
            record = {"update": update, "n_proposals": len(candidates), **record}
            history.append({**record, "best_reward": _best(candidates)})
            if path is not None:
                save_search(
                    path,
                    key,
                    candidates=candidates,
                    architectures=architectures,
                    strategy=strategy,
                    rng=rng,
                    history=history,
                )
            self._report(history[-1])
        if shared is not None:
            retrain_best(candidates, self.n_retrain, evaluate)
        return candidates, {
            "space_": space,
            "controller_": strategy,
            "policy_history_": history,
            "checkpoint_path_": path,
        }

    def _resume(self, path, key, space, prefix, strategy, rng):
        """Candidates, architectures and history of a saved search; restores ``strategy``
        and ``rng`` in place."""
        saved, strategy_state, rng_state, history = load_search(path, key)
        if len(saved) > self.n_iter:
            raise ValueError(
                f"The checkpoint {str(path)!r} already holds {len(saved)} architectures, "
                f"more than n_iter={self.n_iter}; raise n_iter to at least that many, or "
                "remove the file to start again."
            )
        strategy.load_state_dict(strategy_state)
        rng.set_state(rng_state)
        architectures = [entry["architecture"] for entry in saved]
        candidates = [self._restored(space, prefix, entry) for entry in saved]
        return candidates, architectures, history

    @staticmethod
    def _screen(shared, space, prefix, batch, strategy, rng):
        """Train the super-network one round, then score ``batch`` with its weights."""
        shared.train(strategy.sampling_policy, int(rng.randint(2**31 - 1)))
        evaluated, rewards = [], []
        for architecture in batch:
            params = space.params_of(architecture)
            score = shared.score(params)
            evaluated.append(shared.screened(_prefixed(prefix, params), score))
            rewards.append(score)
        return evaluated, rewards

    def _check_budget(self):
        if self.weight_sharing and self.checkpoint is not None:
            raise ValueError(
                "checkpoint is not supported with weight_sharing=True: the super-network's "
                "weights are not saved. Set checkpoint=None."
            )
        if self.strategy == "reinforce" and self.n_iter <= self.proposals_per_update:
            raise ValueError(
                f"n_iter={self.n_iter} is not more than proposals_per_update="
                f"{self.proposals_per_update}: no architecture would be proposed after the "
                "first controller update, so the controller would never be used. Raise "
                "n_iter, lower proposals_per_update, or use strategy='random'."
            )
        if self.strategy == "evolution":
            if self.n_iter <= self.population_size:
                raise ValueError(
                    f"n_iter={self.n_iter} is not more than population_size="
                    f"{self.population_size}: every architecture would be random and none "
                    "evolved. Raise n_iter or lower population_size."
                )
            if self.tournament_size > self.population_size:
                raise ValueError(
                    f"tournament_size={self.tournament_size} exceeds population_size="
                    f"{self.population_size}."
                )

    def _resolved_space(self, estimator, X) -> ArchitectureSpace:
        if self.space is None and self.weight_sharing:
            return shareable_space(architecture_space(estimator, X, families=("mlp",)))
        if self.space is None:
            return architecture_space(estimator, X)
        if isinstance(self.space, ArchitectureSpace):
            return self.space
        return ArchitectureSpace(self.space)

    def _make_strategy(self, space):
        if self.strategy == "reinforce":
            return Reinforce(
                space,
                lr=self.controller_lr,
                entropy_weight=self.entropy_weight,
                baseline_decay=self.baseline_decay,
            )
        if self.strategy == "random":
            return RandomChoice(space)
        return AgingEvolution(
            space, population_size=self.population_size, sample_size=self.tournament_size
        )

    def _fingerprint(self, space, evaluate) -> str:
        settings = {
            name: value
            for name, value in self.get_params(deep=False).items()
            if name
            not in {"estimator", "space", "n_iter", "n_jobs", "refit", "verbose", "checkpoint"}
        }
        return fingerprint(
            type(self).__name__,
            clone(self.estimator),
            space,
            settings,
            evaluate.X,
            evaluate.y,
            evaluate.splits,
        )

    @staticmethod
    def _restored(space, prefix, entry) -> Candidate:
        architecture = entry["architecture"]
        candidate = Candidate(
            _prefixed(prefix, space.params_of(architecture)),
            [dict(out) for out in entry["outs"]],
            entry["state"],
        )
        candidate.extra = _extra(space, architecture, entry["update"], candidate)
        return candidate

    def _report(self, record):
        if not self.verbose:
            return
        parts = [f"mean reward {record['mean_reward']:.4f}", f"best {record['best_reward']:.4f}"]
        if "entropy" in record:
            parts.append(f"entropy {record['entropy']:.2f} nats")
        print(
            f"[{type(self).__name__}] update {record['update']} after "
            f"{record['n_proposals']}/{self.n_iter} architectures: {', '.join(parts)}",
            flush=True,
        )


def _prefixed(prefix: str, params: dict) -> dict:
    return {prefix + name: value for name, value in params.items()}


def _extra(space, architecture: dict, update: int, candidate: Candidate) -> dict:
    errors = [out["fit_error"] for out in candidate.outs if out["fit_error"] is not None]
    return {
        "architecture": space.labels_of(architecture),
        "policy_update": update,
        "fit_error": errors[0] if errors else None,
    }


def _rewards(batch: list, earlier: list) -> list:
    """Mean CV scores; a failed candidate gets the lowest complete score so far (or NaN)."""
    complete = [c.mean_score for c in [*earlier, *batch] if c.state == "COMPLETE"]
    complete = [score for score in complete if math.isfinite(score)]
    worst = min(complete) if complete else math.nan
    return [
        c.mean_score if c.state == "COMPLETE" and math.isfinite(c.mean_score) else worst
        for c in batch
    ]


def _best(candidates: list) -> float:
    """The best reward so far: mean CV scores, or shared-weight scores when screening."""
    scores = [
        c.extra["shared_score"] if "shared_score" in c.extra else c.mean_score
        for c in candidates
        if c.state in ("COMPLETE", "SCREENED")
    ]
    scores = [score for score in scores if math.isfinite(score)]
    return max(scores) if scores else math.nan
