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

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(
    str(path.relative_to(DOCS))
    for path in [DOCS / "getting_started.rst", *(DOCS / "user_guide").glob("*.rst")]
    if path.name != "index.rst" and ">>>" in path.read_text(encoding="utf-8")
)
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run(page, tmp_path, monkeypatch):
    text = (DOCS / page).read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(text, {}, page, str(DOCS / page), 0)
    assert len(test.examples) >= 5, f"{page} lost its examples"
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
