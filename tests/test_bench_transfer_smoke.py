"""The transfer benchmark still runs end to end (its --quick path)."""

import re

from tests._scripts import run_script


def test_quick_run_reports_the_tables_and_the_targets():
    result = run_script("benchmarks/bench_transfer.py", "--quick")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "## digits 0-4 -> 5-9 (cnn)" in out
    score = r"0\.\d{4} ± 0\.\d{4}"
    assert re.search(
        rf"\| 5 \| {score} \| {score} \| {score} \| {score} \| {score} \| \d/\d \|", out
    )
    assert "fine-tune > from scratch at every label count" in out
    assert re.search(r"All targets met\.|Missed: ", out)
