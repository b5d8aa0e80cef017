"""The architecture-search strategies on synthetic rewards: many tasks, no training.

Each task gives every architecture of the default tabular space
(``architecture_space(NeuralClassifier())``) a true quality: a random effect
per choice of every decision (each decision with its own random weight) plus
random interactions of the module family with every other decision. A
proposal's reward is its quality plus Gaussian noise (``--noise``, in units of
the quality's scale: 0.3 is a clean signal, 1.0 a noisy one, like
cross-validation scores of small tables). Each strategy proposes ``--n-iter``
architectures in rounds of ``--proposals-per-update``, exactly as
``ArchitectureSearchCV`` does, and is judged by the true quality of the
architecture it would pick (its best noisy reward). Reported: the mean over
tasks and seeds, and the share of tasks where a strategy picks better than
random search (and worse).

It ran in seconds per task, so it shaped the controller's settings
(``controller_lr``, no momentum) cheaply; ``bench_nas.py`` then measures on
real tables. ``reinforce (momentum)`` is the same controller with Adam's
usual momentum (beta1 = 0.9), for comparison.

Run from the repository root::

    export PYTHONPATH=. OMP_NUM_THREADS=1
    python benchmarks/bench_nas_synthetic.py --noise 0.3
    python benchmarks/bench_nas_synthetic.py --noise 1.0
"""

import argparse
import sys

import numpy as np

from skneural import NeuralClassifier
from skneural.model_selection import architecture_space
from skneural.model_selection._architecture_strategies import (
    AgingEvolution,
    RandomChoice,
    Reinforce,
    architecture_key,
)

SPACE = architecture_space(NeuralClassifier())


def make_task(seed: int):
    """``quality(architecture)``: per-choice effects plus family interactions."""
    rng = np.random.RandomState(seed)
    weights = rng.uniform(0.1, 1, len(SPACE.decisions))
    effects = [rng.normal(0, 1, len(d.labels)) * w for d, w in zip(SPACE, weights, strict=True)]
    n_families = len(SPACE.decision("module").labels)
    interactions = {d.name: rng.normal(0, 0.5, (n_families, len(d.labels))) for d in SPACE}

    def quality(architecture):
        family = architecture["module"]
        total = sum(effects[SPACE.position(name)][i] for name, i in architecture.items())
        total += sum(
            interactions[name][family, i] for name, i in architecture.items() if name != "module"
        )
        return total / 3

    return quality


def strategies(population_size: int) -> dict:
    def with_momentum():
        controller = Reinforce(SPACE, lr=0.5, entropy_weight=0.05, baseline_decay=0.5)
        controller.optimizer.param_groups[0]["betas"] = (0.9, 0.999)
        return controller

    return {
        "random": lambda: RandomChoice(SPACE),
        "evolution": lambda: AgingEvolution(SPACE, population_size=population_size, sample_size=3),
        "reinforce": lambda: Reinforce(SPACE, lr=0.5, entropy_weight=0.05, baseline_decay=0.5),
        "reinforce (momentum)": with_momentum,
    }


def pick(strategy, quality, noise: float, seed: int, n_iter: int, per_update: int) -> float:
    """True quality of the architecture with the best noisy reward of one search."""
    rng, noise_rng = np.random.RandomState(seed), np.random.RandomState(seed + 10_000)
    seen, best, n_proposed = set(), (-np.inf, None), 0
    while n_proposed < n_iter:
        batch = strategy.propose(min(per_update, n_iter - n_proposed), rng, seen)
        rewards = [quality(a) + noise_rng.normal(0, noise) for a in batch]
        strategy.update(batch, rewards)
        seen.update(architecture_key(a) for a in batch)
        best = max([best, *zip(rewards, batch, strict=True)], key=lambda pair: pair[0])
        n_proposed += len(batch)
    return quality(best[1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--noise", type=float, default=1.0)
    parser.add_argument("--n-iter", type=int, default=24)
    parser.add_argument("--proposals-per-update", type=int, default=4)
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    makers = strategies(population_size=min(8, args.n_iter - 1))
    scores = {name: [] for name in makers}
    for task in range(args.tasks):
        quality = make_task(task)
        for name, make in makers.items():
            picks = [
                pick(make(), quality, args.noise, s, args.n_iter, args.proposals_per_update)
                for s in range(args.seeds)
            ]
            scores[name].append(np.mean(picks))
    baseline = np.array(scores["random"])
    print(
        f"{args.tasks} tasks x {args.seeds} seeds, noise {args.noise}, {args.n_iter} "
        f"architectures in rounds of {args.proposals_per_update}\n"
    )
    print("| strategy | mean quality of the pick | better than random | worse |")
    print("|---|---|---|---|")
    for name, values in scores.items():
        values = np.array(values)
        better, worse = np.mean(values > baseline), np.mean(values < baseline)
        print(f"| {name} | {values.mean():.3f} | {better:.0%} | {worse:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
