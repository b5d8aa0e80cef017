"""Which constructor defaults should NeuralClassifier and NeuralRegressor have?

Candidate configurations (``CANDIDATES``: each a set of constructor arguments
on top of the current defaults) are cross-validated on the datasets of
``bench_datasets.py`` with the folds of ``bench_quality.py`` (large tables
subsampled, see ``--max-rows``), and compared by

- the per-dataset headline metric (accuracy or RMSE, mean over folds and
  repeats) and log-loss for classifiers;
- the rank of each candidate on each dataset (1 = best, ties averaged) and
  its mean rank over datasets;
- the change against ``baseline`` (the current defaults): accuracy points or
  % RMSE, with wins/losses over datasets;
- fit time relative to ``baseline`` (median over datasets of the ratio;
  compare only candidates timed in the same invocation, as machine load
  drifts between runs);
- leave-one-dataset-out selection: for each dataset, the candidate with the
  best mean rank on the *other* datasets is picked and scored on the held-out
  one. If picking by rank transfers to unseen tables, these held-out gains
  are positive; a candidate picked in most splits is a robust choice, not one
  fitted to a single table.

Candidates that only make sense for one task (label smoothing) are scored on
the datasets of that task. ``--datasets holdout`` runs the tables that no
decision looked at (``bench_datasets.HOLDOUT_DATASETS``), to check a
recommendation. ``a+b`` on the command line combines registered candidates.
Results of several runs can be combined with ``--analyze``.

Run from the repository root::

    export PYTHONPATH=. OMP_NUM_THREADS=1
    python benchmarks/tune_defaults.py --candidates baseline wide lr3e-3 --output r1.csv
    python benchmarks/tune_defaults.py --analyze r1.csv r2.csv
    python benchmarks/tune_defaults.py --datasets holdout --candidates baseline wide

The study behind the recommended defaults (issue 4; candidates are relative
to the defaults of each round's time): a one-factor round, then
combinations with two network seeds per fold, each checked on the held-out
tables, then the pick on the full tables (``--max-rows 0``)::

    python benchmarks/tune_defaults.py --output r1.csv --candidates baseline wide funnel \
        narrow lr3e-3 lr3e-4 bs64 bs256 bs_auto patience20 val0.2 cosine plateau \
        one_cycle40 wd1e-2 wd1e-1 dropout0.1 smooth0.1 batch_norm layer_norm onehot10 \
        tabular_all quantile
    C="baseline onehot32 onehot32+patience20 onehot32+batch_norm \
       onehot32+batch_norm+patience20 onehot32+wd1e-1+patience20 onehot32+wd1e-2+patience20 \
       onehot32+plateau+wd1e-1+patience20 onehot32+wide+wd1e-1+patience20"
    python benchmarks/tune_defaults.py --repeats 2 --candidates $C --output r3.csv
    python benchmarks/tune_defaults.py --repeats 2 --candidates $C --datasets holdout -o h3.csv
    python benchmarks/tune_defaults.py --analyze r3.csv h3.csv
    python benchmarks/tune_defaults.py --max-rows 0 --candidates baseline \
        onehot32+wd1e-1+patience20 --output full.csv

A second round led to ``label_smoothing=0.1`` (with temperature scaling) for
classifiers, ``dropout=0.1``, ``batch_size="auto"`` (candidate ``bs_rows``)
and ``weight_averaging=1.0`` for both tasks. Against the current defaults,
the same comparisons read::

    CLF="Males wine digits breast_cancer Hdma Benefits Participation"
    REG="diabetes SLID diamonds Vocab Computers Housing MedExp"
    python benchmarks/tune_defaults.py --datasets $CLF --repeats 2 --candidates baseline \
        no_dropout no_smooth no_smooth+no_dropout no_smooth+no_dropout+no_temp no_avg \
        avg3 lr2e-3 silu plateau
    python benchmarks/tune_defaults.py --datasets $REG --repeats 2 --candidates baseline \
        no_dropout no_avg avg3 lr3e-4 bs64 silu plateau
    python benchmarks/tune_defaults.py --datasets diamonds Vocab Computers --max-rows 0 \
        --candidates baseline bs128 patience10
"""

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import torch
from bench_datasets import (
    ALL_DATASETS,
    DATASETS,
    HOLDOUT_DATASETS,
    LARGE_DATASETS,
    LARGE_HOLDOUT_DATASETS,
    Dataset,
    Model,
    default_n_folds,
    fit_and_score,
    load_dataset,
    make_folds,
    primary_metric,
    subsample,
)
from threadpoolctl import threadpool_limits

from skneural import NeuralClassifier, NeuralRegressor
from skneural.callbacks import Callback, LRScheduler
from skneural.preprocessing import TabularPreprocessor
from skneural.training._trainer import auto_batch_size

RESULTS_DIR = Path(__file__).resolve().parent / "results"
STUDY_MAX_ROWS = 6_000


@dataclass(frozen=True)
class Candidate:
    """A configuration: constructor arguments on top of the current defaults.

    ``params`` is a dict, or a callable ``params(dataset, n_train)`` returning
    one (for rules that depend on the data, such as a size-dependent batch
    size). ``task`` limits the candidate to one task.
    """

    params: dict | Callable = field(default_factory=dict)
    task: str | None = None
    description: str = ""

    def arguments(self, dataset: Dataset, n_train: int) -> dict:
        """The constructor arguments for ``dataset`` with ``n_train`` training rows."""
        return self.params(dataset, n_train) if callable(self.params) else dict(self.params)


def _size_dependent_batch(dataset, n_train):
    """About 16+ steps per epoch on small data, at most 256 rows per batch."""
    return {"batch_size": int(np.clip(2 ** int(np.log2(max(n_train, 2) / 16)), 32, 256))}


def _rows_dependent_batch(dataset, n_train):
    """About 64 steps per epoch on large data: a power of two in [128, 1024]."""
    return {"batch_size": int(np.clip(2 ** round(np.log2(max(n_train, 2) / 64)), 128, 1024))}


def _lr_for_batch(dataset, n_train):
    """The learning rate scaled with the square root of the auto batch size
    (1e-3 at 128 rows, 2e-3 at 512, 2.8e-3 at 1024)."""
    n_fit = int(n_train * (1 - NeuralRegressor().validation_fraction))
    return {"lr": 1e-3 * float(np.sqrt(auto_batch_size(n_fit) / 128))}


def _needs_tabular(dataset):
    return bool(dataset.categorical_columns) or bool(dataset.X.isna().to_numpy().any())


def _onehot_categories(limit):
    """Where "auto" would use the table preprocessor (which gives integer codes
    above 2 categories), one-hot encode up to ``limit`` categories instead."""

    def params(dataset, n_train):
        if not _needs_tabular(dataset):
            return {}
        preprocessor = TabularPreprocessor(
            max_onehot_cardinality=limit, categorical_imputation="category", random_state=0
        )
        return {"preprocessing": preprocessor}

    return params


CANDIDATES = {
    "baseline": Candidate(description="the current defaults"),
    # capacity
    "wide": Candidate({"hidden_layer_sizes": (256, 256)}),
    "funnel": Candidate({"hidden_layer_sizes": (512, 256, 128)}),
    "narrow": Candidate({"hidden_layer_sizes": (64, 64)}),
    # optimisation
    "lr3e-3": Candidate({"lr": 3e-3}),
    "lr3e-4": Candidate({"lr": 3e-4}),
    "bs64": Candidate({"batch_size": 64}),
    "bs256": Candidate({"batch_size": 256}),
    "bs_auto": Candidate(_size_dependent_batch, description="batch from the training size"),
    "patience20": Candidate({"n_iter_no_change": 20, "max_epochs": 200}),
    "patience10": Candidate({"n_iter_no_change": 10}),
    "tol1e-3": Candidate({"tol": 1e-3}),
    "bs_rows": Candidate(_rows_dependent_batch, description="~64 steps per epoch, 128 to 1024"),
    "bs128": Candidate({"batch_size": 128}),
    "lr_sqrt_bs": Candidate(_lr_for_batch, description="lr x sqrt(auto batch / 128)"),
    "lr_sqrt_bs_x2": Candidate(
        lambda dataset, n_train: {"lr": 2 * _lr_for_batch(dataset, n_train)["lr"]},
        description="twice lr_sqrt_bs",
    ),
    "budget16": Candidate(
        {"max_epochs": 16, "callbacks": [LRScheduler("cosine", step_every="batch")]},
        description="16 epochs, cosine decay over them, early stopping kept",
    ),
    "budget32": Candidate(
        {"max_epochs": 32, "callbacks": [LRScheduler("cosine", step_every="batch")]},
        description="32 epochs, cosine decay over them, early stopping kept",
    ),
    "val0.2": Candidate({"validation_fraction": 0.2}),
    "one_cycle": Candidate(
        {"callbacks": [LRScheduler("one_cycle", step_every="batch")], "early_stopping": False},
        description="one-cycle over all max_epochs, no early stopping",
    ),
    "one_cycle40": Candidate(
        {
            "callbacks": [LRScheduler("one_cycle", step_every="batch")],
            "early_stopping": False,
            "max_epochs": 40,
            "lr": 3e-3,
        },
        description="one-cycle peaking at 3e-3 over 40 epochs, no early stopping",
    ),
    "cosine": Candidate({"callbacks": [LRScheduler("cosine")]}, description="with early stopping"),
    "plateau": Candidate(
        {
            "callbacks": [LRScheduler("reduce_on_plateau", params={"factor": 0.2, "patience": 4})],
            "n_iter_no_change": 12,
        },
        description="lr x0.2 after 4 flat epochs, stop after 12",
    ),
    # regularisation
    "wd1e-2": Candidate({"weight_decay": 1e-2}),
    "wd1e-1": Candidate({"weight_decay": 1e-1}),
    "dropout0.1": Candidate({"dropout": 0.1}),
    "dropout0.2": Candidate({"dropout": 0.2}),
    "no_dropout": Candidate({"dropout": 0.0}),
    "no_avg": Candidate({"weight_averaging": None}),
    "avg3": Candidate({"weight_averaging": 3.0}),
    "no_smooth": Candidate({"label_smoothing": 0.0}, task="classification"),
    "smooth0.1": Candidate({"label_smoothing": 0.1}, task="classification"),
    "smooth0.2": Candidate({"label_smoothing": 0.2}, task="classification"),
    "no_temp": Candidate({"temperature_scaling": False}, task="classification"),
    "batch_norm": Candidate({"batch_norm": True}),
    "layer_norm": Candidate({"module_params": {"layer_norm": True}}),
    "patience40": Candidate({"n_iter_no_change": 40, "max_epochs": 400}),
    "no_es": Candidate(
        {"early_stopping": False, "max_epochs": 200},
        description="no validation split: 200 epochs on all training rows (as sklearn's MLP)",
    ),
    "deep": Candidate({"hidden_layer_sizes": (256, 256, 256)}),
    "silu": Candidate({"activation": "silu"}),
    "gelu": Candidate({"activation": "gelu"}),
    "wd0": Candidate({"weight_decay": 0.0}),
    "wd0.3": Candidate({"weight_decay": 0.3}),
    "lr2e-3": Candidate({"lr": 2e-3}),
    # numeric embeddings
    "periodic": Candidate({"module_params": {"numeric_embedding": "periodic"}}),
    "ple": Candidate({"module_params": {"numeric_embedding": "piecewise_linear"}}),
    # input preprocessing
    "no_clip": Candidate(
        lambda dataset, n_train: (
            {
                "preprocessing": TabularPreprocessor(
                    clip=None, max_onehot_cardinality=32, categorical_imputation="category"
                )
            }
            if _needs_tabular(dataset)
            else {}
        ),
        description="no outlier clipping where 'auto' uses the table preprocessor",
    ),
    "no_indicator": Candidate(
        lambda dataset, n_train: (
            {
                "preprocessing": TabularPreprocessor(
                    add_indicator=False,
                    max_onehot_cardinality=32,
                    categorical_imputation="category",
                )
            }
            if _needs_tabular(dataset)
            else {}
        ),
        description="no missing-value indicators where 'auto' uses the table preprocessor",
    ),
    "onehot10": Candidate(_onehot_categories(10), description="one-hot up to 10 categories"),
    "onehot32": Candidate(_onehot_categories(32), description="one-hot up to 32 categories"),
    "tabular_all": Candidate(
        {"preprocessing": TabularPreprocessor(max_onehot_cardinality=10, random_state=0)},
        description="TabularPreprocessor (quantile clipping) on every table",
    ),
    "quantile": Candidate(
        {"preprocessing": TabularPreprocessor(scaling="quantile", max_onehot_cardinality=10)},
        description="TabularPreprocessor with quantile-normal scaling on every table",
    ),
}


def resolve_candidate(name: str) -> Candidate:
    """A registered candidate, or a combination ``"a+b+c"`` of registered ones
    (their arguments merged left to right: later parts win on shared names)."""
    parts = [CANDIDATES[part] for part in name.split("+")]
    if len(parts) == 1:
        return parts[0]
    tasks = {part.task for part in parts} - {None}
    if len(tasks) > 1:
        raise ValueError(f"{name!r} combines candidates of different tasks.")

    def params(dataset, n_train):
        merged = {}
        for part in parts:
            merged.update(part.arguments(dataset, n_train))
        return merged

    return Candidate(params, task=tasks.pop() if tasks else None)


def candidate_name(text: str) -> str:
    """``argparse`` type of ``--candidates``: registered names joined by ``+``."""
    unknown = [part for part in text.split("+") if part not in CANDIDATES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown candidate(s) {unknown}; valid names: {', '.join(CANDIDATES)}"
        )
    return text


# ----------------------------------------------------------------- running
class EpochTrace(Callback):
    """Study-only: after every epoch, score the test rows with the weights the
    fit holds then (the averaged weights that early stopping would keep), so
    that stopping rules can be replayed on the recorded curve (see
    ``analyze_stopping``). Shared, not copied, by the fit it watches."""

    def __init__(self, estimator=None, dataset=None, test=None):
        self.estimator = estimator
        self.dataset = dataset
        self.test = test
        self.epochs = []

    def __deepcopy__(self, memo):
        return self

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        started = time.perf_counter()
        X_test, y_test = self.dataset.X.iloc[self.test], self.dataset.y[self.test]
        if self.dataset.is_classification:
            metric = {"accuracy": float(np.mean(self.estimator.predict(X_test) == y_test))}
        else:
            residual = np.asarray(self.estimator.predict(X_test), dtype=np.float64) - y_test
            metric = {"rmse": float(np.sqrt(np.mean(residual**2)))}
        self.epochs.append(
            {
                "epoch": epoch,
                "valid_loss": logs.get("valid_loss"),
                "duration": logs["duration"],
                "steps": trainer.batches_per_epoch,
                **metric,
                "trace_s": time.perf_counter() - started,
            }
        )


def candidate_model(candidate: Candidate, n_train: int, traces: list | None = None) -> Model:
    """A ``Model`` building the estimator of ``candidate`` for ``n_train`` training rows;
    with ``traces``, each fit gets an :class:`EpochTrace`, appended to ``traces``."""

    def make(dataset, seed, test=None):
        estimator = NeuralClassifier if dataset.is_classification else NeuralRegressor
        estimator = estimator(random_state=seed).set_params(**candidate.arguments(dataset, n_train))
        if traces is not None:
            trace = EpochTrace(estimator, dataset, test)
            estimator.set_params(callbacks=[*(estimator.callbacks or []), trace])
            traces.append(trace)
        return estimator

    return Model(make)


def run(
    datasets, names, *, max_rows, repeats, seed, trace=False, first_repeat=0
) -> tuple[list, list]:
    """Every candidate on every fold of every dataset, ``repeats`` network seeds each.

    Returns one row per fit and, with ``trace``, one row per epoch of every fit
    (validation loss, test metric, epoch time, optimisation steps).
    """
    rows, epoch_rows = [], []
    for dataset_name in datasets:
        dataset = subsample(load_dataset(dataset_name), max_rows, seed)
        folds = make_folds(dataset, default_n_folds(len(dataset.y)), seed)
        started = time.perf_counter()
        for name in names:
            candidate = resolve_candidate(name)
            if candidate.task not in (None, dataset.task):
                continue
            for fold, (train, test) in enumerate(folds):
                traces = [] if trace else None
                model = candidate_model(candidate, len(train), traces)
                if trace:
                    model = Model(partial(model.make, test=test))
                for repeat in range(first_repeat, first_repeat + repeats):
                    result = fit_and_score(model, dataset, train, test, seed + fold + 1000 * repeat)
                    key = {
                        "dataset": dataset.name,
                        "task": dataset.task,
                        "candidate": name,
                        "fold": fold,
                        "repeat": repeat,
                    }
                    if trace:
                        epochs = traces[-1].epochs
                        result["fit_s"] -= sum(e["trace_s"] for e in epochs)
                        result["overhead_s"] = result["fit_s"] - sum(e["duration"] for e in epochs)
                        epoch_rows += [{**key, **e} for e in epochs]
                    rows.append({**key, **result})
        print(
            f"  {dataset.name}: {len(dataset.y)} rows, {len(folds)} folds, "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
    return rows, epoch_rows


# ---------------------------------------------------------------- analysis
def aggregate(rows: list[dict]) -> dict:
    """``{(dataset, candidate): {metric: mean, "fit_s": median}}``; repeated
    identical rows (the same fold and seed from several runs) count once for
    metrics, their times are pooled."""
    cells = {}
    for row in rows:
        cells.setdefault((row["dataset"], row["candidate"]), []).append(row)
    result = {}
    for key, group in cells.items():
        unique = {(r["fold"], r["repeat"]): r for r in group}.values()
        entry = {"task": group[0]["task"], "fit_s": statistics.median(r["fit_s"] for r in group)}
        for metric in ("accuracy", "log_loss", "rmse"):
            values = [r[metric] for r in unique if r.get(metric) not in (None, "")]
            if values:
                entry[metric] = statistics.fmean(values)
        result[key] = entry
    return result


def _ranks(values: dict, higher_is_better: bool) -> dict:
    """Average ranks (1 = best) of ``{name: value}``."""
    ordered = sorted(values, key=lambda n: -values[n] if higher_is_better else values[n])
    ranks = {}
    position = 0
    while position < len(ordered):
        tied = [n for n in ordered if values[n] == values[ordered[position]]]
        for name in tied:
            ranks[name] = position + (len(tied) + 1) / 2
        position += len(tied)
    return ranks


def _gain(task, value, base) -> float:
    """Improvement over the baseline: accuracy points, or % RMSE reduction."""
    return 100 * (value - base) if task == "classification" else 100 * (1 - value / base)


def analyze(rows: list[dict], baseline: str = "baseline") -> tuple[str, list[dict]]:
    """The study's tables as text, and one summary row per candidate."""
    cells = aggregate(rows)
    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    names = list(dict.fromkeys(r["candidate"] for r in rows))
    task_of = {d: cells[d, next(n for n in names if (d, n) in cells)]["task"] for d in datasets}
    ranks = {}
    for d in datasets:
        metric, higher_is_better = primary_metric(task_of[d])
        present = {n: cells[d, n][metric] for n in names if (d, n) in cells}
        ranks[d] = _ranks(present, higher_is_better)
    lines = [_metric_table(cells, datasets, names, task_of)]
    has_base = all((d, baseline) in cells for d in datasets)
    summary = []
    for name in names:
        mine = [d for d in datasets if (d, name) in cells]
        row = {
            "candidate": name,
            "n_datasets": len(mine),
            "mean_rank": statistics.fmean(ranks[d][name] for d in mine),
        }
        for task in ("classification", "regression"):
            task_ranks = [ranks[d][name] for d in mine if task_of[d] == task]
            row[f"rank_{task[:5]}"] = statistics.fmean(task_ranks) if task_ranks else float("nan")
        if has_base:
            gains = [_gain(task_of[d], *_headline(cells, d, name, baseline)) for d in mine]
            row["mean_gain"] = statistics.fmean(gains)
            row["median_gain"] = statistics.median(gains)
            row["wins"] = sum(g > 0 for g in gains)
            row["losses"] = sum(g < 0 for g in gains)
            row["worst_gain"] = min(gains)
            logloss = [
                100 * (1 - cells[d, name]["log_loss"] / cells[d, baseline]["log_loss"])
                for d in mine
                if task_of[d] == "classification"
            ]
            row["logloss_gain"] = statistics.fmean(logloss) if logloss else float("nan")
            row["fit_x_base"] = statistics.median(
                cells[d, name]["fit_s"] / cells[d, baseline]["fit_s"] for d in mine
            )
        summary.append(row)
    summary.sort(key=lambda r: r["mean_rank"])
    lines.append(_summary_table(summary, has_base))
    if has_base and len(datasets) > 1:
        lines.append(_leave_one_out(cells, ranks, datasets, names, task_of, baseline))
    return "\n".join(lines), summary


def _headline(cells, dataset, name, baseline):
    metric = primary_metric(cells[dataset, name]["task"])[0]
    return cells[dataset, name][metric], cells[dataset, baseline][metric]


def _name_width(names) -> int:
    return max(10, *(len(n) + 2 for n in names))


def _metric_table(cells, datasets, names, task_of) -> str:
    """One row per candidate, one column per dataset: the headline metric, then
    log-loss on the classification datasets."""
    left = _name_width(names)
    width = max(11, *(len(d) + 2 for d in datasets))
    lines = []
    for title, metric_of, shown in (
        (
            "Accuracy (classification) or RMSE (regression), mean over folds and repeats",
            lambda d: primary_metric(task_of[d])[0],
            datasets,
        ),
        (
            "Log-loss (classification datasets)",
            lambda d: "log_loss",
            [d for d in datasets if task_of[d] == "classification"],
        ),
    ):
        if not shown:
            continue
        lines += [f"\n{title}", f"{'candidate':<{left}}" + "".join(f"{d:>{width}}" for d in shown)]
        for n in names:
            values = "".join(
                f"{cells[d, n][metric_of(d)]:>{width}.4f}" if (d, n) in cells else f"{'-':>{width}}"
                for d in shown
            )
            lines.append(f"{n:<{left}}{values}")
    return "\n".join(lines)


def _summary_table(summary, has_base) -> str:
    left = _name_width([r["candidate"] for r in summary])
    lines = [
        "\nPer candidate (sorted by mean rank; gain = accuracy points or % RMSE reduction "
        "against baseline, per dataset; fit x = median over datasets of the fit-time ratio)"
    ]
    header = f"{'candidate':<{left}}{'mean rank':>10}{'clf':>7}{'reg':>7}"
    if has_base:
        header += (
            f"{'mean gain':>11}{'median':>8}{'worst':>8}{'W/L':>7}{'logloss %':>11}{'fit x':>7}"
        )
    lines.append(header)
    for r in summary:
        line = (
            f"{r['candidate']:<{left}}{r['mean_rank']:>10.2f}"
            f"{r['rank_class']:>7.2f}{r['rank_regre']:>7.2f}"
        )
        if has_base:
            line += (
                f"{r['mean_gain']:>+11.2f}{r['median_gain']:>+8.2f}{r['worst_gain']:>+8.2f}"
                f"{r['wins']:>4d}/{r['losses']:<2d}{r['logloss_gain']:>+11.2f}{r['fit_x_base']:>7.2f}"
            )
        lines.append(line)
    return "\n".join(lines)


def _leave_one_out(cells, ranks, datasets, names, task_of, baseline) -> str:
    """Pick by mean rank on the other datasets, score on the held-out one."""
    lines = ["\nLeave one dataset out: best mean rank on the others, scored on the held-out one"]
    left = _name_width(names)
    lines.append(f"{'held out':<15}{'picked':<{left}}{'rank there':>11}{'gain there':>12}")
    gains, picks = [], []
    for held in datasets:
        others = [d for d in datasets if d != held]
        usable = [n for n in names if (held, n) in cells]

        def mean_rank(name, others=others):
            seen = [ranks[d][name] for d in others if name in ranks[d]]
            return statistics.fmean(seen) if seen else float("inf")

        pick = min(usable, key=mean_rank)
        gain = _gain(task_of[held], *_headline(cells, held, pick, baseline))
        gains.append(gain)
        picks.append(pick)
        lines.append(f"{held:<15}{pick:<{left}}{ranks[held][pick]:>11.1f}{gain:>+12.2f}")
    counts = {p: picks.count(p) for p in dict.fromkeys(picks)}
    lines.append(
        f"held-out gain of the rank-picked candidate: mean {statistics.fmean(gains):+.2f}, "
        f"median {statistics.median(gains):+.2f}; picks: "
        + ", ".join(f"{p} x{c}" for p, c in counts.items())
    )
    return "\n".join(lines)


# ------------------------------------------------------- stopping replays
@dataclass(frozen=True)
class StoppingRule:
    """When early stopping ends a fit, replayed on a recorded validation curve.

    Patience is ``patience_epochs`` epochs, or, with ``patience_steps``
    (``patience_rows``), that many optimisation steps (training rows seen)
    rounded up to whole epochs, at least ``min_patience`` and at most
    ``patience_epochs``. An epoch improves when
    its validation loss is below the best so far by more than ``tol``; the
    fit keeps the weights of the last improving epoch (as ``EarlyStopping``
    does) and runs at most ``max_epochs``.
    """

    patience_epochs: int = 20
    patience_steps: int | None = None
    patience_rows: int | None = None
    min_patience: int = 2
    tol: float = 1e-4
    max_epochs: int = 200

    def patience(self, steps_per_epoch: int, rows_per_epoch: int) -> int:
        """Patience in epochs for this many optimisation steps and rows per epoch."""
        if self.patience_steps is not None:
            epochs = -(-self.patience_steps // max(steps_per_epoch, 1))
        elif self.patience_rows is not None:
            epochs = -(-self.patience_rows // max(rows_per_epoch, 1))
        else:
            return self.patience_epochs
        return int(min(max(epochs, self.min_patience), self.patience_epochs))

    def replay(self, epochs: list[dict], rows_per_epoch: int) -> tuple[int, int]:
        """``(epochs run, index of the epoch whose weights are kept)`` of a fit
        that trains on ``rows_per_epoch`` rows."""
        patience = self.patience(epochs[0]["steps"], rows_per_epoch)
        best, kept, wait = float("inf"), 0, 0
        for index, row in enumerate(epochs[: self.max_epochs]):
            if row["valid_loss"] < best - self.tol:
                best, kept, wait = row["valid_loss"], index, 0
            else:
                wait += 1
                if wait >= patience:
                    return index + 1, kept
        return min(len(epochs), self.max_epochs), kept


STOPPING_RULES = {
    "epochs20": StoppingRule(),  # the defaults
    "epochs10": StoppingRule(patience_epochs=10),
    "epochs5": StoppingRule(patience_epochs=5),
    "steps1280": StoppingRule(patience_steps=1280),
    "steps640": StoppingRule(patience_steps=640),
    "steps320": StoppingRule(patience_steps=320),
    "steps160": StoppingRule(patience_steps=160),
    "rows80k": StoppingRule(patience_rows=80_000),
    "rows160k": StoppingRule(patience_rows=160_000),
    "rows240k": StoppingRule(patience_rows=240_000),
    "rows320k": StoppingRule(patience_rows=320_000),
}


def training_rows(dataset: str) -> int:
    """Rows a default fit trains on in one fold of ``dataset`` (the folds of
    ``run`` less the validation split)."""
    n_rows = len(load_dataset(dataset).y)
    n_folds = default_n_folds(n_rows)
    n_train = n_rows - -(-n_rows // n_folds)
    return n_train - int(round(NeuralRegressor().validation_fraction * n_train))


def analyze_stopping(fit_rows, epoch_rows, rules=STOPPING_RULES, baseline="epochs20") -> str:
    """Replay every stopping rule on every traced fit (of the defaults, which
    stop by ``baseline``): test metric of the kept epoch and fit time, as a
    change against ``baseline`` per dataset, mean over folds and seeds."""
    curves, overhead = {}, {}
    for row in epoch_rows:
        key = (row["dataset"], row["candidate"], row["fold"], row["repeat"])
        curves.setdefault(key, []).append(row)
    for row in fit_rows:
        overhead[row["dataset"], row["candidate"], row["fold"], row["repeat"]] = row["overhead_s"]
    results = {}  # (dataset, candidate, rule) -> list of (metric, seconds, epochs)
    rows_of = {name: training_rows(name) for name in dict.fromkeys(k[0] for k in curves)}
    for key, curve in curves.items():
        curve.sort(key=lambda r: r["epoch"])
        metric = "accuracy" if "accuracy" in curve[0] and curve[0]["accuracy"] != "" else "rmse"
        for name, rule in rules.items():
            stop, kept = rule.replay(curve, rows_of[key[0]])
            seconds = overhead[key] + sum(r["duration"] for r in curve[:stop])
            results.setdefault((key[0], key[1], name), []).append(
                (metric, float(curve[kept][metric]), seconds, stop)
            )
    lines = [
        "\nStopping rules replayed on the traced curves: test metric of the kept epoch, "
        f"change against {baseline} (accuracy points or % RMSE, + = better), fit time "
        f"as a multiple of {baseline}'s, mean epochs run"
    ]
    datasets = list(dict.fromkeys(k[0] for k in curves))
    candidates = list(dict.fromkeys(k[1] for k in curves))
    header = f"{'rule':<16}" + "".join(f"{d[:14]:>26}" for d in datasets)
    for candidate in candidates:
        lines += [f"\ntraced candidate {candidate!r}", header]
        for name in rules:
            cells = []
            for dataset in datasets:
                mine = results.get((dataset, candidate, name))
                base = results.get((dataset, candidate, baseline))
                if not mine or not base:
                    cells.append(f"{'-':>26}")
                    continue
                metric = mine[0][0]
                value = statistics.fmean(m[1] for m in mine)
                ref = statistics.fmean(m[1] for m in base)
                gain = 100 * (value - ref) if metric == "accuracy" else 100 * (1 - value / ref)
                time_x = sum(m[2] for m in mine) / sum(m[2] for m in base)
                epochs = statistics.fmean(m[3] for m in mine)
                cells.append(f"{value:>8.4f} {gain:>+6.2f} {time_x:>5.2f}x {epochs:>4.0f}")
            lines.append(f"{name:<16}" + "".join(cells))
    return "\n".join(lines)


# ---------------------------------------------------------------------- io
def write_csv(path: Path, rows: list[dict]) -> None:
    """Write ``rows`` to ``path`` (the union of their keys as columns)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def read_raw(paths) -> list[dict]:
    """Per-fold rows of earlier runs, numbers parsed."""
    rows = []
    for path in paths:
        with Path(path).open(newline="") as handle:
            for row in csv.DictReader(handle):
                for key in ("fold", "repeat"):
                    row[key] = int(row[key])
                if "epoch" in row:
                    row["epoch"], row["steps"] = int(row["epoch"]), int(row["steps"])
                for key in (
                    *("accuracy", "log_loss", "rmse", "fit_s", "fit_cpu_s", "predict_s"),
                    "overhead_s",
                    *("valid_loss", "duration", "trace_s"),
                ):
                    if row.get(key) not in (None, ""):
                        row[key] = float(row[key])
                rows.append(row)
    return rows


def epochs_path(output: Path) -> Path:
    """Where the per-epoch trace of the raw CSV ``output`` goes."""
    return output.with_name(output.stem + "_epochs.csv")


def parse_args(argv=None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--candidates",
        nargs="+",
        type=candidate_name,
        default=["baseline", "wide"],
        help="names from CANDIDATES, or several joined by '+' (e.g. onehot10+batch_norm)",
    )
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=list(DATASETS),
        metavar="NAME",
        help="dataset names, or 'holdout' for the tables no decision looked at, 'large' "
        "(tables above 20,000 rows to choose the large-table rule on) or 'large_holdout' "
        "(to confirm it)",
    )
    parser.add_argument(
        "--max-rows", type=int, default=STUDY_MAX_ROWS, help="subsample larger tables; 0: full"
    )
    parser.add_argument("--repeats", type=int, default=1, help="network seeds per fold")
    parser.add_argument(
        "--first-repeat",
        type=int,
        default=0,
        help="index of the first network seed (add seeds to an earlier run's CSV)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, help="raw CSV (default in benchmarks/results)")
    parser.add_argument("--analyze", nargs="+", type=Path, help="only analyse these raw CSVs")
    parser.add_argument(
        "--trace",
        action="store_true",
        help="also score the test rows after every epoch (written next to the raw CSV as "
        "*_epochs.csv) and replay the STOPPING_RULES on those curves",
    )
    args = parser.parse_args(argv)
    groups = {
        "holdout": HOLDOUT_DATASETS,
        "large": {"diamonds": None, "Vocab": None, **LARGE_DATASETS},
        "large_holdout": LARGE_HOLDOUT_DATASETS,
    }
    if len(args.datasets) == 1 and args.datasets[0] in groups:
        args.datasets = list(groups[args.datasets[0]])
    unknown = set(args.datasets) - set(ALL_DATASETS)
    if unknown:
        parser.error(f"unknown datasets {sorted(unknown)}")
    return args


def main(argv=None) -> int:
    """Run (or re-analyse) the study and print its tables."""
    args = parse_args(argv)
    epoch_rows = []
    if args.analyze:
        rows = read_raw(args.analyze)
        traced = [epochs_path(path) for path in args.analyze if epochs_path(path).exists()]
        epoch_rows = read_raw(traced)
    else:
        torch.set_num_threads(1)
        output = args.output or RESULTS_DIR / "tune_defaults_raw.csv"
        print(
            f"tune_defaults: {args.candidates} on {args.datasets}, at most {args.max_rows} "
            f"rows per dataset, {args.repeats} seed(s) per fold",
            flush=True,
        )
        with threadpool_limits(limits=1):
            rows, epoch_rows = run(
                args.datasets,
                args.candidates,
                max_rows=args.max_rows or None,
                repeats=args.repeats,
                seed=args.seed,
                trace=args.trace,
                first_repeat=args.first_repeat,
            )
        write_csv(output, rows)
        print(f"wrote {output}")
        if epoch_rows:
            write_csv(epochs_path(output), epoch_rows)
            print(f"wrote {epochs_path(output)}")
    text, _ = analyze(rows)
    print(text)
    if epoch_rows:
        print(analyze_stopping(rows, epoch_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
