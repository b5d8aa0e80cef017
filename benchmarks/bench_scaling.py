"""How fit and predict time and peak memory grow with the number of rows.

A synthetic regression table (``--features`` standard-normal columns, a
smooth non-linear target plus noise) of 10k, 100k and 1M rows (3M with
``--rows``, when the machine has the memory), given as float32 or float64,
is fitted by

``skneural_epochs``
    ``NeuralRegressor`` with a fixed number of epochs (``--epochs``, no early
    stopping): the time per epoch per training row shows whether the cost is
    linear in the rows.
``skneural``
    ``NeuralRegressor`` with its defaults (early stopping and all).
``hgb``, ``lightgbm``
    ``HistGradientBoostingRegressor`` and ``LGBMRegressor`` defaults on one
    thread, the references.

Every case runs in a fresh Python process, so memory peaks do not mix; in
it the data is made, then the fit and the predict (on all rows) are timed
and their peak resident memory is read from ``/proc/self/status``
(``VmHWM``, reset between the two phases). Memory is reported as the peak
*above* the process's resident memory once the data exists, in multiples
of the float32 data size (``rows x features x 4`` bytes): the data the
caller holds is not counted, what the estimator copies or allocates is.

Times are wall and CPU seconds (one thread: CPU time is the steadier
measure on a shared machine; ratios to HGB use it). Targets, for
skneural: CPU time per epoch linear in the rows (within 15%
from 100k rows up); fit memory at most the float32 copy of the data plus a
small constant factor; predict memory bounded by the chunk size (not
growing with the rows beyond the output).

Run from the repository root (one thread, as every benchmark here)::

    export PYTHONPATH=. OMP_NUM_THREADS=1
    python benchmarks/bench_scaling.py                   # 10k, 100k, 1M rows
    python benchmarks/bench_scaling.py --rows 10000 100000 1000000 3000000
    python benchmarks/bench_scaling.py --quick            # smoke run, seconds

Results go to ``benchmarks/results/bench_scaling.csv`` unless ``--output``.
"""

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

RESULTS_DIR = Path(__file__).resolve().parent / "results"
MODELS = ("skneural_epochs", "skneural", "hgb", "lightgbm")
DEFAULT_ROWS = (10_000, 100_000, 1_000_000)
QUICK_ROWS, QUICK_FEATURES = (2_000, 8_000), 10
MB = 2**20


# ------------------------------------------------------------------- child
def make_data(n_rows: int, n_features: int, dtype: str, seed: int = 0):
    """Standard-normal ``X`` made directly in ``dtype`` (no float64 detour for
    float32) and a float64 target: a smooth function of a few columns plus noise."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_rows, n_features), dtype=np.dtype(dtype))
    k = min(n_features, 8)
    signal = np.sin(X[:, :k].astype(np.float64)) @ np.linspace(1.0, 0.2, k)
    if n_features > 1:
        signal += 0.5 * X[:, 0].astype(np.float64) * X[:, 1]
    return X, signal + 0.3 * rng.standard_normal(n_rows)


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> bool:
    """Reset the peak resident memory (VmHWM) to the current one (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def make_model(name: str, epochs: int, seed: int):
    """The estimator of case ``name``, single-threaded."""
    if name.startswith("skneural"):
        from skneural import NeuralRegressor

        if name == "skneural_epochs":
            return NeuralRegressor(max_epochs=epochs, early_stopping=False, random_state=seed)
        return NeuralRegressor(random_state=seed)
    if name == "hgb":
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(random_state=seed)
    if name == "lightgbm":
        import lightgbm

        return lightgbm.LGBMRegressor(n_jobs=1, verbose=-1, random_state=seed)
    raise ValueError(f"unknown model {name!r}")


def run_case(spec: dict) -> dict:
    """Make the data, fit and predict once; times and peak memory (MB)."""
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    # One small fit first, untimed: one-off costs of a fresh process (lazy
    # imports, torch's first optimizer step) stay out of the times and peaks.
    warm_up = make_model(spec["model"], 1, spec["seed"])
    if spec["model"] == "skneural":
        warm_up.set_params(max_epochs=1)
    warm_up.fit(*make_data(200, spec["features"], spec["dtype"], spec["seed"]))
    model = make_model(spec["model"], spec["epochs"], spec["seed"])
    X, y = make_data(spec["rows"], spec["features"], spec["dtype"], spec["seed"])
    data_rss = _status_mb("VmRSS")
    resettable = _reset_peak()
    with threadpool_limits(limits=1):
        started, cpu = time.perf_counter(), time.process_time()
        model.fit(X, y)
        fit_s, fit_cpu_s = time.perf_counter() - started, time.process_time() - cpu
        fit_peak = _status_mb("VmHWM")
        predict_rss = _status_mb("VmRSS")
        _reset_peak()
        started = time.perf_counter()
        prediction = model.predict(X)
        predict_s = time.perf_counter() - started
        predict_peak = _status_mb("VmHWM")
    rmse = float(np.sqrt(np.mean((np.asarray(prediction, dtype=np.float64) - y) ** 2)))
    return {
        "fit_s": fit_s,
        "fit_cpu_s": fit_cpu_s,
        "predict_s": predict_s,
        "data_rss_mb": data_rss,
        "fit_peak_mb": fit_peak,
        "predict_start_mb": predict_rss,
        "predict_peak_mb": predict_peak,
        "peak_reset": resettable,
        "epochs": getattr(model, "n_iter_", None),
        "train_rmse": rmse,
    }


# ------------------------------------------------------------------ parent
def run_in_subprocess(spec: dict, timeout: float) -> dict:
    """``run_case(spec)`` in a fresh interpreter; ``{"error": ...}`` on failure."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def derived(row: dict) -> dict:
    """Ratios of a finished case: time per epoch per training row, memory as
    multiples of the float32 data size."""
    data_mb = row["rows"] * row["features"] * 4 / MB
    out = {"data_f32_mb": data_mb}
    if "fit_s" not in row:
        return out
    out["fit_extra_x_data"] = (row["fit_peak_mb"] - row["data_rss_mb"]) / data_mb
    out["predict_extra_x_data"] = (row["predict_peak_mb"] - row["predict_start_mb"]) / data_mb
    out["predict_extra_mb"] = row["predict_peak_mb"] - row["predict_start_mb"]
    if row["model"].startswith("skneural") and row.get("epochs"):
        n_train = row["rows"] * (1 - row["validation_fraction"])
        # CPU time of the (single-threaded) process: on a shared machine the
        # wall time also counts the time other processes held the core.
        out["us_per_epoch_row"] = 1e6 * row["fit_cpu_s"] / (row["epochs"] * n_train)
    return out


def format_table(rows: list[dict]) -> str:
    """One line per case, then the linearity of time per epoch per row."""
    lines = [
        f"{'model':<16}{'dtype':<8}{'rows':>9}{'fit s':>9}{'cpu s':>9}{'x hgb':>7}{'epochs':>7}"
        f"{'us/ep/row':>10}{'predict s':>10}{'fit +MB':>9}{'x data':>8}{'pred +MB':>9}{'x data':>8}"
    ]
    hgb = {(r["dtype"], r["rows"]): r.get("fit_cpu_s") for r in rows if r["model"] == "hgb"}
    for r in rows:
        if "error" in r:
            lines.append(f"{r['model']:<16}{r['dtype']:<8}{r['rows']:>9}  {r['error']}")
            continue
        ref = hgb.get((r["dtype"], r["rows"]))
        ratio = f"{r['fit_cpu_s'] / ref:>7.1f}" if ref else f"{'-':>7}"
        per_row = r.get("us_per_epoch_row")
        lines.append(
            f"{r['model']:<16}{r['dtype']:<8}{r['rows']:>9}{r['fit_s']:>9.2f}{r['fit_cpu_s']:>9.2f}"
            f"{ratio}"
            f"{r['epochs'] if r['epochs'] is not None else '-':>7}"
            + (f"{per_row:>10.3f}" if per_row else f"{'-':>10}")
            + f"{r['predict_s']:>10.3f}"
            f"{r['fit_peak_mb'] - r['data_rss_mb']:>9.0f}{r['fit_extra_x_data']:>8.2f}"
            f"{r['predict_extra_mb']:>9.0f}{r['predict_extra_x_data']:>8.2f}"
        )
    lines.append(
        "\nCPU time per epoch per training row, relative to the largest table (1.00 = linear)"
    )
    for dtype in dict.fromkeys(r["dtype"] for r in rows):
        cases = [
            r
            for r in rows
            if r["dtype"] == dtype and r["model"] == "skneural_epochs" and "us_per_epoch_row" in r
        ]
        if cases:
            largest = max(cases, key=lambda r: r["rows"])["us_per_epoch_row"]
            ratios = ", ".join(f"{r['rows']}: {r['us_per_epoch_row'] / largest:.2f}" for r in cases)
            lines.append(f"  {dtype}: {ratios}")
    return "\n".join(lines)


def write_csv(path: Path, rows: list[dict]) -> None:
    """Write ``rows`` to ``path`` (the union of their keys as columns)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def available_mb() -> float:
    """MemAvailable of this machine."""
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return float("inf")


def parse_args(argv=None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", nargs="+", type=int, default=list(DEFAULT_ROWS))
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--dtypes", nargs="+", choices=["float32", "float64"], default=None)
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--epochs", type=int, default=2, help="epochs of skneural_epochs")
    parser.add_argument(
        "--defaults-max-rows",
        type=int,
        default=None,
        help="fit the default skneural only up to this many rows (it may train long)",
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per case")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny tables")
    parser.add_argument("--output", type=Path, help="CSV (default benchmarks/results/...)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.features, args.epochs = list(QUICK_ROWS), QUICK_FEATURES, 1
    args.dtypes = args.dtypes or ["float32", "float64"]
    if min(args.rows) < 100 or args.features < 1 or args.epochs < 1:
        parser.error("--rows must be at least 100, --features and --epochs at least 1.")
    return args


def main(argv=None) -> int:
    """Run every case in its own process, print the table, write the CSV."""
    args = parse_args(argv)
    if args.child:
        print(json.dumps(run_case(json.loads(args.child))))
        return 0
    from skneural import NeuralRegressor

    validation_fraction = NeuralRegressor().validation_fraction
    output = args.output or RESULTS_DIR / "bench_scaling.csv"
    print(
        f"bench_scaling: {args.rows} rows x {args.features} features, {args.dtypes}, "
        f"models {args.models}, 1 thread, each case in a fresh process",
        flush=True,
    )
    rows = []
    for n_rows in args.rows:
        # A float64 copy of the table, several float32 ones and the models' own.
        needed = n_rows * args.features * 8 * 6 / MB
        if needed > available_mb():
            print(f"skipping {n_rows} rows: needs about {needed:.0f} MB", flush=True)
            continue
        for dtype in args.dtypes:
            for model in args.models:
                if model == "skneural" and n_rows > (args.defaults_max_rows or n_rows):
                    continue
                spec = {
                    "model": model,
                    "rows": n_rows,
                    "features": args.features,
                    "dtype": dtype,
                    "epochs": args.epochs,
                    "seed": args.seed,
                }
                row = {**spec, "validation_fraction": validation_fraction}
                row.update(run_in_subprocess(spec, args.timeout))
                row.update(derived(row))
                rows.append(row)
                state = row.get("error") or f"fit {row['fit_s']:.2f} s"
                print(f"  {model} {dtype} {n_rows}: {state}", flush=True)
    print("\n" + format_table(rows))
    fixed_epochs = [r for r in rows if r["model"] == "skneural_epochs" and "fit_s" in r]
    for dtype in dict.fromkeys(r["dtype"] for r in fixed_epochs):
        largest = max((r for r in fixed_epochs if r["dtype"] == dtype), key=lambda r: r["rows"])
        print(
            f"\nskneural fit memory above the data, {dtype}, {largest['rows']} rows: "
            f"{largest['fit_extra_x_data']:.2f}x the float32 data "
            "(smaller tables add a fixed cost)"
        )
    write_csv(output, rows)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
