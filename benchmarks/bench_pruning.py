"""What epoch-level pruning saves in an Optuna search: wall time to a CV score.

:class:`skneural.model_selection.OptunaSearchCV` runs the same search twice
per seed, once with its default pruner (``MedianPruner(n_startup_trials=5,
n_warmup_steps=5)`` on the first fold's per-epoch validation loss) and once
without pruning. Both runs use Optuna's ``RandomSampler`` with the same seed,
so they propose the very same candidates in the same order: the only
difference is the work pruning skips (and any good candidate it wrongly
stops). An untimed warm-up search runs first, and the two modes alternate
which goes first from seed to seed. The model is ``StandardScaler`` + ``NeuralClassifier`` (early
stopping on, ``max_epochs=60``) over the default
``search_space(..., backend="optuna")``, with 3-fold CV and accuracy.

For each run the script records when each trial ended and the best score so
far, then reports, per dataset and seed: the wall time until the best CV
score first reaches each target (a share of the best score the unpruned run
finds in the end, so every target is reachable), the total wall time, the
final best score, and how many trials were pruned. The last table gives
medians over seeds. Datasets: ``breast_cancer`` and ``digits`` (the
classification sets of ``/work/shared/BENCHMARKS.md`` small enough for a
30-trial search on a laptop CPU).

Run from the repository root::

    OMP_NUM_THREADS=1 python benchmarks/bench_pruning.py
    OMP_NUM_THREADS=1 python benchmarks/bench_pruning.py --quick     # smoke run

Per-trial records go to ``benchmarks/results/bench_pruning_trials.csv``.
"""

import argparse
import csv
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import optuna
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier
from skneural.model_selection import OptunaSearchCV

DATASETS = {"breast_cancer": load_breast_cancer, "digits": load_digits}
TARGET_SHARES = (0.99, 0.995, 1.0)
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def run_search(X, y, *, pruner, seed, n_trials, max_epochs):
    """One search; returns a list of (elapsed_seconds, state, score) per trial."""
    pipe = make_pipeline(
        StandardScaler(), NeuralClassifier(max_epochs=max_epochs, random_state=seed)
    )
    search = OptunaSearchCV(
        pipe,
        n_trials=n_trials,
        cv=3,
        scoring="accuracy",
        pruner=pruner,
        sampler=optuna.samplers.RandomSampler(seed=seed),
    )
    started = time.perf_counter()
    search.fit(X, y)
    total = time.perf_counter() - started
    trials = search.study_.trials
    origin = trials[0].datetime_start
    records = [
        ((t.datetime_complete - origin).total_seconds(), t.state.name, t.value) for t in trials
    ]
    return records, total


def time_to_reach(records, target):
    """Seconds until the best complete score first reaches ``target`` (None: never)."""
    for elapsed, state, score in records:
        if state == "COMPLETE" and score >= target - 1e-12:
            return elapsed
    return None


def best_score(records):
    return max(score for _, state, score in records if state == "COMPLETE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--trials", type=int, default=30)
    args = parser.parse_args()
    seeds = range(1 if args.quick else args.seeds)
    n_trials = 8 if args.quick else args.trials
    max_epochs = 10 if args.quick else 60
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=UserWarning)

    RESULTS_DIR.mkdir(exist_ok=True)
    raw_rows, summary = [], {}
    for name, load in DATASETS.items():
        X, y = load(return_X_y=True)
        run_search(X, y, pruner=None, seed=0, n_trials=1, max_epochs=2)  # warm-up, untimed
        for seed in seeds:
            runs = {}
            modes = [("pruned", "median"), ("unpruned", None)]
            for mode, pruner in modes if seed % 2 == 0 else modes[::-1]:
                records, total = run_search(
                    X, y, pruner=pruner, seed=seed, n_trials=n_trials, max_epochs=max_epochs
                )
                runs[mode] = (records, total)
                raw_rows += [(name, seed, mode, i, *record) for i, record in enumerate(records)]
            reference = best_score(runs["unpruned"][0])
            for mode in ("pruned", "unpruned"):
                records, total = runs[mode]
                row = {
                    "total_s": total,
                    "best": best_score(records),
                    "n_pruned": sum(state == "PRUNED" for _, state, _ in records),
                }
                for share in TARGET_SHARES:
                    row[f"t@{share:g}"] = time_to_reach(records, share * reference)
                summary[(name, seed, mode)] = row
                print(format_row(name, seed, mode, row), flush=True)

    with open(RESULTS_DIR / "bench_pruning_trials.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dataset", "seed", "mode", "trial", "elapsed_s", "state", "score"])
        writer.writerows(raw_rows)

    print("\nMedians over seeds (time to reach a share of the unpruned run's best score):")
    for name in DATASETS:
        for mode in ("pruned", "unpruned"):
            rows = [summary[(name, seed, mode)] for seed in seeds]
            print(format_row(name, "median", mode, median_row(rows)))
        ratios = [
            summary[(name, seed, "pruned")]["total_s"]
            / summary[(name, seed, "unpruned")]["total_s"]
            for seed in seeds
        ]
        print(f"{name}: total time pruned/unpruned = {statistics.median(ratios):.2f} (median)")


def median_row(rows):
    merged = {}
    for key in rows[0]:
        values = [row[key] for row in rows]
        # a target never reached counts as infinitely late
        values = [np.inf if value is None else value for value in values]
        merged[key] = statistics.median(values)
    return merged


def format_row(name, seed, mode, row):
    def seconds(value):
        return "never" if value is None or value == np.inf else f"{value:6.1f}s"

    targets = "  ".join(f"{key} {seconds(row[key])}" for key in row if key.startswith("t@"))
    return (
        f"{name:13s} seed {seed!s:6s} {mode:8s}  total {row['total_s']:6.1f}s  "
        f"best {row['best']:.4f}  pruned {row['n_pruned']:4.1f}  {targets}"
    )


if __name__ == "__main__":
    main()
