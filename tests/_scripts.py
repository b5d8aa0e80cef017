"""Run the repository's scripts (benchmarks, examples) from tests, against this checkout."""

import ast
import csv
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_script(
    relative_path: str, *args: str, cwd: Path = ROOT, env: dict | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    """Run ``python <relative_path> <args>`` (from the repository root unless
    ``cwd`` says otherwise) with one thread and ``env`` added to the environment."""
    # The subprocess must import this checkout's skneural, not an installed copy.
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": pythonpath, **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / relative_path), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )


def read_csv(path: Path) -> list[dict]:
    """Rows of a CSV file written by a benchmark."""
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def imported_packages(source: str) -> set[str]:
    """Top-level packages that Python ``source`` imports, wherever the import statement is."""
    packages = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            packages.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            packages.add(node.module.split(".")[0])
    return packages
