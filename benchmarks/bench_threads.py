"""Fit time of one network with 1 thread against more (``n_threads``).

A synthetic regression table (``--rows`` x ``--features``, standard normal)
is fitted for a fixed number of epochs (no early stopping) by
``NeuralRegressor`` with each network of ``--hidden`` and each thread count
of ``--threads``; the thread counts alternate within every repeat so that
changes in machine load hit them alike. Reported per network and thread
count: median wall seconds of the fit, median CPU seconds of the process,
and the wall-time speed-up over 1 thread. The 1-minute load average before
and after is printed: on a machine where other processes hold the cores,
extra threads wait for each other and the speed-up says little about an
idle machine.

Run from the repository root::

    export PYTHONPATH=.
    python benchmarks/bench_threads.py                       # 1 vs 2 threads
    python benchmarks/bench_threads.py --threads 1 2 4 8 --hidden 128,128 512,512

Results go to ``benchmarks/results/bench_threads.csv`` unless ``--output``.
"""

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from skneural import NeuralRegressor

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def time_fit(X, y, hidden: tuple, n_threads: int, epochs: int) -> tuple[float, float]:
    """Wall and CPU seconds of one fit."""
    net = NeuralRegressor(
        hidden_layer_sizes=hidden,
        max_epochs=epochs,
        early_stopping=False,
        n_threads=n_threads,
        random_state=0,
    )
    started, cpu = time.perf_counter(), time.process_time()
    net.fit(X, y)
    return time.perf_counter() - started, time.process_time() - cpu


def parse_args(argv=None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument(
        "--hidden",
        nargs="+",
        default=["128,128", "256,256"],
        help="hidden layer widths, comma-separated, one network per argument",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", type=Path, help="CSV (default benchmarks/results/...)")
    args = parser.parse_args(argv)
    if min(args.threads) < 1 or args.rows < 100 or args.epochs < 1 or args.repeats < 1:
        parser.error("--threads, --epochs and --repeats must be positive, --rows at least 100.")
    args.hidden = [tuple(int(width) for width in text.split(",")) for text in args.hidden]
    return args


def main(argv=None) -> int:
    """Time every (network, thread count), print the table, write the CSV."""
    args = parse_args(argv)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.rows, args.features), dtype=np.float32)
    y = np.sin(X[:, :4].astype(np.float64)).sum(axis=1) + 0.1 * rng.standard_normal(args.rows)
    load_before = os.getloadavg()[0]
    print(
        f"bench_threads: {args.rows} x {args.features}, {args.epochs} epochs, threads "
        f"{args.threads}, {os.cpu_count()} cores, load average {load_before:.1f}",
        flush=True,
    )
    time_fit(X[:500], y[:500], args.hidden[0], 1, 1)  # one-off start-up costs, untimed
    rows = []
    for hidden in args.hidden:
        times = {n: [] for n in args.threads}
        for _ in range(args.repeats):
            for n_threads in args.threads:
                times[n_threads].append(time_fit(X, y, hidden, n_threads, args.epochs))
        one_thread = statistics.median(wall for wall, _ in times[args.threads[0]])
        for n_threads, measured in times.items():
            wall = statistics.median(w for w, _ in measured)
            rows.append(
                {
                    "hidden": "x".join(map(str, hidden)),
                    "threads": n_threads,
                    "fit_s": wall,
                    "fit_cpu_s": statistics.median(c for _, c in measured),
                    "speedup": one_thread / wall,
                }
            )
    print(f"\n{'hidden':<10}{'threads':>8}{'fit s':>9}{'cpu s':>9}{'speed-up':>10}")
    for r in rows:
        print(
            f"{r['hidden']:<10}{r['threads']:>8}{r['fit_s']:>9.2f}{r['fit_cpu_s']:>9.2f}"
            f"{r['speedup']:>9.2f}x"
        )
    print(f"\nload average before {load_before:.1f}, after {os.getloadavg()[0]:.1f}")
    output = args.output or RESULTS_DIR / "bench_threads.csv"
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
