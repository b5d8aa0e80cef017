"""Save and resume the state of an architecture search.

The state goes to one file per search, named by a fingerprint of everything
that decides the proposals and their scores (estimator, space, strategy and
its settings, seed, data and folds, scorer), so a re-run of the same search
finds its file and a different search never picks it up. Files are written
atomically and read back without unpickling code
(``torch.load(weights_only=True)``): they hold tensors and plain values only.
"""

from pathlib import Path

import joblib
import numpy as np
import torch

from ..callbacks._checkpoint_io import atomic_save, load_checkpoint
from ._trial_search import Candidate

FORMAT_VERSION = 1
_KIND = "skneural.ArchitectureSearchCV"


def fingerprint(*parts) -> str:
    """A hash of ``parts`` (by value; by ``repr`` where something does not pickle)."""
    try:
        return joblib.hash(parts)
    except Exception:  # an estimator holding a lambda, ...
        return joblib.hash(repr(parts))


def checkpoint_path(directory, key: str) -> Path:
    """The file of the search with fingerprint ``key`` in ``directory``."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ValueError(
            f"checkpoint must be a directory (one file per search is kept in it), but "
            f"{str(directory)!r} is a file."
        )
    return directory / f"architecture_search_{key[:20]}.pt"


def save_search(path: Path, key: str, *, candidates, architectures, strategy, rng, history):
    """Write the search state to ``path`` atomically.

    ``architectures`` holds the option indices of each candidate, in order.
    """
    algorithm, keys, position, has_gauss, cached = rng.get_state()
    state = {
        "format_version": FORMAT_VERSION,
        "kind": _KIND,
        "fingerprint": key,
        "candidates": [
            _candidate_state(candidate, architecture)
            for candidate, architecture in zip(candidates, architectures, strict=True)
        ],
        "strategy": strategy.state_dict(),
        "rng": [algorithm, torch.from_numpy(keys.astype(np.int64)), position, has_gauss, cached],
        "history": [dict(record) for record in history],
    }
    atomic_save(state, path)


def load_search(path: Path, key: str):
    """``(candidate states, strategy state, rng state, history)`` from ``path``."""
    state = load_checkpoint(path)
    if state.get("kind") != _KIND or state.get("fingerprint") != key:
        raise ValueError(
            f"{str(path)!r} is not the checkpoint of this architecture search; remove it or "
            "choose another checkpoint directory."
        )
    algorithm, keys, position, has_gauss, cached = state["rng"]
    rng_state = (algorithm, keys.numpy().astype(np.uint32), position, has_gauss, cached)
    return state["candidates"], state["strategy"], rng_state, state["history"]


def _candidate_state(candidate: Candidate, architecture: dict) -> dict:
    return {
        "architecture": dict(architecture),
        "update": candidate.extra["policy_update"],
        "state": candidate.state,
        "outs": [{key: _plain(value) for key, value in out.items()} for out in candidate.outs],
    }


def _plain(value):
    """NumPy scalars as Python numbers; everything else unchanged."""
    return value.item() if isinstance(value, np.generic) else value
