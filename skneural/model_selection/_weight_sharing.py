"""ENAS-style weight sharing: score proposals as sub-networks of one trained super-network.

Pham, Guan, Zoph, Le and Dean, "Efficient Neural Architecture Search via
Parameter Sharing" (ICML 2018): instead of training every proposed
architecture, train one super-network that contains them all, a sampled
sub-network per batch, and score each proposal with the shared weights on
held-out rows. Only the most promising proposals are then trained from
scratch and cross-validated.
"""

import math

import numpy as np
from sklearn.base import clone

from ..callbacks import Callback
from ..nn._shared_mlp import SharedMLP
from ..training._budget import TABULAR_RECIPE
from ..utils._sklearn_compat import _safe_indexing
from ._architecture_space import ArchitectureSpace, base_param, split_element
from ._trial_search import Candidate

# What a sub-network of SharedMLP can vary; "module" may only be "mlp".
SHARED_PARAMS = ("hidden_layer_sizes", "activation", "dropout", "module")


class SampleSubnetworks(Callback):
    """Before every training batch, activate a sub-network drawn from a policy.

    Parameters
    ----------
    space : ArchitectureSpace
        The space the sub-networks come from.
    probabilities : list of ndarray
        The choice probabilities of each decision of ``space``.
    defaults : dict
        ``hidden_layer_sizes``, ``activation`` and ``dropout`` of the
        estimator, for what the space does not decide.
    seed : int
        Seeds the draws of this fit.
    """

    def __init__(self, space=None, probabilities=None, defaults=None, seed=0):
        self.space = space
        self.probabilities = probabilities
        self.defaults = defaults
        self.seed = seed

    def on_train_begin(self, trainer, **kwargs):
        self._rng = np.random.RandomState(self.seed)

    def on_batch_begin(self, trainer, batch, **kwargs):
        architecture = self.space.walk(
            lambda position, decision, chosen: self._rng.choice(
                len(decision.labels), p=self.probabilities[position]
            )
        )
        trainer.module.active = subnetwork(self.space.params_of(architecture), self.defaults)


def subnetwork(params: dict, defaults: dict) -> dict:
    """The ``SharedMLP.active`` setting of an architecture's parameters."""
    return {name: params.get(name, value) for name, value in defaults.items()}


def check_shareable(space: ArchitectureSpace) -> None:
    """Raise a ``ValueError`` unless every architecture of ``space`` is a ``SharedMLP`` path."""
    unsupported = sorted(space.estimator_params() - set(SHARED_PARAMS))
    if unsupported:
        raise ValueError(
            f"weight_sharing trains one MLP super-network, whose sub-networks differ only in "
            f"{list(SHARED_PARAMS[:3])}; the space also sets {unsupported}. Search those "
            "without weight sharing, or leave them out of the space."
        )
    for decision in space.decisions:
        for index in range(len(decision.labels)):
            if decision.settings(index).get("module", "mlp") != "mlp":
                raise ValueError(
                    f"weight_sharing searches MLPs only, but decision {decision.name!r} can "
                    f"set module={decision.settings(index)['module']!r}."
                )


def shareable_space(space: ArchitectureSpace) -> ArchitectureSpace:
    """``space`` without the decisions a ``SharedMLP`` sub-network cannot vary."""
    kept = [
        d for d in space.decisions if {base_param(p) for p in d.params_set()} <= set(SHARED_PARAMS)
    ]
    names = {d.name for d in kept}
    return ArchitectureSpace([d for d in kept if set(d.when) <= names])


class SharedWeights:
    """The super-network of one search: trained in rounds, scoring proposals.

    It is the search's estimator with ``module=SharedMLP`` spanning the
    space, trained without early stopping, validation split or weight
    averaging, and with ``warm_start`` so each round continues training; it
    trains on the training rows of the first CV split and scores on its
    test rows.

    Parameters
    ----------
    estimator : estimator
        The search's estimator (a pipeline step is reached through ``prefix``).
    prefix : str
        The skneural estimator's parameter prefix.
    net : BaseNeuralEstimator
        That estimator, for its defaults.
    space : ArchitectureSpace
    evaluate : CandidateEvaluator
        For the data, the splits and the scorer.
    epochs : int
        Epochs of super-network training before each round of proposals.
    """

    def __init__(self, estimator, prefix, net, space, evaluate, *, epochs):
        check_shareable(space)
        self.space, self.evaluate, self.prefix = space, evaluate, prefix
        self.defaults = {
            "hidden_layer_sizes": (
                TABULAR_RECIPE.hidden_layer_sizes
                if isinstance(net.hidden_layer_sizes, str)  # "auto"
                else net._hidden_layer_sizes()
            ),
            "activation": net.activation,
            "dropout": net.dropout,
        }
        self.callbacks = list(net.callbacks or [])
        self.model = clone(estimator).set_params(
            **{
                prefix + "module": SharedMLP,
                prefix + "module_params": {
                    "max_widths": self._max_widths(),
                    "activations": self._options("activation"),
                },
                prefix + "early_stopping": False,
                prefix + "validation_fraction": 0.0,
                prefix + "weight_averaging": None,
                prefix + "warm_start": True,
                prefix + "max_epochs": epochs,
            }
        )
        self.train_rows, self.valid_rows = evaluate.splits[0]

    def _options(self, param: str) -> tuple:
        """Every value the space can give ``param`` (or the estimator's own)."""
        values = [
            decision.settings(index)[param]
            for decision in self.space.decisions
            for index in range(len(decision.labels))
            if param in decision.settings(index)
        ]
        return tuple(dict.fromkeys(values)) or (self.defaults[param],)

    def _max_widths(self) -> tuple:
        """The widest choice of each layer the space can take."""
        widest = dict(enumerate(self.defaults["hidden_layer_sizes"]))
        for decision in self.space.decisions:
            for index in range(len(decision.labels)):
                for key, value in decision.settings(index).items():
                    name, layer = split_element(key)
                    if name != "hidden_layer_sizes":
                        continue
                    widths = {layer: value} if layer is not None else dict(enumerate(value))
                    for layer_index, width in widths.items():
                        widest[layer_index] = max(widest.get(layer_index, 0), width)
        return tuple(widest[layer] for layer in range(len(widest)))

    def train(self, policy, seed: int) -> None:
        """Train the super-network for one round, a sub-network drawn from ``policy`` per batch."""
        sampler = SampleSubnetworks(self.space, policy.probabilities(), self.defaults, seed)
        self.model.set_params(**{self.prefix + "callbacks": [*self.callbacks, sampler]})
        X, y = self.evaluate.X, self.evaluate.y
        self.model.fit(_safe_indexing(X, self.train_rows), _safe_indexing(y, self.train_rows))

    def score(self, params: dict) -> float:
        """The validation score of the sub-network with these (unprefixed) parameters."""
        step = self.model.get_params()[self.prefix[:-2]] if self.prefix else self.model
        step.module_.active = subnetwork(params, self.defaults)
        X, y = self.evaluate.X, self.evaluate.y
        scorer = self.evaluate.score_kwargs["scorer"]
        return float(
            scorer(
                self.model, _safe_indexing(X, self.valid_rows), _safe_indexing(y, self.valid_rows)
            )
        )

    def screened(self, params: dict, score: float) -> Candidate:
        """A candidate scored with shared weights only (no CV fit yet)."""
        outs = [self.evaluate.placeholder(test) for _, test in self.evaluate.splits]
        return Candidate(params, outs, "SCREENED", extra={"shared_score": score})


def retrain_best(candidates: list, n_retrain: int, evaluate) -> None:
    """Cross-validate from scratch the ``n_retrain`` best screened candidates, in place."""
    scores = np.array([c.extra["shared_score"] for c in candidates], dtype=np.float64)
    scores = np.where(np.isfinite(scores), scores, -math.inf)
    # the stable sort keeps the earliest of equal scores first
    chosen = np.argsort(-scores, kind="stable")[:n_retrain]
    retrained = evaluate.batch([candidates[i].params for i in chosen])
    for index, candidate in zip(chosen, retrained, strict=True):
        candidates[index].outs = candidate.outs
        candidates[index].state = candidate.state
