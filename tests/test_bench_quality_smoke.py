"""The quality benchmark still runs end to end (its --quick path on two small tables)."""

import math

import pytest

from tests._scripts import read_csv, run_script

for _reference in ("lightgbm", "skorch"):  # the benchmarks extra
    pytest.importorskip(_reference)

MODELS = {"skneural", "sklearn_mlp", "hgb", "lightgbm", "skorch"}


def test_quick_run_scores_every_model_on_each_dataset_with_verdicts(tmp_path):
    output = tmp_path / "quality.csv"
    result = run_script(
        "benchmarks/bench_quality.py",
        "--quick",
        "--datasets",
        "wine",
        "diabetes",
        "--output",
        str(output),
    )
    assert result.returncode == 0, result.stderr

    summary = read_csv(output)
    assert {(row["dataset"], row["model"]) for row in summary} == {
        (dataset, model) for dataset in ("wine", "diabetes") for model in MODELS
    }
    for row in summary:
        assert row["n_folds"] == "2" and int(row["n_rows"]) <= 400
        assert float(row["fit_s"]) > 0 and float(row["predict_s"]) > 0
        if row["dataset"] == "wine":
            assert 0 <= float(row["accuracy"]) <= 1 and float(row["log_loss"]) > 0
        else:
            assert 0 < float(row["rmse"]) < 1_000
        if row["model"] == "hgb":
            assert math.isclose(float(row["fit_x_hgb"]), 1.0)

    raw = read_csv(tmp_path / "quality_raw.csv")
    assert len(raw) == 2 * len(MODELS) * 2  # datasets x models x folds
    for verdict in ("1. skneural beats", "2. within 1 accuracy point", "3. fit time at most"):
        assert verdict in result.stdout


def test_several_model_seeds_per_fold(tmp_path):
    output = tmp_path / "seeds.csv"
    result = run_script(
        "benchmarks/bench_quality.py",
        "--quick",
        "--datasets",
        "diabetes",
        "--models",
        "skneural",
        "hgb",
        "--seeds",
        "2",
        "--output",
        str(output),
    )
    assert result.returncode == 0, result.stderr
    assert "2 folds x 2 model seeds" in result.stdout
    raw = read_csv(tmp_path / "seeds_raw.csv")
    assert sorted((row["fold"], row["repeat"]) for row in raw if row["model"] == "hgb") == [
        ("0", "0"),
        ("0", "1"),
        ("1", "0"),
        ("1", "1"),
    ]
    skneural = [float(row["rmse"]) for row in raw if row["model"] == "skneural"]
    assert len(set(skneural)) == 4  # another seed, another network


def test_old_defaults_model_matches_the_new_on_small_tables_and_gets_its_verdict(tmp_path):
    # Below ~11,600 training rows the "auto" rules give the old values, so the
    # old defaults, spelled out, must train the very same networks.
    output = tmp_path / "old.csv"
    result = run_script(
        "benchmarks/bench_quality.py",
        *("--quick", "--datasets", "Vocab", "--models", "skneural", "skneural_old", "hgb"),
        *("--output", str(output)),
    )
    assert result.returncode == 0, result.stderr
    assert "Old against new defaults, fit by fit:\n| table | metric | old | new |" in result.stdout
    raw = read_csv(tmp_path / "old_raw.csv")
    by_model = {
        model: [row["rmse"] for row in raw if row["model"] == model]
        for model in ("skneural", "skneural_old")
    }
    assert len(by_model["skneural"]) == 2 and by_model["skneural"] == by_model["skneural_old"]
    assert "4. fit time at most 10x HGB's on every dataset (old -> new)" in result.stdout
