"""The documentation's examples run and show what the package really does.

The guide pages are written as doctests (``>>>`` blocks), so this file runs
them as such: every statement executes in page order in one namespace, and
every shown output is compared (``...`` stands for output that varies).
"""

import doctest
import re
import shutil
from pathlib import Path

import pytest
import sklearn

from skneural import NeuralClassifier, NeuralRegressor
from tests._scripts import imported_packages

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(
    str(path.relative_to(DOCS))
    for path in [DOCS / "getting_started.rst", *(DOCS / "user_guide").glob("*.rst")]
    if path.name != "index.rst" and ">>>" in path.read_text(encoding="utf-8")
)
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _optional_features() -> dict[str, str]:
    """skneural features that import an optional package, e.g. ``{"MLflowLogger": "mlflow"}``,
    read from their ``import_optional`` calls."""
    pattern = re.compile(r'import_optional\(\s*"([\w.]+)",\s*extra="\w+",\s*feature="(\w+)"')
    features = {}
    for path in (DOCS.parent / "skneural").rglob("*.py"):
        for module, feature in pattern.findall(path.read_text(encoding="utf-8")):
            features[feature] = module.split(".")[0]
    return features


def _needed_packages(examples) -> set[str]:
    """Top-level packages the examples of a page import or use through skneural."""
    features = _optional_features()
    packages = set()
    for example in examples:
        packages.update(
            package for feature, package in features.items() if feature in example.source
        )
        packages.update(imported_packages(example.source))
    return packages


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run(page, tmp_path, monkeypatch):
    text = (DOCS / page).read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(text, {}, page, str(DOCS / page), 0)
    assert len(test.examples) >= 5, f"{page} lost its examples"
    for package in sorted(_needed_packages(test.examples)):
        pytest.importorskip(package)  # an optional extra the page uses
    report = []
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    monkeypatch.chdir(tmp_path)  # examples that save files write them here
    with sklearn.config_context():  # examples may change the global config
        result = runner.run(test, out=report.append, clear_globs=True)
    assert result.failed == 0, "".join(report)


@pytest.mark.parametrize("estimator", [NeuralClassifier, NeuralRegressor])
def test_estimator_docstring_is_fully_formatted(estimator):
    # The class docstrings are assembled with str.format: no placeholder may
    # survive and no escaped brace may leak into the rendered text.
    doc = estimator.__doc__
    assert not re.search(r"\{[a-z_]+\}|\{\{|\}\}", doc), doc
    for name in ("hidden_layer_sizes", "lr", "random_state", "n_threads", "warm_start"):
        assert f"\n    {name} : " in doc


def test_sphinx_build_has_no_warnings(tmp_path):
    pytest.importorskip("numpydoc")
    build = pytest.importorskip("sphinx.cmd.build")
    shutil.copytree(DOCS, tmp_path / "docs", ignore=shutil.ignore_patterns("_build", "generated"))
    status = build.build_main(
        ["-W", "-q", "-b", "html", str(tmp_path / "docs"), str(tmp_path / "html")]
    )
    assert status == 0
