"""The install and CI set-up stay as the README and the docs describe them."""

import re

import pytest

from tests._scripts import ROOT

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Distribution name -> the module it is imported as, where they differ.
IMPORT_NAMES = {"scikit-learn": "sklearn", "scikit-optimize": "skopt"}


def _name(requirement: str) -> str:
    return re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "skneural").rglob("*.py"))


def test_readme_has_two_setup_commands_that_ci_runs_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.DOTALL)
    assert commands == [
        "pip install torch==2.13.0 && pip install -e . && python examples/quickstart.py",
        'pip install -e ".[test]" && python -m pytest',
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert [line for line in ci if line in commands] == commands


def test_every_core_dependency_is_used_and_documented():
    sources = _sources()
    guide = (ROOT / "docs" / "getting_started.rst").read_text(encoding="utf-8").lower()
    for requirement in PYPROJECT["project"]["dependencies"]:
        name = _name(requirement)
        module = IMPORT_NAMES.get(name, name)
        assert re.search(rf"^\s*(import|from) {module}\b", sources, flags=re.M), name
        assert name in guide, f"docs/getting_started.rst does not name the role of {name}"


def test_errors_for_missing_optional_packages_name_extras_the_tests_install():
    extras = PYPROJECT["project"]["optional-dependencies"]
    in_test = {
        extra
        for requirement in extras["test"]
        for group in re.findall(r"^skneural\[([\w,]+)\]", requirement)
        for extra in group.split(",")
    }
    named = set(re.findall(r'import_optional\(\s*"[\w.]+",\s*extra="(\w+)"', _sources()))
    assert named and named <= set(extras), named - set(extras)
    assert named <= in_test, f"the test extra lacks {named - in_test}"


def test_pytest_summary_does_not_repeat_expected_failures():
    # "-ra" printed the long reason of each expected failure of scikit-learn's
    # checks once per estimator; failures, errors and skips are what to read.
    addopts = PYPROJECT["tool"]["pytest"]["ini_options"]["addopts"]
    report_chars = "".join(re.findall(r"-r(\w+)", addopts))
    assert report_chars and not set(report_chars) & set("aAxX")
