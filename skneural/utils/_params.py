"""Helpers for messages about parameter names."""

import difflib
from collections.abc import Iterable


def close_names_hint(name: str, candidates: Iterable[str]) -> str:
    """``" Did you mean 'lr'?"`` for the candidates closest to ``name``, or ``""``.

    Parameters
    ----------
    name : str
        The unknown name.
    candidates : iterable of str
        The valid names.

    Returns
    -------
    str
        A sentence to append to an error message (empty when nothing is close).
    """
    matches = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    if not matches:
        return ""
    return " Did you mean " + " or ".join(repr(match) for match in matches) + "?"
