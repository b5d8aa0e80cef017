"""Every script in examples/ runs, in its fast mode: the same code on tiny data and few epochs.

Each example reads ``SKNEURAL_EXAMPLE_FAST=1`` and then shrinks only the
data, the epochs, the folds or the trials, so every code path it shows runs
here. An example whose imports are not installed (an optional extra) is
skipped; CI installs them all (``pip install -e ".[test]"``).
"""

import ast
import re
from pathlib import Path

import pytest

from tests._scripts import ROOT, imported_packages, run_script

EXAMPLES = sorted(path.name for path in (ROOT / "examples").glob("*.py"))
FAST = {"SKNEURAL_EXAMPLE_FAST": "1"}


def _run_fast(name: str, cwd: Path):
    source = (ROOT / "examples" / name).read_text(encoding="utf-8")
    for package in sorted(imported_packages(source)):
        pytest.importorskip(package)
    return run_script(f"examples/{name}", cwd=cwd, env=FAST, timeout=600)


def _check_optuna_numbering(stdout: str):
    # The table numbers the candidates as the log above it does.
    lines = stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["candidate", "state"])
    rows = [line.split() for line in lines[header + 1 :]]
    rows = rows[: next(i for i, row in enumerate(rows) if not row)]
    assert rows
    for number, state, _, score, _ in rows:
        logged = [line for line in lines if f"candidate {number}/" in line]
        assert len(logged) == 1, f"candidate {number} of the table is not in the log"
        (line,) = logged
        assert f": {state.lower()}" in line
        if state == "COMPLETE":
            assert f"score {float(score):.4f}" in line


# Checks of an example's output beyond its running.
OUTPUT_CHECKS = {"tune_with_optuna.py": _check_optuna_numbering}


def test_there_are_examples():
    assert "quickstart.py" in EXAMPLES and len(EXAMPLES) >= 9


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs(name, tmp_path):
    result = _run_fast(name, tmp_path)  # examples that save files write them here
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "the example printed nothing"
    if name in OUTPUT_CHECKS:
        OUTPUT_CHECKS[name](result.stdout)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_states_its_run_time(name):
    docstring = ast.get_docstring(ast.parse((ROOT / "examples" / name).read_text("utf-8")))
    assert docstring and re.search(r"[Rr]un time: about \d+ (s|min)\b", docstring), (
        f"examples/{name} must state its measured run time ('Run time: about N s' or "
        "'... N min') in its docstring"
    )


def test_checkpoint_example_resumes_when_run_again(tmp_path):
    first = _run_fast("checkpoint_resume.py", tmp_path)
    second = _run_fast("checkpoint_resume.py", tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "resumed from" not in first.stdout
    assert "resumed from" in second.stdout
    # the resumed run ends with the model the first run produced
    assert first.stdout.splitlines()[-2] == second.stdout.splitlines()[-2]
