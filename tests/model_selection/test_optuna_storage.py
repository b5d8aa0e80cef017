"""Two processes share one Optuna study through an SQLite storage."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

optuna = pytest.importorskip("optuna")
WORKER = Path(__file__).with_name("optuna_worker.py")
ROOT = Path(__file__).resolve().parents[2]


def test_two_processes_share_one_study(tmp_path):
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    # created once up front, as in production; the workers then join it
    optuna.create_study(storage=storage, study_name="shared", direction="maximize")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), storage, "shared", str(seed)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    for worker, (_, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr
    reports = [json.loads(stdout.strip().splitlines()[-1]) for stdout, _ in outputs]
    assert reports[0]["pid"] != reports[1]["pid"]
    mine = [set(report["trials"]) for report in reports]
    assert len(mine[0]) == len(mine[1]) == 3 and not mine[0] & mine[1]

    study = optuna.load_study(study_name="shared", storage=storage)
    assert sorted(t.number for t in study.trials) == sorted(mine[0] | mine[1]) == list(range(6))
    # every trial was finished and recorded; none is left running
    assert all(t.state.is_finished() for t in study.trials)
    assert study.best_trial.state == optuna.trial.TrialState.COMPLETE
