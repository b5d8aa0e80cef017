"""The scaling benchmark still runs end to end (its --quick path, two models)."""

from tests._scripts import read_csv, run_script


def test_quick_run_measures_time_and_memory_per_case(tmp_path):
    output = tmp_path / "scaling.csv"
    result = run_script(
        "benchmarks/bench_scaling.py",
        *("--quick", "--models", "skneural_epochs", "hgb", "--dtypes", "float64"),
        *("--output", str(output)),
    )
    assert result.returncode == 0, result.stderr

    rows = read_csv(output)
    assert sorted((row["model"], int(row["rows"])) for row in rows) == [
        ("hgb", 2000),
        ("hgb", 8000),
        ("skneural_epochs", 2000),
        ("skneural_epochs", 8000),
    ]
    for row in rows:
        assert "error" not in row or not row["error"], row
        assert float(row["fit_s"]) > 0 and float(row["predict_s"]) > 0
        assert float(row["fit_peak_mb"]) >= float(row["data_rss_mb"]) > 0
        assert float(row["predict_peak_mb"]) >= float(row["predict_start_mb"]) > 0
        assert float(row["data_f32_mb"]) == int(row["rows"]) * 10 * 4 / 2**20
        if row["model"] == "skneural_epochs":
            assert row["epochs"] == "1" and float(row["us_per_epoch_row"]) > 0
    assert "time per epoch per training row" in result.stdout
    assert "float64: 2000:" in result.stdout
