"""The defaults study still runs end to end and its analysis reads its own output."""

import csv
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "tune_defaults.py"


def _run_study(*args):
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


def test_tiny_study_ranks_candidates_and_reanalyses_its_csv(tmp_path):
    output = tmp_path / "study.csv"
    candidates = ["baseline", "narrow+patience20", "smooth0.1"]
    result = _run_study(
        "--candidates", *candidates, "--datasets", "wine", "diabetes",
        "--max-rows", "80", "--output", str(output),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    with output.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    # 5 folds per dataset; label smoothing is a classifier-only candidate.
    cells = {(row["dataset"], row["candidate"]) for row in rows}
    assert cells == {(d, c) for d in ("wine", "diabetes") for c in candidates} - {
        ("diabetes", "smooth0.1")
    }
    assert len(rows) == 5 * len(cells)
    assert "Leave one dataset out" in result.stdout

    again = _run_study("--analyze", str(output))
    assert again.returncode == 0, again.stderr
    summary = again.stdout[again.stdout.index("Per candidate") :]
    assert summary == result.stdout[result.stdout.index("Per candidate") :]
    baseline = next(line for line in summary.splitlines() if line.startswith("baseline "))
    assert "+0.00" in baseline and "0/0" in baseline


def test_unknown_candidate_names_the_valid_ones():
    result = _run_study("--candidates", "baseline+huge")
    assert result.returncode == 2
    assert "unknown candidate(s) ['huge']" in result.stderr and "onehot32" in result.stderr
