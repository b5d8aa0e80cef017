"""Peak memory of fit and predict, in copies of the float32 data.

Each case runs in a fresh process: it makes the data (standard normal
``--rows`` x ``--features``, float32 or float64), runs a tiny warm-up fit
(so that torch's kernels and allocators are loaded), records the resident
memory, resets the kernel's peak counter (``/proc/self/clear_refs``), runs
the measured call and reads the peak (``VmHWM``). The printed number is
(peak - resident before the call) / (rows * features * 4 bytes): how many
float32 copies of the data the call held at its worst moment. The user's
own array is not counted (it exists before the call).

    OMP_NUM_THREADS=1 python benchmarks/bench_memory.py [--rows 1000000 --features 50]

``fit`` trains a default NeuralClassifier for ``--epochs`` epochs (memory
does not grow with epochs); ``predict`` calls ``predict_proba`` of a
classifier fitted on 2,000 rows. Linux only (reads ``/proc``). Measures the
``skneural`` on ``PYTHONPATH``, so the same command with another checkout's
path gives its numbers.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

CASES = [
    ("fit", "float32"),
    ("fit", "float64"),
    ("predict", "float32"),
    ("predict", "float64"),
]


def _memory_kb() -> dict:
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return {key: int(fields[key].split()[0]) for key in ("VmRSS", "VmHWM")}


def _measure(call: str, dtype: str, rows: int, features: int, epochs: int) -> dict:
    """Child process: one measured call; returns the peak above the baseline."""
    import warnings

    import numpy as np

    from skneural import NeuralClassifier

    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, features), dtype=np.float32)
    if dtype == "float64":
        X = X.astype(np.float64)
    y = (X[:, 0] > 0).astype(np.int64)
    warm_up = NeuralClassifier(max_epochs=epochs, random_state=0).fit(X[:2000], y[:2000])
    warm_up.predict_proba(X[:2000])
    before = _memory_kb()["VmRSS"]
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # reset the peak resident memory to the current one
    if call == "fit":
        NeuralClassifier(max_epochs=epochs, random_state=0).fit(X, y)
    else:
        warm_up.predict_proba(X)
    peak = _memory_kb()["VmHWM"]
    data_kb = rows * features * 4 / 1024
    return {"copies": (peak - before) / data_kb, "peak_mb": (peak - before) / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--child", nargs=2, metavar=("CALL", "DTYPE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = _measure(*args.child, args.rows, args.features, args.epochs)
        print(json.dumps(result))
        return 0
    import skneural

    size_mb = args.rows * args.features * 4 / 2**20
    print(f"skneural from {Path(skneural.__file__).parent}")
    print(f"{args.rows} x {args.features}: float32 data = {size_mb:.0f} MB")
    print(f"{'call':8s} {'input':8s} {'peak above baseline':>20s} {'copies':>7s}")
    for call, dtype in CASES:
        command = [sys.executable, __file__, "--child", call, dtype]
        command += ["--rows", str(args.rows), "--features", str(args.features)]
        command += ["--epochs", str(args.epochs)]
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, env=os.environ
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        print(f"{call:8s} {dtype:8s} {result['peak_mb']:17.0f} MB {result['copies']:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
