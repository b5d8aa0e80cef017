"""Training and prediction speed of skneural against a hand-written torch loop.

Four implementations train the same network (an MLP with ReLU hidden layers)
on the same synthetic data, for the same number of epochs, with the same batch
size and the same optimizer (Adam, no weight decay), without a validation split
or early stopping:

``reference``
    A plain torch loop over tensors built beforehand: a ``randperm`` order per
    epoch, ``X[index]`` batches, zero_grad / forward / cross-entropy /
    backward / step; ``predict_proba`` is one big forward without autograd.
``skneural``
    :class:`skneural.NeuralClassifier` configured to do the same work (its
    Adam uses the fused step, skneural's default; the reference, like most
    hand-written loops, torch's default per-tensor step).
``skorch``
    :class:`skorch.NeuralNetClassifier` as its users write it (float32 ``X``,
    int64 ``y``, the default ``DataLoader``, ``train_split=None``).
``sklearn``
    :class:`sklearn.neural_network.MLPClassifier` (``solver="adam"``), CPU only.
``skneural_bf16``, ``skneural_compile``, ``skneural_bf16+compile`` (``--variants``)
    skneural with ``precision="bf16"`` and/or ``compile=True``, against the
    same float32 reference loop. Compiling happens in the warm-up round (a
    later fit of the same network reuses the compiled code): the table
    shows the steady state, and the warm-up fit's seconds are printed
    apart as the first fit's cost.

Only the ``fit`` and ``predict_proba`` calls are timed (for the reference: the
model and optimizer construction and the loop, then the forward from a numpy
array to a numpy array). A warm-up round of one epoch per implementation is
excluded; then every repeat runs all batch sizes and implementations, in an
order that rotates between repeats so load from other processes hits them
alike, and the table reports medians with ratios to the reference measured in
the same run. skneural targets: fit <= 1.10x and predict <= 1.20x the reference.

Run from the repository root::

    OMP_NUM_THREADS=1 python benchmarks/bench_speed.py
    OMP_NUM_THREADS=1 python benchmarks/bench_speed.py --quick        # smoke run
    python benchmarks/bench_speed.py --device cuda                    # on a GPU
    python benchmarks/bench_speed.py --device cuda --variants bf16 compile bf16+compile

The summary and the per-repeat times are written as CSV files (by default
``benchmarks/results/bench_speed_<device>.csv`` and ``..._raw.csv``).
"""

import argparse
import csv
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import sklearn
import skorch
import torch
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits
from torch import nn

import skneural
from skneural import NeuralClassifier

IMPLEMENTATIONS = ("reference", "skneural", "skorch", "sklearn")
# skneural's opt-in speed-ups (--variants): estimator parameters of each.
VARIANTS = {
    "bf16": {"precision": "bf16"},
    "compile": {"compile": True},
    "bf16+compile": {"precision": "bf16", "compile": True},
}
TARGETS = {"fit": 1.10, "predict": 1.20}
CPU_BATCH_SIZES = (64, 256, 2048)
CUDA_BATCH_SIZES = (256, 4096)
RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Config:
    """Everything that defines one benchmark run."""

    n_train: int = 20_000
    n_predict: int = 100_000
    n_features: int = 32
    n_classes: int = 10
    hidden: tuple = (128, 128)
    epochs: int = 10
    lr: float = 1e-3
    batch_sizes: tuple = CPU_BATCH_SIZES
    repeats: int = 5
    threads: int = 1
    device: str = "cpu"
    seed: int = 0
    variants: tuple = ()

    @property
    def implementations(self):
        """Implementations measured on this device (scikit-learn's MLP is CPU
        only), then skneural's ``variants``."""
        base = IMPLEMENTATIONS if self.device == "cpu" else IMPLEMENTATIONS[:3]
        return base + tuple(f"skneural_{variant}" for variant in self.variants)


@dataclass(frozen=True)
class Data:
    """Training and prediction arrays (float32 X, int64 y) and their tensors."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_predict: np.ndarray
    y_predict: np.ndarray
    X_train_tensor: torch.Tensor
    y_train_tensor: torch.Tensor


@dataclass(frozen=True)
class Timing:
    """Seconds spent in ``fit`` and ``predict_proba``, and the accuracy reached."""

    fit: float
    predict: float
    accuracy: float


class ReferenceMLP(nn.Module):
    """The benchmark network: Linear+ReLU hidden layers and a linear head."""

    def __init__(self, n_features, n_classes, hidden):
        super().__init__()
        widths = (n_features, *hidden)
        layers = []
        for w_in, w_out in zip(widths[:-1], widths[1:], strict=True):
            layers += [nn.Linear(w_in, w_out), nn.ReLU()]
        self.body = nn.Sequential(*layers, nn.Linear(widths[-1], n_classes))

    def forward(self, X):
        return self.body(X)


def make_data(config: Config) -> Data:
    """Synthetic classification data, split into training and prediction rows."""
    X, y = make_classification(
        n_samples=config.n_train + config.n_predict,
        n_features=config.n_features,
        n_informative=config.n_features // 2,
        n_classes=config.n_classes,
        random_state=config.seed,
    )
    X, y = X.astype(np.float32), y.astype(np.int64)
    X_train, y_train = X[: config.n_train], y[: config.n_train]
    return Data(
        X_train=X_train,
        y_train=y_train,
        X_predict=np.ascontiguousarray(X[config.n_train :]),
        y_predict=y[config.n_train :],
        X_train_tensor=torch.from_numpy(X_train).to(config.device),
        y_train_tensor=torch.from_numpy(y_train).to(config.device),
    )


def _synchronize(device):
    if device == "cuda":
        torch.cuda.synchronize()


def _timed(function, device):
    """``(result, seconds)`` of ``function()``, waiting for queued GPU work."""
    _synchronize(device)
    started = time.perf_counter()
    result = function()
    _synchronize(device)
    return result, time.perf_counter() - started


def _check_epochs(name, done, expected):
    if done != expected:
        raise RuntimeError(f"{name} trained {done} epochs instead of {expected}: unequal work.")


# ------------------------------------------------------------------ runners
def run_reference(config, data, batch_size, epochs, seed):
    """The hand-written loop every other implementation is compared with."""
    X, y = data.X_train_tensor, data.y_train_tensor

    def fit():
        torch.manual_seed(seed)
        model = ReferenceMLP(config.n_features, config.n_classes, config.hidden).to(X.device)
        optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
        criterion = nn.CrossEntropyLoss()
        model.train()
        for _ in range(epochs):
            order = torch.randperm(X.shape[0], device=X.device)
            for start in range(0, X.shape[0], batch_size):
                index = order[start : start + batch_size]
                optimizer.zero_grad()
                loss = criterion(model(X[index]), y[index])
                loss.backward()
                optimizer.step()
        return model

    def predict(model):
        model.eval()
        with torch.inference_mode():
            logits = model(torch.from_numpy(data.X_predict).to(X.device))
            return torch.softmax(logits, dim=1).cpu().numpy()

    model, fit_seconds = _timed(fit, config.device)
    proba, predict_seconds = _timed(lambda: predict(model), config.device)
    return fit_seconds, predict_seconds, proba


def run_skneural(config, data, batch_size, epochs, seed, **variant):
    """NeuralClassifier doing the reference's work: Adam without weight decay,
    no dropout, label smoothing or weight averaging, no numeric encoding (the
    large-table rule would add one from ~11,600 rows), no validation split, no
    early stopping. ``variant``: extra estimator parameters (:data:`VARIANTS`).
    Its Adam takes skneural's default fused step (the reference keeps torch's
    default step, as a hand-written loop would)."""
    model = NeuralClassifier(
        preprocessing=None,  # the reference feeds the raw inputs too
        hidden_layer_sizes=config.hidden,
        numeric_encoding=None,
        activation="relu",
        dropout=0.0,
        label_smoothing=0.0,
        weight_averaging=None,
        optimizer="adam",
        lr=config.lr,
        weight_decay=0.0,
        batch_size=batch_size,
        max_epochs=epochs,
        shuffle=True,
        early_stopping=False,
        validation_fraction=0.0,
        random_state=seed,
        device=config.device,
        n_threads=config.threads,
        **variant,
    )
    _, fit_seconds = _timed(lambda: model.fit(data.X_train, data.y_train), config.device)
    _check_epochs("skneural", model.n_iter_, epochs)
    proba, predict_seconds = _timed(lambda: model.predict_proba(data.X_predict), config.device)
    return fit_seconds, predict_seconds, proba


def run_skorch(config, data, batch_size, epochs, seed):
    """skorch as its users configure it, training the reference's module."""
    torch.manual_seed(seed)
    model = skorch.NeuralNetClassifier(
        ReferenceMLP,
        module__n_features=config.n_features,
        module__n_classes=config.n_classes,
        module__hidden=config.hidden,
        criterion=nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=config.lr,
        max_epochs=epochs,
        batch_size=batch_size,
        iterator_train__shuffle=True,
        train_split=None,
        device=config.device,
        verbose=0,
    )
    _, fit_seconds = _timed(lambda: model.fit(data.X_train, data.y_train), config.device)
    _check_epochs("skorch", len(model.history), epochs)
    proba, predict_seconds = _timed(lambda: model.predict_proba(data.X_predict), config.device)
    return fit_seconds, predict_seconds, proba


def run_sklearn(config, data, batch_size, epochs, seed):
    """MLPClassifier made to run every epoch (``tol=0``, no early stopping)."""
    model = MLPClassifier(
        hidden_layer_sizes=config.hidden,
        activation="relu",
        solver="adam",
        alpha=0.0,
        batch_size=batch_size,
        learning_rate_init=config.lr,
        max_iter=epochs,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        early_stopping=False,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, fit_seconds = _timed(lambda: model.fit(data.X_train, data.y_train), "cpu")
    _check_epochs("sklearn", model.n_iter_, epochs)
    proba, predict_seconds = _timed(lambda: model.predict_proba(data.X_predict), "cpu")
    return fit_seconds, predict_seconds, proba


RUNNERS = {
    "reference": run_reference,
    "skneural": run_skneural,
    "skorch": run_skorch,
    "sklearn": run_sklearn,
}


def measure(name, config, data, batch_size, epochs, seed) -> Timing:
    """Fit and predict with one implementation; time both calls."""
    if name.startswith("skneural_"):
        variant = VARIANTS[name.removeprefix("skneural_")]
        fit_seconds, predict_seconds, proba = run_skneural(
            config, data, batch_size, epochs, seed, **variant
        )
    else:
        fit_seconds, predict_seconds, proba = RUNNERS[name](config, data, batch_size, epochs, seed)
    accuracy = float(np.mean(np.argmax(proba, axis=1) == data.y_predict))
    return Timing(fit_seconds, predict_seconds, accuracy)


# ---------------------------------------------------------------- protocol
def run_benchmark(config: Config, data: Data) -> list[dict]:
    """One warm-up round, then ``config.repeats`` interleaved rounds.

    Returns one row per (repeat, batch size, implementation).
    """
    names = config.implementations
    for batch_size in config.batch_sizes:
        for name in names:
            warm_up = measure(name, config, data, batch_size, epochs=1, seed=config.seed)
            if name.startswith("skneural_"):
                print(
                    f"  warm-up {name} batch {batch_size}: first fit (1 epoch) "
                    f"{warm_up.fit:.2f} s, first predict {warm_up.predict:.3f} s",
                    flush=True,
                )
    rows = []
    for repeat in range(config.repeats):
        order = names[repeat % len(names) :] + names[: repeat % len(names)]
        for batch_size in config.batch_sizes:
            for name in order:
                timing = measure(
                    name, config, data, batch_size, config.epochs, config.seed + repeat
                )
                rows.append(
                    {
                        "repeat": repeat,
                        "batch_size": batch_size,
                        "implementation": name,
                        "fit_s": timing.fit,
                        "predict_s": timing.predict,
                        "accuracy": timing.accuracy,
                    }
                )
        print(f"  repeat {repeat + 1}/{config.repeats} done", flush=True)
    return rows


def summarize(config: Config, rows: list[dict]) -> list[dict]:
    """Median times per (batch size, implementation) and ratios to the reference.

    ``*_ratio`` divides the medians; ``*_paired`` is the median over repeats
    of each repeat's own ratio, which cancels load that drifts between repeats.
    """
    summary = []
    for batch_size in config.batch_sizes:
        cells = {
            name: [r for r in rows if (r["batch_size"], r["implementation"]) == (batch_size, name)]
            for name in config.implementations
        }
        reference = cells["reference"]
        for name, mine in cells.items():
            row = {"device": config.device, "batch_size": batch_size, "implementation": name}
            for kind in ("fit", "predict"):
                times = [r[f"{kind}_s"] for r in mine]
                ref_times = [r[f"{kind}_s"] for r in reference]
                row[f"{kind}_s"] = statistics.median(times)
                row[f"{kind}_ratio"] = row[f"{kind}_s"] / statistics.median(ref_times)
                row[f"{kind}_paired"] = statistics.median(
                    t / ref for t, ref in zip(times, ref_times, strict=True)
                )
            row["accuracy"] = statistics.median(r["accuracy"] for r in mine)
            row.update(
                n_train=config.n_train,
                n_predict=config.n_predict,
                n_features=config.n_features,
                n_classes=config.n_classes,
                epochs=config.epochs,
                threads=config.threads,
                repeats=config.repeats,
            )
            summary.append(row)
    return summary


def format_table(config: Config, summary: list[dict]) -> str:
    """The summary as text, with skneural's verdict against the targets."""
    lines = []
    header = (
        f"{'implementation':<22}{'fit s':>9}{'x ref':>8}{'paired':>8}"
        f"{'predict s':>11}{'x ref':>8}{'paired':>8}{'accuracy':>10}"
    )
    for batch_size in config.batch_sizes:
        rows = {r["implementation"]: r for r in summary if r["batch_size"] == batch_size}
        lines += ["", f"batch_size={batch_size}", header]
        for name, r in rows.items():
            lines.append(
                f"{name:<22}{r['fit_s']:>9.3f}{r['fit_ratio']:>7.2f}x{r['fit_paired']:>7.2f}x"
                f"{r['predict_s']:>11.4f}{r['predict_ratio']:>7.2f}x{r['predict_paired']:>7.2f}x"
                f"{r['accuracy']:>10.4f}"
            )
        verdicts = []
        for kind, limit in TARGETS.items():
            ratio = rows["skneural"][f"{kind}_ratio"]
            verdicts.append(
                f"{kind} {ratio:.2f}x <= {limit:.2f}x: {'yes' if ratio <= limit else 'NO'}"
            )
        lines.append("skneural target (ratio of medians): " + "; ".join(verdicts))
    return "\n".join(lines)


def write_csv(path: Path, rows: list[dict]) -> None:
    """Write ``rows`` (dicts with the same keys) to ``path``, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


# --------------------------------------------------------------------- cli
def parse_args(argv=None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--threads", type=int, default=1, help="torch (and BLAS) threads")
    parser.add_argument("--epochs", type=int, default=Config.epochs)
    parser.add_argument("--repeats", type=int, default=Config.repeats)
    parser.add_argument("--n-classes", type=int, default=Config.n_classes)
    parser.add_argument("--n-train", type=int, default=Config.n_train)
    parser.add_argument("--n-predict", type=int, default=Config.n_predict)
    parser.add_argument(
        "--batch-sizes",
        type=int,
        nargs="+",
        help=f"default {CPU_BATCH_SIZES} on cpu, {CUDA_BATCH_SIZES} on cuda",
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        choices=tuple(VARIANTS),
        default=(),
        help="also measure skneural with precision='bf16' and/or compile=True",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: few rows, 2 epochs, 1 repeat"
    )
    parser.add_argument(
        "--output", type=Path, help="summary CSV (default benchmarks/results/bench_speed_<device>)"
    )
    args = parser.parse_args(argv)
    if args.threads < 1 or args.epochs < 1 or args.repeats < 1:
        parser.error("--threads, --epochs and --repeats must be positive integers.")
    return args


def make_config(args: argparse.Namespace) -> Config:
    """The run's configuration from the options (``--quick`` shrinks it)."""
    default_sizes = CPU_BATCH_SIZES if args.device == "cpu" else CUDA_BATCH_SIZES
    config = Config(
        n_train=args.n_train,
        n_predict=args.n_predict,
        n_classes=args.n_classes,
        epochs=args.epochs,
        repeats=args.repeats,
        batch_sizes=tuple(args.batch_sizes or default_sizes),
        threads=args.threads,
        device=args.device,
        variants=tuple(args.variants),
    )
    if args.quick:
        config = replace(config, n_train=2_500, n_predict=2_000, epochs=2, repeats=1)
    return config


def main(argv=None) -> int:
    """Run the benchmark, print the table and write the CSV files; the exit status."""
    args = parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        print(
            "--device cuda was requested but CUDA is not available on this machine "
            f"(torch {torch.__version__}: torch.cuda.is_available() is False); nothing "
            "was measured. Run without --device for the CPU benchmark.",
            file=sys.stderr,
        )
        return 1
    config = make_config(args)
    torch.set_num_threads(config.threads)
    output = args.output or RESULTS_DIR / f"bench_speed_{config.device}.csv"

    device_name = torch.cuda.get_device_name() if config.device == "cuda" else "cpu"
    print(
        f"bench_speed: {config.n_train} train / {config.n_predict} predict rows x "
        f"{config.n_features} float32 features, {config.n_classes} classes, "
        f"MLP {config.hidden} ReLU, Adam lr={config.lr}, {config.epochs} epochs, "
        f"device {device_name}, {config.threads} thread(s), median of {config.repeats} "
        f"repeats after a warm-up\n"
        f"torch {torch.__version__}, skorch {skorch.__version__}, scikit-learn "
        f"{sklearn.__version__}, skneural {skneural.__version__} ({skneural.__file__})",
        flush=True,
    )
    data = make_data(config)
    with threadpool_limits(limits=config.threads):
        rows = run_benchmark(config, data)
    summary = summarize(config, rows)
    print(format_table(config, summary))
    write_csv(output, summary)
    write_csv(output.with_name(output.stem + "_raw.csv"), rows)
    print(f"\nwrote {output} and {output.with_name(output.stem + '_raw.csv')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
