"""The ONNX benchmark still runs end to end (its --quick path)."""

import pytest

from tests._scripts import read_csv, run_script

pytest.importorskip("onnxruntime")  # the onnx extra
pytest.importorskip("skl2onnx")


def test_quick_run_times_both_runtimes_and_reports_parity(tmp_path):
    output = tmp_path / "onnx.csv"
    result = run_script("benchmarks/bench_onnx.py", "--quick", "--output", str(output))
    assert result.returncode == 0, result.stderr
    rows = {row["case"]: row for row in read_csv(output)}
    assert set(rows) == {"latency", "throughput"}
    assert rows["latency"]["rows"] == "1" and rows["throughput"]["rows"] == "2000"
    for row in rows.values():
        assert float(row["skneural_s"]) > 0 and float(row["onnxruntime_s"]) > 0
        assert float(row["same_labels"]) == 1.0
        assert float(row["max_proba_gap"]) <= 1e-5
    assert "parity on 2000 rows" in result.stdout
