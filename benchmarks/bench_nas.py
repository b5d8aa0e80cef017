"""Architecture search at equal budget: the REINFORCE controller against its baselines.

On every table of ``/work/shared/BENCHMARKS.md`` (``bench_datasets.py``), the
same default architecture space (``architecture_space(estimator, X)``: MLP,
ResNet or FT-Transformer with their depths, widths, activation, dropout,
normalisation and numeric embeddings) is searched by

``reinforce``
    ``ArchitectureSearchCV`` with its default REINFORCE controller;
``evolution``
    the same class with ``strategy="evolution"`` (regularized evolution,
    Real et al. 2019; population ``--population-size`` 10, tournaments of 3);
``random``
    the same class with ``strategy="random"`` (uniform choices; same
    bookkeeping, so the comparison with ``reinforce`` is exact);
``sklearn_random``
    scikit-learn's ``RandomizedSearchCV`` over ``space.to_sklearn()`` (the
    same distribution, sampled with replacement);
``tpe``
    ``OptunaSearchCV`` with Optuna's TPE sampler over ``space.to_optuna()``
    (no pruning);

each with the same budget (``--n-iter`` architectures, 24 by default, of 3
folds each: 72 fits; the controller learns from rounds of
``--proposals-per-update`` 4, so 5 of its 6 rounds follow an update), the
same folds and the same scorer (accuracy, or negated RMSE), on ``--seeds``
search seeds (3). ``default`` is the estimator with its default
architecture, cross-validated on the same folds. Every candidate trains with
the same short budget (``max_epochs=12`` with early stopping after 5 epochs
without improvement, model seed 0, so an architecture scores the same
whichever method proposes it); the searches use ``n_jobs=2``
(``ArchitectureSearchCV`` fits the folds of a round together,
``RandomizedSearchCV`` all candidates, Optuna the 3 folds of one trial at a
time).

Tables above ``--max-rows`` rows (600 by default: digits, diamonds, SLID,
Males, Vocab) are subsampled (seed 0, stratified for classification); the
output says so. These budgets keep the full run to a few CPU hours; on two
cores shared with other jobs it takes most of a day.

Reported per table: the best mean CV score found (accuracy, or RMSE: lower
is better), mean and standard deviation over search seeds; the wall time of
each search; and the controller's verdict against ``random`` (the exact
equal-budget comparison): a win when it is better on the mean over seeds and
on at least 2 of 3 seeds, a loss when worse on both counts, a tie otherwise.

Run from the repository root::

    export PYTHONPATH=. OMP_NUM_THREADS=1
    python benchmarks/bench_nas.py                      # the full table (hours on 2 cores)
    python benchmarks/bench_nas.py --quick              # smoke run (two tiny tables)
    python benchmarks/bench_nas.py --datasets wine digits --seeds 2

Weight sharing (``random_shared``, ``reinforce_shared``: ``weight_sharing=True``,
a super-network trained ``--shared-epochs`` 4 epochs per round, the
``--n-retrain`` 3 best proposals cross-validated from scratch) searches the
MLP part of the space only; compare it on that space::

    python benchmarks/bench_nas.py --space mlp --methods default random reinforce \
        random_shared reinforce_shared

Per-search results go to ``benchmarks/results/bench_nas.csv`` (``--output``),
per-proposal scores to ``bench_nas_proposals.csv``, and a plot of reward over
proposals (controller against random search, first table, first seed) to
``bench_nas_rewards.png`` (both named after ``--output``).
"""

import argparse
import csv
import math
import statistics
import sys
import time
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import optuna
import sklearn
import torch
from bench_datasets import DATASETS, load_dataset, make_folds, subsample
from joblib import Parallel, delayed
from sklearn.model_selection import RandomizedSearchCV, cross_val_score

import skneural
from skneural import NeuralClassifier, NeuralRegressor
from skneural.model_selection import (
    ArchitectureSearchCV,
    ArchitectureSpace,
    OptunaSearchCV,
    architecture_space,
)
from skneural.plotting import plot_search_rewards

RESULTS_DIR = Path(__file__).resolve().parent / "results"
METHODS = (
    "default",
    "sklearn_random",
    "tpe",
    "random",
    "evolution",
    "reinforce",
    "random_shared",
    "reinforce_shared",
)
DEFAULT_METHODS = METHODS[:6]
# The decisions a weight-sharing super-network can vary (the MLP part of the space).
SHAREABLE = ("module", "depth", "width_1", "width_2", "width_3", "width_4", "activation", "dropout")
QUICK = {
    "datasets": ["wine", "diabetes"],
    "max_rows": 120,
    "n_iter": 4,
    "proposals_per_update": 2,
    "folds": 2,
    "seeds": 1,
    "epochs": 2,
}


def make_estimator(dataset, epochs: int):
    """The candidate estimator: library defaults, a short epoch budget, model seed 0."""
    estimator = NeuralClassifier if dataset.is_classification else NeuralRegressor
    return estimator(max_epochs=epochs, n_iter_no_change=5, random_state=0)


def scoring(dataset) -> str:
    return "accuracy" if dataset.is_classification else "neg_root_mean_squared_error"


def make_search(method, estimator, space, folds, dataset, seed, args):
    common = {"cv": folds, "scoring": scoring(dataset), "n_jobs": args.n_jobs, "refit": False}
    if method.endswith("_shared"):
        return ArchitectureSearchCV(
            estimator,
            space,
            strategy=method[: -len("_shared")],
            weight_sharing=True,
            shared_epochs=args.shared_epochs,
            n_retrain=args.n_retrain,
            n_iter=args.n_iter,
            proposals_per_update=args.proposals_per_update,
            random_state=seed,
            **common,
        )
    if method in ("random", "evolution", "reinforce"):
        return ArchitectureSearchCV(
            estimator,
            space,
            strategy=method,
            n_iter=args.n_iter,
            proposals_per_update=args.proposals_per_update,
            population_size=min(args.population_size, args.n_iter - 1),
            tournament_size=min(3, args.population_size, args.n_iter - 1),
            random_state=seed,
            **common,
        )
    if method == "sklearn_random":
        return RandomizedSearchCV(
            estimator, space.to_sklearn(), n_iter=args.n_iter, random_state=seed, **common
        )
    return OptunaSearchCV(
        estimator,
        space.to_optuna(),
        n_trials=args.n_iter,
        pruner=None,
        sampler=optuna.samplers.TPESampler(seed=seed),
        **common,
    )


def run_method(method, dataset, folds, space, seed, args) -> dict:
    """One search (or the default's CV); best score, wall time, per-proposal scores."""
    estimator = make_estimator(dataset, args.epochs)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # failed fits are counted below
        if method == "default":
            scores = cross_val_score(
                estimator, dataset.X, dataset.y, cv=folds, scoring=scoring(dataset), n_jobs=2
            )
            proposals = [float(np.mean(scores))]
            fit_seconds = [math.nan]
            n_failed = 0
        else:
            search = make_search(method, estimator, space, folds, dataset, seed, args)
            search.fit(dataset.X, dataset.y)
            results = search.cv_results_
            proposals = [float(s) for s in results["mean_test_score"]]
            fit_seconds = list(results["mean_fit_time"] * len(folds))
            states = results.get("state", np.where(np.isfinite(proposals), "COMPLETE", "FAIL"))
            n_failed = int(np.sum(states == "FAIL"))
    wall = time.perf_counter() - started
    finite = [score for score in proposals if np.isfinite(score)]
    sign = 1 if dataset.is_classification else -1
    row = {
        "dataset": dataset.name,
        "method": method,
        "seed": seed,
        "best": sign * max(finite),
        "wall_s": wall,
        "n_proposals": len(proposals),
        "n_failed": n_failed,
    }
    scores = [sign * score for score in proposals]
    return (
        row,
        list(zip(scores, fit_seconds, strict=True)),
        (None if method == "default" else search),
    )


def verdict(ours: list, theirs: list, higher_is_better: bool) -> str:
    """win / tie / loss of ``ours`` against ``theirs`` (paired by seed)."""
    sign = 1 if higher_is_better else -1
    differences = [sign * (a - b) for a, b in zip(ours, theirs, strict=True)]
    better = sum(d > 0 for d in differences)
    worse = sum(d < 0 for d in differences)
    mean = statistics.fmean(differences)
    majority = len(differences) // 2 + 1
    if mean > 0 and better >= majority:
        return "win"
    if mean < 0 and worse >= majority:
        return "loss"
    return "tie"


def format_table(rows: list, datasets: list, methods: tuple) -> list:
    """Markdown lines: best score (mean +/- sd over seeds) and wall time per method."""
    compare = {"reinforce", "random"} <= set(methods)
    lines = [
        "| dataset | metric | "
        + " | ".join(methods)
        + (" | reinforce vs random |" if compare else " |"),
        "|---|---|" + "---|" * (len(methods) + compare),
    ]
    times = ["| dataset | " + " | ".join(f"{m} s" for m in methods) + " |"]
    times.append("|---|" + "---|" * len(methods))
    for dataset in datasets:
        by_method = {
            m: [r for r in rows if r["dataset"] == dataset.name and r["method"] == m]
            for m in methods
        }
        metric = "accuracy" if dataset.is_classification else "RMSE"
        cells, means = [], {}
        for method in methods:
            values = [r["best"] for r in by_method[method]]
            means[method] = statistics.fmean(values)
            spread = statistics.stdev(values) if len(values) > 1 else 0.0
            cells.append(f"{means[method]:.4f}" + (f" ± {spread:.4f}" if len(values) > 1 else ""))
        pick = max if dataset.is_classification else min
        best = pick(means.values())
        cells = [f"**{c}**" if means[m] == best else c for c, m in zip(cells, methods, strict=True)]
        result = ""
        if compare:
            result = (
                " "
                + verdict(
                    [r["best"] for r in by_method["reinforce"]],
                    [r["best"] for r in by_method["random"]],
                    dataset.is_classification,
                )
                + " |"
            )
        lines.append(f"| {dataset.name} | {metric} | " + " | ".join(cells) + f" |{result}")
        times.append(
            f"| {dataset.name} | "
            + " | ".join(
                f"{statistics.median(r['wall_s'] for r in by_method[m]):.0f}" for m in methods
            )
            + " |"
        )
    return [*lines, "", "Wall time per search (median over seeds):", "", *times]


def write_csv(path: Path, rows: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def warm_up(n_jobs: int) -> None:
    """Start the joblib workers and import everything once, untimed."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    tiny = NeuralClassifier(hidden_layer_sizes=(4,), max_epochs=1, random_state=0)
    Parallel(n_jobs=n_jobs)(delayed(tiny.fit)(X, y) for _ in range(n_jobs))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS))
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(DEFAULT_METHODS))
    parser.add_argument(
        "--space",
        choices=("default", "mlp"),
        default="default",
        help="the default architecture space, or its MLP part (what weight sharing searches)",
    )
    parser.add_argument("--shared-epochs", type=int, default=4, help="weight sharing: per round")
    parser.add_argument("--n-retrain", type=int, default=3, help="weight sharing: retrained")
    parser.add_argument("--n-iter", type=int, default=24, help="architectures per search")
    parser.add_argument("--proposals-per-update", type=int, default=4)
    parser.add_argument(
        "--population-size", type=int, default=10, help="evolution: random architectures first"
    )
    parser.add_argument("--seeds", type=int, default=3, help="search seeds 0 .. seeds-1")
    parser.add_argument("--epochs", type=int, default=12, help="max_epochs of every candidate")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--max-rows", type=int, default=600)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="smoke run: " + repr(QUICK))
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "bench_nas.csv")
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    if args.n_iter <= args.proposals_per_update or args.seeds < 1 or args.folds < 2:
        parser.error("--n-iter must exceed --proposals-per-update; --seeds >= 1; --folds >= 2.")
    args.methods = [m for m in METHODS if m in args.methods]
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    print(
        f"bench_nas: {args.n_iter} architectures x {args.folds} folds per search, "
        f"{args.seeds} search seeds, max_epochs={args.epochs}, n_jobs={args.n_jobs}\n"
        f"skneural {skneural.__version__} ({skneural.__file__}), scikit-learn "
        f"{sklearn.__version__}, optuna {optuna.__version__}, torch {torch.__version__}",
        flush=True,
    )
    warm_up(args.n_jobs)
    rows, proposals, datasets = [], [], []
    started = time.perf_counter()
    for name in args.datasets:
        dataset = subsample(load_dataset(name), args.max_rows)
        datasets.append(dataset)
        folds = make_folds(dataset, args.folds)
        estimator = make_estimator(dataset, args.epochs)
        if args.space == "mlp":
            space = architecture_space(estimator, dataset.X, families=("mlp",))
            space = ArchitectureSpace([d for d in space if d.name in SHAREABLE])
        else:
            space = architecture_space(estimator, dataset.X)
        print(
            f"\n{name}: {len(dataset.y)} rows x {dataset.X.shape[1]} columns"
            f"{' (' + dataset.note + ')' if dataset.note else ''}; "
            f"{space.n_architectures} architectures in the space",
            flush=True,
        )
        for seed in range(args.seeds):
            searches = {}
            for method in args.methods:
                if method == "default" and seed > 0:
                    rows.append(
                        {
                            **next(
                                r for r in rows if r["dataset"] == name and r["method"] == "default"
                            ),
                            "seed": seed,
                        }
                    )
                    continue
                row, scores, search = run_method(method, dataset, folds, space, seed, args)
                searches[method] = search
                rows.append(row)
                proposals += [
                    {
                        "dataset": name,
                        "method": method,
                        "seed": seed,
                        "proposal": i,
                        "score": score,
                        "fit_s": fit_s,
                    }
                    for i, (score, fit_s) in enumerate(scores, start=1)
                ]
                print(
                    f"  seed {seed} {method:>14}: best {row['best']:.4f}, "
                    f"{row['wall_s']:.0f} s, {row['n_failed']} failed",
                    flush=True,
                )
                # written after every search, so an interrupted run keeps what it measured
                write_csv(args.output, rows)
                write_csv(args.output.with_name(args.output.stem + "_proposals.csv"), proposals)
            if name == args.datasets[0] and seed == 0 and {"reinforce", "random"} <= set(searches):
                matplotlib.use("Agg")
                figure = plot_search_rewards(
                    {"controller": searches["reinforce"], "random search": searches["random"]}
                )
                figure.axes[0].set_title(f"{name}, seed 0")
                args.output.parent.mkdir(parents=True, exist_ok=True)
                figure.savefig(args.output.with_name(args.output.stem + "_rewards.png"), dpi=100)
    print("\n" + "\n".join(format_table(rows, datasets, args.methods)))
    if {"reinforce", "random"} <= set(args.methods):
        verdicts = [
            verdict(
                [r["best"] for r in rows if r["dataset"] == d.name and r["method"] == "reinforce"],
                [r["best"] for r in rows if r["dataset"] == d.name and r["method"] == "random"],
                d.is_classification,
            )
            for d in datasets
        ]
        print(
            f"\nreinforce vs random at equal budget: {verdicts.count('win')} wins, "
            f"{verdicts.count('tie')} ties, {verdicts.count('loss')} losses "
            f"over {len(datasets)} tables"
        )
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    write_csv(args.output, rows)
    write_csv(args.output.with_name(args.output.stem + "_proposals.csv"), proposals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
