"""Prediction quality of skneural's defaults against reference models on real tables.

Every dataset of ``/work/shared/BENCHMARKS.md`` (see ``bench_datasets.py``) is
cross-validated with the same shuffled folds for every model: 5 folds, or 3
above 20,000 rows, with a fixed seed. Models, all with their library defaults:

``skneural``
    ``NeuralClassifier(random_state=...)`` / ``NeuralRegressor(...)`` fitted on
    the raw DataFrame (text columns, missing values): the estimator does its
    own preprocessing (``preprocessing="auto"``).
``skneural_old`` (only when asked for)
    skneural with the defaults of before the large-table rules of issue 17
    (``lr=1e-3, dropout=0.1, n_iter_no_change=20, hidden_layer_sizes=(128,
    128), numeric_encoding=None`` at every table size), to measure old and
    new in the same run.
``sklearn_mlp``
    ``MLPClassifier`` / ``MLPRegressor`` in a pipeline of median imputation and
    standard scaling (numeric columns), most-frequent imputation and one-hot
    encoding (the other columns).
``hgb``
    ``HistGradientBoostingClassifier`` / ``Regressor`` with native categorical
    support (text columns passed as pandas ``category``).
``lightgbm``
    ``LGBMClassifier`` / ``LGBMRegressor`` on the same category columns,
    single-threaded.
``skorch``
    ``NeuralNetClassifier`` / ``NeuralNetRegressor`` training the same MLP as
    skneural's default (widths, ReLU, AdamW, learning rate, weight decay,
    batch size, epochs, a stratified validation split and early stopping with
    best-weight restore, all read from skneural's defaults) on the
    scikit-learn MLP's preprocessing, float32 inputs, ``(n, 1)`` float32
    regression targets (skorch does not standardise them).

Reported per dataset and model: accuracy and log-loss (classification) or
RMSE (regression), mean over folds; fit and predict wall time, median over
folds, and fit time as a multiple of HistGradientBoosting's. Everything runs
on one thread. Then the issue's three verdicts for skneural: better than
scikit-learn's MLP on every dataset; within 1 accuracy point (classification)
or 3% RMSE (regression) of HistGradientBoosting on the median dataset; fit
time at most 10x HistGradientBoosting's on the median dataset.

Run from the repository root (``PYTHONPATH=.`` imports this checkout's
skneural rather than an installed copy)::

    export PYTHONPATH=. OMP_NUM_THREADS=1
    python benchmarks/bench_quality.py
    python benchmarks/bench_quality.py --quick --datasets wine diabetes
    python benchmarks/bench_quality.py --models skneural hgb --datasets SLID Males
    python benchmarks/bench_quality.py --seeds 3 --datasets wine Males  # seed noise

With ``--seeds N`` each model is fitted with N seeds on every fold and the
metrics average over folds and seeds, which separates a real difference from
the luck of one seed on small tables.

The summary and the per-fold results are written as CSV files (by default
``benchmarks/results/bench_quality.csv`` and ``..._raw.csv``).
"""

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

import lightgbm
import numpy as np
import sklearn
import skorch
import torch
from bench_datasets import (
    ALL_DATASETS,
    DATASETS,
    HOLDOUT_DATASETS,
    LARGE_DATASETS,
    LARGE_HOLDOUT_DATASETS,
    VARIANT_DATASETS,
    Dataset,
    Model,
    default_n_folds,
    fit_and_score,
    load_dataset,
    make_folds,
    primary_metric,
    subsample,
)
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from skorch.callbacks import EarlyStopping
from skorch.dataset import ValidSplit
from threadpoolctl import threadpool_limits
from torch import nn

import skneural
from skneural import NeuralClassifier, NeuralRegressor
from skneural.training._budget import TABULAR_RECIPE, auto_dropout, auto_lr, auto_patience
from skneural.training._trainer import auto_batch_size

RESULTS_DIR = Path(__file__).resolve().parent / "results"
QUICK_ROWS, QUICK_FOLDS = 400, 2
# The targets for skneural.
ACCURACY_GAP, RMSE_GAP, FIT_TIME_RATIO = 0.01, 0.03, 10.0
# The defaults before the large-table rules of issue 17 ("auto" values of
# lr, dropout, n_iter_no_change, hidden_layer_sizes and numeric_encoding).
OLD_DEFAULTS = {
    "lr": 1e-3,
    "dropout": 0.1,
    "n_iter_no_change": 20,
    "hidden_layer_sizes": (128, 128),
    "numeric_encoding": None,
}


# ------------------------------------------------------------------- models
def onehot_pipeline(estimator, *steps):
    """Median imputation + scaling of numeric columns, most-frequent imputation
    + one-hot encoding of the others, then ``steps`` and ``estimator``."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    preprocess = make_column_transformer(
        (numeric, make_column_selector(dtype_include="number")),
        (categorical, make_column_selector(dtype_exclude="number")),
    )
    return make_pipeline(preprocess, *steps, estimator)


class LazyMLP(nn.Module):
    """Linear+ReLU hidden layers and a linear head; the input width is
    inferred at the first batch (it depends on the one-hot encoding)."""

    def __init__(self, n_outputs=1, hidden_layer_sizes=(128, 128), dropout=0.0):
        super().__init__()
        layers = []
        for width in hidden_layer_sizes:
            layers += [nn.LazyLinear(width), nn.ReLU(), nn.Dropout(dropout)]
        self.body = nn.Sequential(*layers, nn.LazyLinear(n_outputs))

    def forward(self, X):
        return self.body(X)


def make_skneural(dataset: Dataset, seed: int):
    """skneural's defaults; only the seed is set."""
    estimator = NeuralClassifier if dataset.is_classification else NeuralRegressor
    return estimator(random_state=seed)


def make_skneural_old(dataset: Dataset, seed: int):
    """skneural with the defaults before the large-table rules (issue 17):
    ``lr=1e-3`` (so no plateau decay), ``dropout=0.1``,
    ``n_iter_no_change=20``, ``hidden_layer_sizes=(128, 128)`` and no
    numeric encoding at every size."""
    return make_skneural(dataset, seed).set_params(**OLD_DEFAULTS)


def make_sklearn_mlp(dataset: Dataset, seed: int):
    """scikit-learn's MLP defaults inside the one-hot pipeline."""
    estimator = MLPClassifier if dataset.is_classification else MLPRegressor
    return onehot_pipeline(estimator(random_state=seed))


def make_hgb(dataset: Dataset, seed: int):
    """HistGradientBoosting defaults, categories from the pandas dtype."""
    estimator = (
        HistGradientBoostingClassifier
        if dataset.is_classification
        else HistGradientBoostingRegressor
    )
    return estimator(categorical_features="from_dtype", random_state=seed)


def make_lightgbm(dataset: Dataset, seed: int):
    """LightGBM defaults on one thread (category columns detected from the dtype)."""
    estimator = lightgbm.LGBMClassifier if dataset.is_classification else lightgbm.LGBMRegressor
    return estimator(n_jobs=1, verbose=-1, random_state=seed)


def make_skorch(dataset: Dataset, seed: int):
    """skorch training skneural's default network with skneural's default recipe,
    except weight averaging and temperature scaling (skorch has neither built in)."""
    defaults = make_skneural(dataset, seed)
    torch.manual_seed(seed)
    n_folds = default_n_folds(len(dataset.y))
    n_train = int(len(dataset.y) * (n_folds - 1) / n_folds * (1 - defaults.validation_fraction))
    auto = (
        defaults.batch_size,
        defaults.dropout,
        defaults.lr,
        defaults.n_iter_no_change,
        defaults.hidden_layer_sizes,
    )
    assert auto == ("auto",) * 5, "update the skorch recipe with skneural's defaults"
    batch_size = auto_batch_size(n_train)
    common = dict(
        module=LazyMLP,
        module__hidden_layer_sizes=TABULAR_RECIPE.hidden_layer_sizes,
        module__dropout=auto_dropout(n_train),
        optimizer=torch.optim.AdamW,
        optimizer__weight_decay=defaults.weight_decay,
        lr=auto_lr(batch_size),
        batch_size=batch_size,
        max_epochs=defaults.max_epochs,
        iterator_train__shuffle=True,
        train_split=ValidSplit(
            defaults.validation_fraction,
            stratified=dataset.is_classification,
            random_state=seed,
        ),
        callbacks=[
            EarlyStopping(
                patience=auto_patience(n_train),
                threshold=defaults.tol,
                threshold_mode="abs",
                load_best=True,
            )
        ],
        verbose=0,
    )
    if dataset.is_classification:
        net = skorch.NeuralNetClassifier(
            criterion=nn.CrossEntropyLoss,
            criterion__label_smoothing=defaults.label_smoothing,
            module__n_outputs=int(dataset.y.max()) + 1,
            **common,
        )
    else:
        net = skorch.NeuralNetRegressor(module__n_outputs=1, **common)
    return onehot_pipeline(net, FunctionTransformer(np.asarray, kw_args={"dtype": np.float32}))


def _skorch_target(y):
    return y.reshape(-1, 1).astype(np.float32) if y.dtype.kind == "f" else y


MODELS = {
    "skneural": Model(make_skneural),
    "skneural_old": Model(make_skneural_old),
    "sklearn_mlp": Model(make_sklearn_mlp),
    "hgb": Model(make_hgb, features=Dataset.with_categories),
    "lightgbm": Model(make_lightgbm, features=Dataset.with_categories),
    "skorch": Model(make_skorch, target=_skorch_target),
}


# ----------------------------------------------------------------- protocol
def run_dataset(dataset: Dataset, models, n_folds: int, seed: int, n_seeds: int = 1) -> list[dict]:
    """Every model on every fold, ``n_seeds`` model seeds each; the model order
    rotates between folds so load from other processes hits them alike. One row
    per (fold, model seed, model)."""
    rows = []
    for fold, (train, test) in enumerate(make_folds(dataset, n_folds, seed)):
        order = models[fold % len(models) :] + models[: fold % len(models)]
        for repeat in range(n_seeds):
            for name in order:
                model_seed = seed + fold + 1000 * repeat
                result = fit_and_score(MODELS[name], dataset, train, test, model_seed)
                rows.append(
                    {
                        "dataset": dataset.name,
                        "model": name,
                        "fold": fold,
                        "repeat": repeat,
                        **result,
                    }
                )
    return rows


def warm_up(models, seed: int) -> None:
    """Fit every model once on a slice of wine, untimed, so one-off start-up
    costs (torch's first call, lazy imports) stay out of the first timing."""
    dataset = subsample(load_dataset("wine"), 60, seed)
    run_dataset(dataset, models, 2, seed)


def summarize(dataset: Dataset, rows: list[dict], n_folds: int) -> list[dict]:
    """Mean metrics and median times per model, fit time as a multiple of HGB's."""
    metrics = ["accuracy", "log_loss"] if dataset.is_classification else ["rmse"]
    models = list(dict.fromkeys(r["model"] for r in rows))
    summary = []
    for name in models:
        mine = [r for r in rows if r["model"] == name]
        row = {
            "dataset": dataset.name,
            "task": dataset.task,
            "n_rows": len(dataset.y),
            "n_columns": dataset.X.shape[1],
            "n_folds": n_folds,
            "n_seeds": len({r["repeat"] for r in mine}),
            "model": name,
        }
        for metric in metrics:
            values = [r[metric] for r in mine]
            row[metric] = statistics.fmean(values)
            row[f"{metric}_std"] = statistics.pstdev(values)
        row["fit_s"] = statistics.median(r["fit_s"] for r in mine)
        row["fit_cpu_s"] = statistics.median(r["fit_cpu_s"] for r in mine)
        row["predict_s"] = statistics.median(r["predict_s"] for r in mine)
        summary.append(row)
    hgb = next((r for r in summary if r["model"] == "hgb"), None)
    for row in summary:
        row["fit_x_hgb"] = row["fit_s"] / hgb["fit_s"] if hgb else float("nan")
        row["fit_cpu_x_hgb"] = row["fit_cpu_s"] / hgb["fit_cpu_s"] if hgb else float("nan")
        row["note"] = dataset.note
    return summary


def format_dataset(dataset: Dataset, summary: list[dict]) -> str:
    """One dataset's table."""
    first = summary[0]
    lines = [
        f"\n{dataset.name}: {dataset.task}, {first['n_rows']} rows x {first['n_columns']} "
        f"columns, {first['n_folds']} folds"
        + (f" x {first['n_seeds']} model seeds" if first["n_seeds"] > 1 else "")
        + (f" ({dataset.note})" if dataset.note else "")
    ]
    if dataset.is_classification:
        header = f"{'model':<13}{'accuracy':>9}{'+-':>7}{'log_loss':>10}"
    else:
        header = f"{'model':<13}{'rmse':>9}{'+-':>7}{'':>10}"
    lines.append(header + f"{'fit s':>9}{'x hgb':>8}{'cpu x hgb':>10}{'predict s':>11}")
    for r in summary:
        if dataset.is_classification:
            quality = f"{r['accuracy']:>9.4f}{r['accuracy_std']:>7.4f}{r['log_loss']:>10.4f}"
        else:
            quality = f"{r['rmse']:>9.4f}{r['rmse_std']:>7.4f}{'':>10}"
        lines.append(
            f"{r['model']:<13}{quality}{r['fit_s']:>9.3f}{r['fit_x_hgb']:>7.2f}x"
            f"{r['fit_cpu_x_hgb']:>9.2f}x{r['predict_s']:>11.4f}"
        )
    return "\n".join(lines)


def format_overview(summary: list[dict], models) -> str:
    """Headline metric and fit time of every model on every dataset."""
    datasets = list(dict.fromkeys(r["dataset"] for r in summary))
    cell = {(r["dataset"], r["model"]): r for r in summary}
    lines = ["\nOverview: accuracy (classification) or RMSE (regression), mean over folds"]
    lines.append(f"{'dataset':<15}{'metric':<10}" + "".join(f"{m:>13}" for m in models))
    for name in datasets:
        metric = primary_metric(cell[name, models[0]]["task"])[0]
        values = "".join(f"{cell[name, m][metric]:>13.4f}" for m in models)
        lines.append(f"{name:<15}{metric:<10}{values}")
    lines.append("\nFit time, seconds (median over folds)")
    lines.append(f"{'dataset':<25}" + "".join(f"{m:>13}" for m in models))
    for name in datasets:
        lines.append(f"{name:<25}" + "".join(f"{cell[name, m]['fit_s']:>13.3f}" for m in models))
    return "\n".join(lines)


def verdicts(summary: list[dict]) -> list[str]:
    """The issue's three targets for skneural, each with a yes/NO and its numbers."""
    cell = {(r["dataset"], r["model"]): r for r in summary}
    datasets = list(dict.fromkeys(r["dataset"] for r in summary))
    models = {r["model"] for r in summary}
    lines = []
    if {"skneural", "sklearn_mlp"} <= models:
        losing = []
        for name in datasets:
            mine, theirs = cell[name, "skneural"], cell[name, "sklearn_mlp"]
            metric, higher_is_better = primary_metric(mine["task"])
            better = (mine[metric] - theirs[metric]) * (1 if higher_is_better else -1) > 0
            if not better:
                losing.append(name)
        lines.append(
            f"1. skneural beats sklearn's MLP on every dataset: {'NO' if losing else 'yes'}"
            + (f" (not on {', '.join(losing)})" if losing else f" (all {len(datasets)})")
        )
    if {"skneural", "hgb"} <= models:
        gaps = {}  # shortfall relative to HGB, as a fraction of the allowed gap
        parts = []
        for name in datasets:
            mine, hgb = cell[name, "skneural"], cell[name, "hgb"]
            if mine["task"] == "classification":
                gap = hgb["accuracy"] - mine["accuracy"]
                gaps[name] = gap / ACCURACY_GAP
                parts.append(f"{name} {100 * gap:+.2f} pt")
            else:
                gap = mine["rmse"] / hgb["rmse"] - 1
                gaps[name] = gap / RMSE_GAP
                parts.append(f"{name} {100 * gap:+.1f}%")
        median = statistics.median(gaps.values())
        lines.append(
            "2. within 1 accuracy point / 3% RMSE of HGB on the median dataset: "
            f"{'yes' if median <= 1 else 'NO'} (median gap {median:.2f} of the allowance; "
            f"skneural short of HGB by: {', '.join(parts)})"
        )
        for task, allowance, unit in (
            ("classification", ACCURACY_GAP, "accuracy points"),
            ("regression", RMSE_GAP, "% RMSE"),
        ):
            task_gaps = [g * allowance for n, g in gaps.items() if cell[n, "hgb"]["task"] == task]
            if task_gaps:
                value = statistics.median(task_gaps) * 100
                lines.append(f"   median over {task} datasets: {value:+.2f} {unit}")
        ratios = [cell[name, "skneural"]["fit_x_hgb"] for name in datasets]
        median_ratio = statistics.median(ratios)
        lines.append(
            f"3. fit time at most {FIT_TIME_RATIO:.0f}x HGB's on the median dataset: "
            f"{'yes' if median_ratio <= FIT_TIME_RATIO else 'NO'} (median {median_ratio:.2f}x; "
            + ", ".join(f"{n} {r:.1f}x" for n, r in zip(datasets, ratios, strict=True))
            + ")"
        )
    if {"skneural", "skneural_old", "hgb"} <= models:
        lines.append(large_table_verdict(cell, datasets))
    return lines


def large_table_verdict(cell: dict, datasets: list) -> str:
    """Issue 17's target: fit time within 10x HGB's on every dataset, old and
    new defaults side by side, with the quality change in seed-noise units
    (the difference of means over the standard deviation of the new fits)."""
    parts, worst = [], 0.0
    for name in datasets:
        new, old = cell[name, "skneural"], cell[name, "skneural_old"]
        metric, higher_is_better = primary_metric(new["task"])
        change = (new[metric] - old[metric]) * (1 if higher_is_better else -1)
        noise = new[f"{metric}_std"] or float("nan")
        worst = max(worst, new["fit_x_hgb"])
        parts.append(
            f"{name} {old['fit_x_hgb']:.1f}x -> {new['fit_x_hgb']:.1f}x "
            f"({metric} {old[metric]:.4f} -> {new[metric]:.4f}, {change / noise:+.2f} sd)"
        )
    return (
        f"4. fit time at most {FIT_TIME_RATIO:.0f}x HGB's on every dataset (old -> new): "
        f"{'yes' if worst <= FIT_TIME_RATIO else 'NO'} (worst {worst:.1f}x; "
        + "; ".join(parts)
        + ")"
    )


def paired_table(rows: list[dict], datasets: list) -> list[str]:
    """Old against new defaults fit by fit (issue 17), as Markdown rows: each
    metric's mean +- standard deviation, the mean paired change over the
    (fold, seed) pairs and how many got worse, the range over folds of the
    change between the first and last network seed of the new defaults
    (seed noise), HGB's metric, and median fit CPU time over HGB's."""
    lines = [
        "| table | metric | old | new | paired new - old (worse) | seed-to-seed | HGB "
        "| CPU x HGB old | new | wall s old / new / HGB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in datasets:
        fits = {
            model: {
                (r["fold"], r["repeat"]): r
                for r in rows
                if r["dataset"] == name and r["model"] == model
            }
            for model in ("skneural", "skneural_old", "hgb")
        }
        new, old, hgb = fits["skneural"], fits["skneural_old"], list(fits["hgb"].values())
        metric = "accuracy" if "accuracy" in next(iter(new.values())) else "rmse"
        sign = 1 if metric == "accuracy" else -1
        changes = [new[key][metric] - old[key][metric] for key in new]
        worse = sum(sign * change < 0 for change in changes)
        seeds = {}
        for (fold, _), fit in sorted(new.items()):
            seeds.setdefault(fold, []).append(fit[metric])
        noise = [abs(values[-1] - values[0]) for values in seeds.values()]

        def spread(fit_rows, key=metric):
            values = [r[key] for r in fit_rows]
            return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0

        def median(fit_rows, key):
            return statistics.median(r[key] for r in fit_rows)

        hgb_cpu = median(hgb, "fit_cpu_s")
        (old_mean, old_sd), (new_mean, new_sd) = spread(old.values()), spread(new.values())
        lines.append(
            f"| {name} | {metric} | {old_mean:.4f} +- {old_sd:.4f} | {new_mean:.4f} +- "
            f"{new_sd:.4f} | {statistics.mean(changes):+.4f} ({worse}/{len(changes)}) | "
            f"{min(noise):.4f}-{max(noise):.4f} | {spread(hgb)[0]:.4f} | "
            f"{median(old.values(), 'fit_cpu_s') / hgb_cpu:.1f}x | "
            f"{median(new.values(), 'fit_cpu_s') / hgb_cpu:.1f}x | "
            f"{median(old.values(), 'fit_s'):.1f} / {median(new.values(), 'fit_s'):.1f} / "
            f"{median(hgb, 'fit_s'):.2f} |"
        )
    return lines


def write_csv(path: Path, rows: list[dict]) -> None:
    """Write ``rows`` to ``path`` (the union of their keys as columns)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


# ---------------------------------------------------------------------- cli
def parse_args(argv=None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = list(ALL_DATASETS)
    parser.add_argument(
        "--datasets",
        nargs="+",
        choices=names,
        default=list(DATASETS),
        metavar="NAME",
        help=f"default: the BENCHMARKS.md tables {list(DATASETS)}; also {list(HOLDOUT_DATASETS)} "
        f"and the large tables {[*LARGE_DATASETS, *LARGE_HOLDOUT_DATASETS]}; "
        f"variants {list(VARIANT_DATASETS)}",
    )
    parser.add_argument(
        "--models",
        nargs="+",
        choices=list(MODELS),
        default=[name for name in MODELS if name != "skneural_old"],
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: at most {QUICK_ROWS} rows per dataset, {QUICK_FOLDS} folds",
    )
    parser.add_argument("--max-rows", type=int, help="subsample larger datasets to this many rows")
    parser.add_argument("--folds", type=int, help="default 5, or 3 above 20,000 rows")
    parser.add_argument("--seed", type=int, default=0, help="folds and model seeds")
    parser.add_argument(
        "--seeds",
        type=int,
        default=1,
        help="model seeds per fold (metrics average over folds and seeds; 1 by default)",
    )
    parser.add_argument(
        "--output", type=Path, help="summary CSV (default benchmarks/results/bench_quality.csv)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.max_rows = min(args.max_rows or QUICK_ROWS, QUICK_ROWS)
        args.folds = args.folds or QUICK_FOLDS
    if (
        (args.max_rows is not None and args.max_rows < 10)
        or (args.folds is not None and args.folds < 2)
        or args.seeds < 1
    ):
        parser.error("--max-rows must be at least 10, --folds at least 2, --seeds at least 1.")
    return args


def main(argv=None) -> int:
    """Run the benchmark, print the tables and verdicts, write the CSV files."""
    args = parse_args(argv)
    torch.set_num_threads(1)
    output = args.output or RESULTS_DIR / "bench_quality.csv"
    print(
        f"bench_quality: models {args.models}, seed {args.seed}, 1 thread\n"
        f"skneural {skneural.__version__} ({skneural.__file__}), scikit-learn "
        f"{sklearn.__version__}, lightgbm {lightgbm.__version__}, skorch {skorch.__version__}, "
        f"torch {torch.__version__}",
        flush=True,
    )
    all_rows, summary = [], []
    started = time.perf_counter()
    with threadpool_limits(limits=1):
        warm_up(args.models, args.seed)
        for name in args.datasets:
            dataset = subsample(load_dataset(name), args.max_rows, args.seed)
            n_folds = args.folds or default_n_folds(len(dataset.y))
            rows = run_dataset(dataset, args.models, n_folds, args.seed, args.seeds)
            dataset_summary = summarize(dataset, rows, n_folds)
            print(format_dataset(dataset, dataset_summary), flush=True)
            all_rows += rows
            summary += dataset_summary
    print(format_overview(summary, args.models))
    print("\nVerdicts for skneural's defaults:")
    for line in verdicts(summary):
        print(line)
    if {"skneural", "skneural_old", "hgb"} <= set(args.models):
        print("\nOld against new defaults, fit by fit:")
        print("\n".join(paired_table(all_rows, args.datasets)))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    write_csv(output, summary)
    raw = output.with_name(output.stem + "_raw.csv")
    write_csv(raw, all_rows)
    print(f"wrote {output} and {raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
