"""Fit time inside Dask workers, with and without Dask's ``MALLOC_TRIM_THRESHOLD_``.

Dask's nannies start their workers with ``MALLOC_TRIM_THRESHOLD_=65536``
(``distributed.nanny.pre-spawn-environ``). Setting that variable turns off
glibc's adaptive thresholds, so every tensor above 128 KiB is mapped and
unmapped again at each training step. This script fits the same
``NeuralRegressor`` (a synthetic ``--rows`` x 6 table, ``--epochs`` epochs
without early stopping) in this process and in a one-worker ``LocalCluster``
started with Dask's default environment and without the variable, and prints
the CPU seconds of each fit (measured inside the process that fits) and their
ratio to the fit in this process.

Run from the repository root::

    export PYTHONPATH=.
    python benchmarks/bench_dask_workers.py
"""

import argparse
import os
import statistics
import time

import dask
import distributed
import numpy as np

from skneural import NeuralRegressor
from skneural.model_selection._dask import _malloc_trim_threshold

FULL_SPEED = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


def fit_cpu_seconds(n_rows: int, epochs: int) -> float:
    """CPU seconds of one fit in the calling process (after a warm-up fit)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_rows, 6)).astype(np.float32)
    y = X[:, 0] * X[:, 1] + rng.normal(size=n_rows)
    NeuralRegressor(max_epochs=1, random_state=0).fit(X[:2000], y[:2000])
    started = time.process_time()
    NeuralRegressor(max_epochs=epochs, early_stopping=False, random_state=0).fit(X, y)
    return time.process_time() - started


def in_a_worker(config: dict, n_rows: int, epochs: int, repeats: int) -> tuple:
    """The worker's ``MALLOC_TRIM_THRESHOLD_`` and the CPU seconds of its fits.

    The nanny also writes its worker environment into this process's
    ``os.environ`` (where later workers would inherit it): restored after.
    """
    environment = dict(os.environ)
    try:
        with dask.config.set(config):
            cluster = distributed.LocalCluster(
                n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
        with cluster, distributed.Client(cluster) as client:
            (setting,) = client.run(_malloc_trim_threshold).values()
            seconds = [
                client.submit(fit_cpu_seconds, n_rows, epochs, pure=False).result()
                for _ in range(repeats)
            ]
    finally:
        os.environ.clear()
        os.environ.update(environment)
    return setting, seconds


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    local = [fit_cpu_seconds(args.rows, args.epochs) for _ in range(args.repeats)]
    reference = statistics.median(local)
    print(f"{args.rows} rows x 6, {args.epochs} epochs; median of {args.repeats} fits")
    print(f"{'where':<58} {'CPU s':>8} {'x here':>8}")
    print(f"{'this process':<58} {reference:8.2f} {1.0:8.2f}")
    for name, config in [("worker, Dask's defaults", {}), ("worker, without it", FULL_SPEED)]:
        setting, seconds = in_a_worker(config, args.rows, args.epochs, args.repeats)
        label = f"{name} (MALLOC_TRIM_THRESHOLD_={setting})"
        median = statistics.median(seconds)
        print(f"{label:<58} {median:8.2f} {median / reference:8.2f}")


if __name__ == "__main__":
    main()
