"""The zoo: named pretrained models in the package and in local directories."""

import difflib
import os
from pathlib import Path

from ._format import MANIFEST, WEIGHTS, load_pretrained, read_config

#: Environment variable listing local zoo directories (``os.pathsep``-separated).
ZOO_PATH_VARIABLE = "SKNEURAL_ZOO_PATH"
#: The models shipped inside the package (trained by ``benchmarks/train_zoo.py``).
SHIPPED_ZOO = Path(__file__).resolve().parent / "models"
_COLUMNS = ("name", "task", "input", "module", "data", "metrics", "size_kb", "license", "location")


def zoo_directories(paths=None) -> list[Path]:
    """The zoo directories searched, in order.

    Parameters
    ----------
    paths : str, path-like or list of them, default=None
        Directories to search first.

    Returns
    -------
    list of pathlib.Path
        ``paths``, then the directories of the ``SKNEURAL_ZOO_PATH``
        environment variable, then the zoo shipped in the package.
    """
    if paths is None:
        paths = []
    elif isinstance(paths, str | os.PathLike):
        paths = [paths]
    from_environment = [p for p in os.environ.get(ZOO_PATH_VARIABLE, "").split(os.pathsep) if p]
    return [Path(p) for p in (*paths, *from_environment)] + [SHIPPED_ZOO]


def _entries(paths) -> dict:
    """Model name to its directory; a name found in an earlier zoo hides later ones."""
    entries = {}
    for zoo in zoo_directories(paths):
        if not zoo.is_dir():
            continue
        for folder in sorted(zoo.iterdir()):
            if (folder / MANIFEST).is_file():
                entries.setdefault(folder.name, folder)
    return entries


def list_models(paths=None):
    """The models of the zoo, one row each.

    Parameters
    ----------
    paths : str, path-like or list of them, default=None
        Local zoo directories searched before ``SKNEURAL_ZOO_PATH`` and
        the shipped zoo (see :func:`zoo_directories`).

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``task``, ``input``, ``module``, ``data``,
        ``metrics`` (as text), ``size_kb`` (of the weights), ``license``
        and ``location``; a model whose files do not match its manifest is
        listed with ``task="invalid"``.
    """
    import pandas as pd

    rows = []
    for name, folder in _entries(paths).items():
        try:
            card = read_config(folder).get("card", {})
        except ValueError as error:
            card = {"task": "invalid", "description": str(error)}
        metrics = ", ".join(f"{k} {v:.4g}" for k, v in card.get("metrics", {}).items())
        rows.append(
            {
                "name": name,
                "task": card.get("task", ""),
                "input": card.get("input", ""),
                "module": card.get("module", ""),
                "data": card.get("data", ""),
                "metrics": metrics,
                "size_kb": round((folder / WEIGHTS).stat().st_size / 1024, 1)
                if (folder / WEIGHTS).is_file()
                else 0.0,
                "license": card.get("license", ""),
                "location": str(folder),
            }
        )
    return pd.DataFrame(rows, columns=list(_COLUMNS))


def model_directory(name: str, paths=None) -> Path:
    """The directory of the zoo model ``name`` (see :func:`load`)."""
    if not isinstance(name, str):
        raise TypeError(f"A zoo model is named by a string, got {type(name).__name__}.")
    entries = _entries(paths)
    if name not in entries:
        close = difflib.get_close_matches(name, list(entries), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"No zoo model is named {name!r}.{hint} The zoo has: {sorted(entries)} "
            f"(searched {', '.join(str(z) for z in zoo_directories(paths))})."
        )
    return entries[name]


def load(name: str, paths=None):
    """Load the zoo model ``name``: a fitted estimator, ready to predict.

    Parameters
    ----------
    name : str
        A name from :func:`list_models`.
    paths : str, path-like or list of them, default=None
        Local zoo directories searched first (then ``SKNEURAL_ZOO_PATH``,
        then the shipped zoo).

    Returns
    -------
    NeuralClassifier or NeuralRegressor

    Raises
    ------
    ValueError
        For an unknown name (the message lists close names) or a model
        whose files fail their checks (see :func:`skneural.load_pretrained`).
    """
    return load_pretrained(model_directory(name, paths))
