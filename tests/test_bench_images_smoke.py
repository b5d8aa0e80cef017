"""The image benchmark still runs end to end (its --quick path)."""

import re

from tests._scripts import run_script


def test_quick_run_reports_the_table_and_the_targets():
    result = run_script("benchmarks/bench_images.py", "--quick")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for model in ("cnn", "cnn \\+ augment", "resnet_cnn \\+ augment", "SVC \\(tuned\\)", "HGB"):
        assert re.search(
            rf"\| {model} \| 0\.\d{{4}} \| \d+\.\d \| 0\.\d{{4}} \| \d+\.\d \|", out
        ), out
    assert re.search(r"conv path / torch loop: \d+\.\d\dx \(target <= 1\.10\)", out), out
    assert re.search(r"augmentation overhead: [+-]\d+\.\d% of the fit \(target <= 25%\)", out), out
    assert "vs best of MLP/SVC/HGB" in out
