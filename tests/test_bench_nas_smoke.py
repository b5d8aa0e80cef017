"""The architecture-search benchmark still runs end to end (its --quick path)."""

import math

from tests._scripts import read_csv, run_script

METHODS = {"default", "sklearn_random", "tpe", "random", "evolution", "reinforce"}


def test_quick_run_compares_every_method_at_equal_budget(tmp_path):
    output = tmp_path / "nas.csv"
    result = run_script("benchmarks/bench_nas.py", "--quick", "--output", str(output))
    assert result.returncode == 0, result.stderr

    rows = read_csv(output)
    assert {(row["dataset"], row["method"]) for row in rows} == {
        (dataset, method) for dataset in ("wine", "diabetes") for method in METHODS
    }
    for row in rows:
        assert float(row["wall_s"]) >= 0 and math.isfinite(float(row["best"]))
        assert int(row["n_proposals"]) == (1 if row["method"] == "default" else 4)
        if row["dataset"] == "wine":
            assert 0 <= float(row["best"]) <= 1
        else:
            assert float(row["best"]) > 0  # RMSE, reported positive

    proposals = read_csv(tmp_path / "nas_proposals.csv")
    assert len(proposals) == 2 * (1 + 5 * 4)
    assert (tmp_path / "nas_rewards.png").stat().st_size > 0  # named after --output
    assert "subsampled 120 of 442 rows" in result.stdout
    assert "reinforce vs random at equal budget:" in result.stdout
