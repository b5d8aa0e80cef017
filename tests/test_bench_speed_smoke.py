"""The speed benchmark still runs end to end (its --quick CPU path)."""

import pytest
import torch

from tests._scripts import read_csv, run_script

pytest.importorskip("skorch")  # the benchmarks extra

IMPLEMENTATIONS = {"reference", "skneural", "skorch", "sklearn"}
BATCH_SIZES = {64, 256, 2048}


def test_quick_cpu_run_reports_every_implementation_and_batch_size(tmp_path):
    output = tmp_path / "speed.csv"
    result = run_script("benchmarks/bench_speed.py", "--quick", "--output", str(output))
    assert result.returncode == 0, result.stderr

    summary = read_csv(output)
    cells = {(int(row["batch_size"]), row["implementation"]) for row in summary}
    assert cells == {(b, name) for b in BATCH_SIZES for name in IMPLEMENTATIONS}
    for row in summary:
        assert float(row["fit_s"]) > 0 and float(row["predict_s"]) > 0
        assert 0 <= float(row["accuracy"]) <= 1
        if row["implementation"] == "reference":
            assert float(row["fit_ratio"]) == pytest.approx(1.0)
            assert float(row["predict_ratio"]) == pytest.approx(1.0)

    raw = read_csv(tmp_path / "speed_raw.csv")
    assert len(raw) == len(summary)  # --quick measures one repeat
    assert result.stdout.count("skneural target (ratio of medians): fit") == len(BATCH_SIZES)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_request_without_cuda_fails_with_a_message(tmp_path):
    output = tmp_path / "speed.csv"
    result = run_script(
        "benchmarks/bench_speed.py", "--quick", "--device", "cuda", "--output", str(output)
    )
    assert result.returncode == 1
    assert "CUDA" in result.stderr and "not available" in result.stderr
    assert not output.exists()


def test_bf16_variant_is_measured_against_the_same_reference(tmp_path):
    output = tmp_path / "speed.csv"
    result = run_script(
        "benchmarks/bench_speed.py",
        "--quick",
        "--batch-sizes",
        "256",
        "--variants",
        "bf16",
        "--output",
        str(output),
    )
    assert result.returncode == 0, result.stderr
    implementations = [row["implementation"] for row in read_csv(output)]
    assert implementations == ["reference", "skneural", "skorch", "sklearn", "skneural_bf16"]
    assert "warm-up skneural_bf16 batch 256: first fit" in result.stdout
