"""The package's layering: imports go one way, private names stay home, and the
public names of each subpackage are those of the API reference."""

import ast
import graphlib
import importlib
import re
from collections import defaultdict
from pathlib import Path

import pytest

from skneural.model_selection import HyperoptSearchCV, OptunaSearchCV
from skneural.model_selection._trial_search import TrialSearchCV

PACKAGE = Path(__file__).resolve().parents[1] / "skneural"
API = PACKAGE.parent / "docs" / "api.rst"
# The one module allowed to hand out scikit-learn's private names.
SKLEARN_COMPAT = ("utils", "_sklearn_compat")


def _relative_imports():
    """``(importing subpackage, imported module path, names, where)`` for every
    relative import between modules of the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        package = list(parts[:-1])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[: len(package) - (node.level - 1)]
                target = tuple(base + (node.module.split(".") if node.module else []))
                names = [alias.name for alias in node.names]
                yield (package[0] if package else ""), target, names, f"{path}:{node.lineno}"


def test_subpackages_import_each_other_one_way():
    graph = defaultdict(set)
    for source, target, _, _ in _relative_imports():
        if source and target and target[0] != source and (PACKAGE / target[0]).is_dir():
            graph[source].add(target[0])
    # A cycle such as training -> callbacks -> training raises CycleError.
    order = list(graphlib.TopologicalSorter(graph).static_order())
    assert order.index("callbacks") < order.index("training")


def test_no_private_name_is_imported_from_another_subpackage():
    offenders = [
        f"{where}: {name} from {'.'.join(target)}"
        for source, target, names, where in _relative_imports()
        if target[:1] != (source,) and target[:2] != SKLEARN_COMPAT
        for name in names
        if name.startswith("_")
    ]
    assert offenders == []


def _documented_names() -> dict:
    """Module name to the names the API reference lists for it."""
    documented, module, listing = defaultdict(set), None, False
    for line in API.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"\.\. currentmodule:: (\S+)", line):
            module, listing = match[1], False
        elif line.startswith(".. autosummary::"):
            listing = True
        elif listing and (match := re.match(r"   (\w+)$", line)):
            documented[module].add(match[1])
        elif line and not line.startswith(" "):
            listing = False
    return documented


@pytest.mark.parametrize(
    "module",
    [
        "skneural",
        "skneural.augmentation",
        "skneural.callbacks",
        "skneural.data",
        "skneural.ensemble",
        "skneural.export",
        "skneural.model_selection",
        "skneural.nn",
        "skneural.preprocessing",
        "skneural.training",
    ],
)
def test_all_lists_exactly_the_documented_api(module):
    exported = {name for name in importlib.import_module(module).__all__ if name[:2] != "__"}
    assert exported == _documented_names().get(module, set())


@pytest.mark.parametrize("search", [OptunaSearchCV, HyperoptSearchCV])
def test_trial_searches_share_the_base_constraints(search):
    for name, constraints in TrialSearchCV._parameter_constraints.items():
        assert search._parameter_constraints[name] is constraints, name
