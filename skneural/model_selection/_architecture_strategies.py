"""How an architecture search proposes candidates and learns from their scores.

Three strategies share one interface: ``propose(n, rng, seen)`` returns ``n``
architectures (``{decision name: option index}``), ``update(architectures,
rewards)`` learns from their rewards and returns a record for
``policy_history_``, and ``state_dict()`` / ``load_state_dict()`` hold
everything a resumed search needs (tensors and plain values only).

- :class:`Reinforce`: a policy trained with REINFORCE (Williams 1992), as the
  controller of Zoph & Le (2017), with a moving-average baseline and an
  entropy bonus.
- :class:`RandomChoice`: the same policy, never trained (each choice
  uniform): random search over the space.
- :class:`AgingEvolution`: regularized evolution (Real et al., 2019).
"""

import copy
import math

import numpy as np
import torch

from ._architecture_space import ArchitectureSpace

# Draws per proposal to find an architecture not proposed before; after that a
# repeat is accepted (the space is nearly exhausted or the policy has converged).
MAX_DRAWS = 100


class FactorisedPolicy:
    """A categorical distribution per decision, sampled in the order of the space.

    Decisions are taken one after another and a decision's conditions
    (``when``) depend on the earlier choices, so an architecture is sampled
    autoregressively through the structure of the space; the probabilities
    of each decision's choices are its own (softmax of one logit per
    choice), whatever was chosen before. That is one parameter per choice
    (a few dozen for the default space), which a few hundred noisy rewards
    can train, where the recurrent controller of Zoph & Le needs thousands
    of samples to train its recurrent weights.

    Parameters
    ----------
    space : ArchitectureSpace
    """

    def __init__(self, space: ArchitectureSpace):
        self.space = space
        self.logits = [
            torch.zeros(len(decision.labels), dtype=torch.float64, requires_grad=True)
            for decision in space.decisions
        ]
        self._branches = [
            (
                [position for position, _ in path],
                [index for _, index in path],
                torch.tensor(
                    [position in set(active) for position in range(len(space.decisions))],
                    dtype=torch.float64,
                ),
            )
            for path, active in space.branches
        ]

    def probabilities(self) -> list:
        """The choice probabilities of every decision, as float64 arrays."""
        with torch.no_grad():
            return [torch.softmax(logits, 0).numpy().copy() for logits in self.logits]

    def sample(self, rng, probabilities=None) -> dict:
        """One architecture, drawn with ``rng`` (a ``numpy.random.RandomState``).

        ``probabilities`` (from :meth:`probabilities`) saves recomputing them
        when many architectures are drawn from the same policy.
        """
        if probabilities is None:
            probabilities = self.probabilities()
        return self.space.walk(
            lambda position, decision, chosen: rng.choice(
                len(decision.labels), p=probabilities[position]
            )
        )

    def log_prob(self, architecture: dict) -> torch.Tensor:
        """Log-probability of ``architecture`` (differentiable)."""
        total = torch.zeros((), dtype=torch.float64)
        for name, index in architecture.items():
            position = self.space.position(name)
            total = total + torch.log_softmax(self.logits[position], 0)[index]
        return total

    def entropy(self) -> torch.Tensor:
        """Entropy of the whole architecture, in nats (differentiable).

        Each decision's choice is independent of the earlier ones once it is
        taken, so the entropy is ``sum_d P(d is taken) * H(d)``, where
        ``P(d is taken)`` adds up the probabilities of the branches of
        conditioning choices that take ``d``.
        """
        log_probs = [torch.log_softmax(logits, 0) for logits in self.logits]
        entropies = torch.stack([-(lp.exp() * lp).sum() for lp in log_probs])
        taken = torch.zeros(len(self.logits), dtype=torch.float64)
        for positions, indices, active in self._branches:
            log_p = sum(
                (log_probs[p][i] for p, i in zip(positions, indices, strict=True)),
                torch.zeros((), dtype=torch.float64),
            )
            taken = taken + log_p.exp() * active
        return (taken * entropies).sum()

    def state_dict(self) -> dict:
        return {"logits": [logits.detach().clone() for logits in self.logits]}

    def load_state_dict(self, state: dict) -> None:
        with torch.no_grad():
            for logits, saved in zip(self.logits, state["logits"], strict=True):
                logits.copy_(saved)

    def as_dict(self) -> dict:
        """``{decision name: {choice: probability}}``."""
        return {
            decision.name: dict(zip(map(_label_key, decision.labels), p.tolist(), strict=True))
            for decision, p in zip(self.space.decisions, self.probabilities(), strict=True)
        }


def _label_key(label):
    """A choice as a dict key (unhashable choices by their repr)."""
    try:
        hash(label)
    except TypeError:
        return repr(label)
    return label


def propose_unseen(draw, n: int, seen: set) -> list:
    """``n`` architectures from ``draw()``, redrawing ones already in ``seen``."""
    batch, keys = [], set(seen)
    for _ in range(n):
        for _ in range(MAX_DRAWS):
            architecture = draw()
            key = architecture_key(architecture)
            if key not in keys:
                break
        keys.add(key)
        batch.append(architecture)
    return batch


def architecture_key(architecture: dict) -> tuple:
    """A hashable identity of an architecture."""
    return tuple(sorted(architecture.items()))


class Reinforce:
    """Train the policy with REINFORCE, a moving-average baseline and an entropy bonus.

    After each batch of rewards ``R_i`` the policy takes one Adam step
    (without momentum) on

    ``- mean_i((R_i - b) / s * log p(a_i)) - entropy_weight * H(p)``

    where ``b`` is the baseline (the first batch's mean reward, then an
    exponential moving average of batch means with ``baseline_decay``), ``s``
    the standard deviation of every reward so far (so the step does not
    depend on the scale of the scorer) and ``H`` the policy's entropy.

    Parameters
    ----------
    space : ArchitectureSpace
    lr : float
        Adam learning rate of the logits.
    entropy_weight : float
        Weight of the entropy bonus.
    baseline_decay : float
        Share of the old baseline kept at each update.
    """

    name = "reinforce"

    def __init__(self, space, *, lr: float, entropy_weight: float, baseline_decay: float):
        self.space = space
        self.policy = FactorisedPolicy(space)
        # No momentum (beta1 = 0): over a handful of rounds, momentum would carry
        # one round's noisy estimate on into the next ones.
        self.optimizer = torch.optim.Adam(self.policy.logits, lr=lr, betas=(0.0, 0.999))
        self.entropy_weight = entropy_weight
        self.baseline_decay = baseline_decay
        self.baseline = None
        self.rewards = []

    def propose(self, n: int, rng, seen: set) -> list:
        probabilities = self.policy.probabilities()
        return propose_unseen(lambda: self.policy.sample(rng, probabilities), n, seen)

    def update(self, architectures: list, rewards) -> dict:
        rewards = np.asarray(rewards, dtype=np.float64)
        finite = np.isfinite(rewards)
        record = {"mean_reward": _mean(rewards[finite]), "baseline": self.baseline}
        self.optimizer.zero_grad()
        entropy = self.policy.entropy()
        record["entropy"] = float(entropy.detach())
        loss = -self.entropy_weight * entropy
        if finite.any():
            self.rewards.extend(rewards[finite].tolist())
            if self.baseline is None:
                self.baseline = float(rewards[finite].mean())
            record["baseline"] = self.baseline
            scale = float(np.std(self.rewards))
            if scale > 0:
                advantages = (rewards[finite] - self.baseline) / scale
                kept = [a for a, ok in zip(architectures, finite, strict=True) if ok]
                log_probs = torch.stack([self.policy.log_prob(a) for a in kept])
                loss = loss - (torch.from_numpy(advantages) * log_probs).mean()
            decay = self.baseline_decay
            self.baseline = decay * self.baseline + (1 - decay) * float(rewards[finite].mean())
        loss.backward()
        self.optimizer.step()
        return record

    def probabilities(self) -> dict:
        """``{decision name: {choice: probability}}`` of the current policy."""
        return self.policy.as_dict()

    @property
    def sampling_policy(self) -> FactorisedPolicy:
        """The policy that samples sub-networks to train shared weights: the controller's."""
        return self.policy

    def state_dict(self) -> dict:
        return {
            **self.policy.state_dict(),
            "optimizer": copy.deepcopy(self.optimizer.state_dict()),
            "baseline": self.baseline,
            "rewards": list(self.rewards),
        }

    def load_state_dict(self, state: dict) -> None:
        self.policy.load_state_dict(state)
        self.optimizer.load_state_dict(state["optimizer"])
        self.baseline = state["baseline"]
        self.rewards = list(state["rewards"])


class RandomChoice:
    """Random search: every choice uniform, conditional decisions only when taken.

    Parameters
    ----------
    space : ArchitectureSpace
    """

    name = "random"

    def __init__(self, space):
        self.space = space
        self.policy = FactorisedPolicy(space)

    def propose(self, n: int, rng, seen: set) -> list:
        probabilities = self.policy.probabilities()
        return propose_unseen(lambda: self.policy.sample(rng, probabilities), n, seen)

    def update(self, architectures: list, rewards) -> dict:
        rewards = np.asarray(rewards, dtype=np.float64)
        with torch.no_grad():
            entropy = float(self.policy.entropy())
        return {"mean_reward": _mean(rewards[np.isfinite(rewards)]), "entropy": entropy}

    def probabilities(self) -> dict:
        """``{decision name: {choice: probability}}`` (uniform)."""
        return self.policy.as_dict()

    @property
    def sampling_policy(self) -> FactorisedPolicy:
        """The policy that samples sub-networks to train shared weights: uniform."""
        return self.policy

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state: dict) -> None:
        pass


class AgingEvolution:
    """Regularized evolution: tournament selection, one mutation, the oldest dies.

    The first ``population_size`` proposals are random. After that each
    proposal picks ``sample_size`` members of the population at random,
    mutates the best of them (one decision taken changes to another choice;
    decisions that become taken are drawn uniformly) and, once evaluated,
    joins the population while the oldest member leaves (Real, Aggarwal,
    Huang and Le, "Regularized Evolution for Image Classifier Architecture
    Search", AAAI 2019).

    Parameters
    ----------
    space : ArchitectureSpace
    population_size : int
    sample_size : int
    """

    name = "evolution"

    def __init__(self, space, *, population_size: int, sample_size: int):
        self.space = space
        self.population_size = population_size
        self.sample_size = sample_size
        self.uniform = FactorisedPolicy(space)
        self.population = []  # (architecture, reward), oldest first
        self.n_evaluated = 0

    def propose(self, n: int, rng, seen: set) -> list:
        batch, uniform = [], self.uniform.probabilities()
        for slot in range(n):
            evolve = self.n_evaluated + slot >= self.population_size and bool(self.population)

            def draw(evolve=evolve):
                if evolve:
                    return self._mutate(self._tournament(rng), rng)
                return self.uniform.sample(rng, uniform)

            batch += propose_unseen(draw, 1, seen | {architecture_key(a) for a in batch})
        return batch

    @property
    def sampling_policy(self) -> FactorisedPolicy:
        """The policy that samples sub-networks to train shared weights: uniform."""
        return self.uniform

    def _tournament(self, rng) -> dict:
        size = min(self.sample_size, len(self.population))
        picked = rng.choice(len(self.population), size=size, replace=False)
        rewards = [self.population[i][1] for i in picked]
        rewards = [-math.inf if math.isnan(r) else r for r in rewards]
        return self.population[picked[int(np.argmax(rewards))]][0]

    def _mutate(self, parent: dict, rng) -> dict:
        mutable = [name for name in parent if len(self.space.decision(name).labels) > 1]
        if not mutable:
            return self.uniform.sample(rng)
        target = mutable[rng.randint(len(mutable))]
        n_options = len(self.space.decision(target).labels)
        new_index = (parent[target] + 1 + rng.randint(n_options - 1)) % n_options

        def choose(position, decision, chosen):
            if decision.name == target:
                return new_index
            if decision.name in parent:
                return parent[decision.name]
            return rng.randint(len(decision.labels))

        return self.space.walk(choose)

    def update(self, architectures: list, rewards) -> dict:
        rewards = np.asarray(rewards, dtype=np.float64)
        self.population += [(a, float(r)) for a, r in zip(architectures, rewards, strict=True)]
        self.population = self.population[-self.population_size :]
        self.n_evaluated += len(architectures)
        return {"mean_reward": _mean(rewards[np.isfinite(rewards)])}

    def state_dict(self) -> dict:
        return {
            "population": [[dict(a), r] for a, r in self.population],
            "n_evaluated": self.n_evaluated,
        }

    def load_state_dict(self, state: dict) -> None:
        self.population = [(dict(a), float(r)) for a, r in state["population"]]
        self.n_evaluated = int(state["n_evaluated"])


def _mean(values) -> float:
    return float(np.mean(values)) if len(values) else math.nan
