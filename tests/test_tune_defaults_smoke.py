"""The defaults study still runs end to end and its analysis reads its own output."""

from tests._scripts import read_csv, run_script


def test_tiny_study_ranks_candidates_and_reanalyses_its_csv(tmp_path):
    output = tmp_path / "study.csv"
    candidates = ["baseline", "narrow+patience20", "smooth0.1"]
    result = run_script(
        "benchmarks/tune_defaults.py",
        *("--candidates", *candidates, "--datasets", "wine", "diabetes"),
        *("--max-rows", "80", "--output", str(output)),
    )
    assert result.returncode == 0, result.stderr

    rows = read_csv(output)
    # 5 folds per dataset; label smoothing is a classifier-only candidate.
    cells = {(row["dataset"], row["candidate"]) for row in rows}
    assert cells == {(d, c) for d in ("wine", "diabetes") for c in candidates} - {
        ("diabetes", "smooth0.1")
    }
    assert len(rows) == 5 * len(cells)
    assert "Leave one dataset out" in result.stdout

    again = run_script("benchmarks/tune_defaults.py", "--analyze", str(output))
    assert again.returncode == 0, again.stderr
    summary = again.stdout[again.stdout.index("Per candidate") :]
    assert summary == result.stdout[result.stdout.index("Per candidate") :]
    baseline = next(line for line in summary.splitlines() if line.startswith("baseline "))
    assert "+0.00" in baseline and "0/0" in baseline


def test_unknown_candidate_names_the_valid_ones():
    result = run_script("benchmarks/tune_defaults.py", "--candidates", "baseline+huge")
    assert result.returncode == 2
    assert "unknown candidate(s) ['huge']" in result.stderr and "onehot32" in result.stderr
