"""The quality benchmark still runs end to end (its --quick path on two small tables)."""

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_quality.py"
MODELS = {"skneural", "sklearn_mlp", "hgb", "lightgbm", "skorch"}


def _run_benchmark(*args):
    # The subprocess must import this checkout's skneural, not an installed copy.
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": pythonpath}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


def _read_csv(path):
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_quick_run_scores_every_model_on_each_dataset_with_verdicts(tmp_path):
    output = tmp_path / "quality.csv"
    result = _run_benchmark("--quick", "--datasets", "wine", "diabetes", "--output", str(output))
    assert result.returncode == 0, result.stderr

    summary = _read_csv(output)
    assert {(row["dataset"], row["model"]) for row in summary} == {
        (dataset, model) for dataset in ("wine", "diabetes") for model in MODELS
    }
    for row in summary:
        assert row["n_folds"] == "2" and int(row["n_rows"]) <= 400
        assert float(row["fit_s"]) > 0 and float(row["predict_s"]) > 0
        if row["dataset"] == "wine":
            assert 0 <= float(row["accuracy"]) <= 1 and float(row["log_loss"]) > 0
        else:
            assert 0 < float(row["rmse"]) < 1_000
        if row["model"] == "hgb":
            assert math.isclose(float(row["fit_x_hgb"]), 1.0)

    raw = _read_csv(tmp_path / "quality_raw.csv")
    assert len(raw) == 2 * len(MODELS) * 2  # datasets x models x folds
    for verdict in ("1. skneural beats", "2. within 1 accuracy point", "3. fit time at most"):
        assert verdict in result.stdout
