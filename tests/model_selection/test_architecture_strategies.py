"""The controllers of ArchitectureSearchCV, on synthetic rewards (no fitting)."""

import itertools
import math

import numpy as np
import pytest
import torch

from skneural.model_selection import ArchitectureSpace, Decision
from skneural.model_selection._architecture_strategies import (
    AgingEvolution,
    FactorisedPolicy,
    RandomChoice,
    Reinforce,
    architecture_key,
)


def conditional_space():
    return ArchitectureSpace(
        [
            Decision("family", ("a", "b")),
            Decision("depth", (1, 2), when={"family": "a"}),
            Decision("width_1", (8, 16, 32), param="hidden_layer_sizes[0]", when={"family": "a"}),
            Decision(
                "width_2",
                (8, 16, 32),
                param="hidden_layer_sizes[1]",
                when={"family": "a", "depth": 2},
            ),
            Decision("blocks", (1, 2, 3, 4), param="module_params__n_blocks", when={"family": "b"}),
            Decision("dropout", (0.0, 0.1, 0.2, 0.3), param="dropout"),
        ]
    )


def enumerate_with_probabilities(policy):
    """Brute force: every architecture and its probability under ``policy``."""
    space = policy.space
    probabilities = policy.probabilities()
    found = {}
    ranges = [range(len(decision.labels)) for decision in space.decisions]
    for combination in itertools.product(*ranges):
        architecture = space.walk(lambda position, decision, chosen, c=combination: c[position])
        p = math.prod(
            probabilities[space.position(name)][index] for name, index in architecture.items()
        )
        found[architecture_key(architecture)] = p
    return found


def run(strategy, reward, *, updates, per_update=5, seed=0):
    rng = np.random.RandomState(seed)
    seen, history = set(), []
    for _ in range(updates):
        batch = strategy.propose(per_update, rng, seen)
        seen.update(architecture_key(a) for a in batch)
        history.append(strategy.update(batch, [reward(a, rng) for a in batch]))
    return history


def test_entropy_is_the_exact_entropy_of_the_architecture():
    policy = FactorisedPolicy(conditional_space())
    rng = np.random.RandomState(0)
    with torch.no_grad():
        for logits in policy.logits:  # a non-uniform policy
            logits.copy_(torch.from_numpy(rng.normal(size=len(logits))))
    probabilities = enumerate_with_probabilities(policy)
    assert sum(probabilities.values()) == pytest.approx(1.0)
    exact = -sum(p * math.log(p) for p in probabilities.values())
    assert policy.entropy().item() == pytest.approx(exact)


def test_samples_follow_the_policy():
    policy = FactorisedPolicy(conditional_space())
    rng = np.random.RandomState(0)
    samples = [policy.sample(rng) for _ in range(4000)]
    family_a = [s for s in samples if s["family"] == 0]
    assert len(family_a) / 4000 == pytest.approx(0.5, abs=0.03)
    # conditional decisions are taken exactly when their conditions hold
    assert all(("width_2" in s) == (s.get("depth") == 1) for s in samples)
    assert all(("blocks" in s) == (s["family"] == 1) for s in samples)
    assert policy.log_prob(samples[0]).item() == pytest.approx(
        math.log(enumerate_with_probabilities(policy)[architecture_key(samples[0])])
    )


def test_reinforce_moves_probability_to_the_rewarded_choice():
    # an irrelevant decision of ten choices, so that new architectures with the
    # rewarded choice never run out
    space = ArchitectureSpace([*conditional_space(), Decision("irrelevant", tuple(range(10)))])
    controller = Reinforce(space, lr=0.5, entropy_weight=0.05, baseline_decay=0.5)

    def reward(architecture, rng):  # dropout 0.2 is best, plus noise
        return float(architecture["dropout"] == 2) + rng.normal(0, 0.1)

    history = run(controller, reward, updates=8)
    dropout = controller.probabilities()["dropout"]
    assert dropout[0.2] > 0.6 and dropout[0.2] == max(dropout.values())
    # the entropy falls as the policy commits, and is recorded per update
    entropies = [record["entropy"] for record in history]
    assert entropies[-1] < entropies[0] - 0.3
    # the baseline starts at the first batch's mean reward, then averages the batch means
    means = [record["mean_reward"] for record in history]
    assert history[0]["baseline"] == history[1]["baseline"] == pytest.approx(means[0])
    assert history[2]["baseline"] == pytest.approx(0.5 * means[0] + 0.5 * means[1])
    assert history[-1]["mean_reward"] > history[0]["mean_reward"]


def test_reinforce_does_not_move_without_signal():
    controller = Reinforce(conditional_space(), lr=0.5, entropy_weight=0.0, baseline_decay=0.5)
    run(controller, lambda architecture, rng: 1.0, updates=3)
    for choices in controller.probabilities().values():
        assert np.allclose(list(choices.values()), 1 / len(choices))


def test_failed_rewards_teach_nothing_before_any_success():
    controller = Reinforce(conditional_space(), lr=0.5, entropy_weight=0.0, baseline_decay=0.5)
    record = controller.update([controller.policy.sample(np.random.RandomState(0))], [math.nan])
    assert math.isnan(record["mean_reward"]) and record["baseline"] is None
    assert controller.baseline is None


def test_reinforce_state_round_trip_continues_identically():
    space = conditional_space()

    def reward(architecture, rng):
        return architecture["dropout"] + rng.normal(0, 0.1)

    first = Reinforce(space, lr=0.5, entropy_weight=0.05, baseline_decay=0.5)
    run(first, reward, updates=2)
    second = Reinforce(space, lr=0.5, entropy_weight=0.05, baseline_decay=0.5)
    second.load_state_dict(first.state_dict())
    assert second.probabilities() == first.probabilities()
    assert run(first, reward, updates=2, seed=5) == run(second, reward, updates=2, seed=5)
    assert second.probabilities() == first.probabilities()


def test_random_choice_never_learns():
    controller = RandomChoice(conditional_space())
    history = run(controller, lambda architecture, rng: architecture["dropout"], updates=3)
    assert len({record["entropy"] for record in history}) == 1
    assert controller.probabilities()["dropout"] == dict.fromkeys((0.0, 0.1, 0.2, 0.3), 0.25)


def test_proposals_are_new_while_new_ones_exist():
    space = ArchitectureSpace([Decision("dropout", (0.0, 0.1, 0.2), param="dropout")])
    controller = RandomChoice(space)
    rng = np.random.RandomState(0)
    batch = controller.propose(3, rng, set())
    assert sorted(a["dropout"] for a in batch) == [0, 1, 2]
    # once the space is exhausted, repeats are accepted
    assert len(controller.propose(2, rng, {architecture_key(a) for a in batch})) == 2


def test_aging_evolution_mutates_the_tournament_winner_and_ages_the_population():
    space = conditional_space()
    evolution = AgingEvolution(space, population_size=4, sample_size=4)
    rng = np.random.RandomState(0)
    initial = evolution.propose(4, rng, set())
    rewards = [0.1, 0.9, 0.2, 0.3]
    evolution.update(initial, rewards)
    best = initial[1]
    # with the whole population in the tournament, every child is a mutant of the best
    children = evolution.propose(3, rng, {architecture_key(a) for a in initial})
    for child in children:
        shared = [name for name in child if name in best]
        changed = [name for name in shared if child[name] != best[name]]
        assert len(changed) == 1, (best, child)
    evolution.update(children, [0.0, 0.0, 0.0])
    # the three oldest died; the best of the first generation is gone with them
    assert [reward for _, reward in evolution.population] == [0.3, 0.0, 0.0, 0.0]
    state = evolution.state_dict()
    restored = AgingEvolution(space, population_size=4, sample_size=4)
    restored.load_state_dict(state)
    assert restored.population == evolution.population


def test_aging_evolution_never_picks_a_failed_parent_over_a_scored_one():
    space = conditional_space()
    evolution = AgingEvolution(space, population_size=2, sample_size=2)
    rng = np.random.RandomState(0)
    parents = evolution.propose(2, rng, set())
    evolution.update(parents, [math.nan, 0.5])
    assert evolution._tournament(rng) == parents[1]
