"""Prediction speed of an exported model: onnxruntime against skneural's ``predict``.

A fitted ``Pipeline(StandardScaler(), NeuralClassifier())`` (the default
MLP, 128 x 128, on a synthetic 3-class table of ``--features`` columns) is
exported with :func:`skneural.export.to_onnx` and both are timed on the same
machine with the same thread count (``--threads``, default 1: torch's
``n_threads`` and onnxruntime's intra- and inter-op threads):

``latency``
    One row per call, the median over ``--calls`` calls (``predict_proba``
    for skneural, ``session.run`` for onnxruntime, both returning labels or
    probabilities for the row).
``throughput``
    ``--rows`` rows (default 100,000) in one call, rows per second, the
    median of ``--repeats`` calls.

It also reports the parity on those rows: the share of identical labels and
the largest probability difference. The ratio column is skneural's time
divided by onnxruntime's (above 1: onnxruntime is faster).

Run from the repository root, after ``pip install -e ".[onnx]"``::

    export PYTHONPATH=. OMP_NUM_THREADS=1
    python benchmarks/bench_onnx.py            # 100k rows, about a minute
    python benchmarks/bench_onnx.py --quick    # smoke run, seconds

Results go to ``benchmarks/results/bench_onnx.csv`` unless ``--output``.
"""

import argparse
import csv
import statistics
import time
from pathlib import Path

import numpy as np

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def make_data(n_rows: int, n_features: int, seed: int = 0):
    """A 3-class table: labels from a random linear map of normal features."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, n_features))
    scores = X @ rng.normal(size=(n_features, 3))
    return X, scores.argmax(axis=1)


def fitted_model(X, y, threads: int):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skneural import NeuralClassifier

    net = NeuralClassifier(max_epochs=3, early_stopping=False, n_threads=threads, random_state=0)
    return make_pipeline(StandardScaler(), net).fit(X, y)


def median_seconds(call, repeats: int) -> float:
    """Median wall time of ``call()`` over ``repeats`` runs, after one warm-up."""
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the throughput call")
    parser.add_argument("--features", type=int, default=32)
    parser.add_argument("--calls", type=int, default=300, help="one-row calls for the latency")
    parser.add_argument("--repeats", type=int, default=5, help="throughput calls")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="2,000 rows, few calls")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "bench_onnx.csv")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.calls, args.repeats = 2_000, 20, 2

    import onnxruntime as ort

    from skneural.export import onnx_inputs, to_onnx

    X_train, y_train = make_data(5_000, args.features)
    model = fitted_model(X_train, y_train, args.threads)
    start = time.perf_counter()
    onnx_model = to_onnx(model, X_train[:100])
    export_s = time.perf_counter() - start
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = args.threads
    session = ort.InferenceSession(
        onnx_model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )

    X, _ = make_data(args.rows, args.features, seed=1)
    row = X[:1]
    row_feed, feed = onnx_inputs(row), onnx_inputs(X)
    results = []
    for case, repeats, skneural_call, onnx_call, n_rows in (
        (
            "latency",
            args.calls,
            lambda: model.predict_proba(row),
            lambda: session.run(None, row_feed),
            1,
        ),
        (
            "throughput",
            args.repeats,
            lambda: model.predict_proba(X),
            lambda: session.run(None, feed),
            len(X),
        ),
    ):
        skneural_s = median_seconds(skneural_call, repeats)
        onnx_s = median_seconds(onnx_call, repeats)
        results.append(
            {
                "case": case,
                "rows": n_rows,
                "threads": args.threads,
                "skneural_s": f"{skneural_s:.6g}",
                "onnxruntime_s": f"{onnx_s:.6g}",
                "skneural_rows_per_s": f"{n_rows / skneural_s:.6g}",
                "onnxruntime_rows_per_s": f"{n_rows / onnx_s:.6g}",
                "ratio": f"{skneural_s / onnx_s:.3f}",
            }
        )

    labels, probabilities = session.run(None, feed)
    same_labels = float(np.mean(labels == model.predict(X)))
    max_gap = float(np.abs(probabilities - model.predict_proba(X)).max())
    for result in results:
        result.update({"same_labels": f"{same_labels:.6f}", "max_proba_gap": f"{max_gap:.3g}"})

    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(results[0]))
        writer.writeheader()
        writer.writerows(results)

    print(f"export (to_onnx with verification): {export_s:.2f} s")
    print(
        f"parity on {len(X)} rows: labels identical {same_labels:.2%}, "
        f"largest probability gap {max_gap:.2g}"
    )
    print(f"{'case':<11} {'rows':>7} {'skneural':>12} {'onnxruntime':>12} {'ratio':>7}")
    for r in results:
        print(
            f"{r['case']:<11} {r['rows']:>7} {float(r['skneural_s']) * 1e3:>10.3f}ms "
            f"{float(r['onnxruntime_s']) * 1e3:>10.3f}ms {float(r['ratio']):>6.2f}x"
        )
    print(f"results: {args.output}")


if __name__ == "__main__":
    main()
