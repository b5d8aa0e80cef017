"""Crash-safe writing and safe reading of training checkpoints."""

import os
import pickle
import zipfile
from pathlib import Path

import torch


def atomic_save(state: dict, path) -> Path:
    """Write ``state`` to ``path`` so that ``path`` is always complete.

    The data go to a temporary file in the same directory, which is flushed
    and fsynced, then renamed over ``path`` (an atomic step on POSIX and
    Windows); the directory is fsynced so the rename itself survives a power
    cut. A crash at any moment leaves either the old file or the new one.

    Parameters
    ----------
    state : dict
        Tensors and plain Python values.
    path : str or os.PathLike

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as file:
            torch.save(state, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
    _fsync_directory(path.parent)
    return path


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows, where directories cannot be opened
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def load_checkpoint(path) -> dict:
    """Read a checkpoint written by :func:`atomic_save`.

    Loading uses ``torch.load(weights_only=True)``, which never executes code
    from the file; a missing, truncated or corrupted file raises an error
    that names it.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    dict
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No checkpoint file at {str(path)!r}.")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "Unsupported global" in str(exc):
            raise ValueError(
                f"The checkpoint {str(path)!r} holds Python objects other than tensors and "
                "plain values; skneural does not unpickle them, since that could run "
                "arbitrary code."
            ) from None
        raise ValueError(
            f"The checkpoint {str(path)!r} is truncated or corrupted and cannot be read."
        ) from None
    except (RuntimeError, EOFError, zipfile.BadZipFile, OSError) as exc:
        raise ValueError(
            f"The checkpoint {str(path)!r} is truncated or corrupted and cannot be read "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})."
        ) from None
    if not isinstance(state, dict) or "format_version" not in state:
        raise ValueError(f"{str(path)!r} is not a skneural training checkpoint.")
    return state
