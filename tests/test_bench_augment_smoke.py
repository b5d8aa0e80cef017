"""The augmentation benchmark still runs end to end (its --quick CPU path)."""

import re

import pytest
import torch

from tests._scripts import run_script


def test_quick_cpu_run_reports_both_tables():
    result = run_script("benchmarks/bench_augment.py", "--quick")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    number = r"\d+\.\d+"
    for size in ("8x8", "28x28"):
        row = rf"{size}\s+\d+" + rf"\s+{number}%?" * 7
        assert re.search(row, out), out
        for module in ("cnn", "resnet_cnn"):
            assert re.search(rf"{size}\s+{module}" + rf"\s+{number}" * 3, out), out
    assert "target: the default augmentation <= 25% of the epoch" in out


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_request_without_cuda_fails_with_a_message():
    result = run_script("benchmarks/bench_augment.py", "--quick", "--device", "cuda")
    assert result.returncode == 1
    assert "CUDA" in result.stderr and "not available" in result.stderr
