"""Crash-safe writing and verified, safe reading of training checkpoints.

A checkpoint file is an ordinary ``torch.save`` file holding one dict, the
*envelope*::

    {"format": "skneural-checkpoint", "format_version": 2,
     "sha256": <hex digest of the state's content>, "state": <training state>}

It loads with ``torch.load(weights_only=True)``: the state holds only tensors
and plain Python values. ``torch.load`` does not check the zip archive's CRCs,
so a flipped bit in a tensor or a number would load silently; the digest,
computed over every tensor's bytes and every value of the state, catches it.
"""

import hashlib
import os
import pickle
import re
import struct
import zipfile
from pathlib import Path

import torch

FORMAT = "skneural-checkpoint"
FORMAT_VERSION = 2
# What ``torch.load`` raises on a file that is no readable ``torch.save``
# output. Its weights-only unpickler is plain Python: garbage bytes decode to
# arbitrary opcodes, which fail with the raw error of whichever one broke (a
# missing memo key, a pop from an empty stack, a short ``struct`` read, an
# unknown encoding, an undecodable string). MemoryError and KeyboardInterrupt
# are not among them: they say nothing about the file.
_UNREADABLE_FILE_ERRORS = (
    EOFError,
    OSError,
    RuntimeError,  # the zip reader, e.g. "failed finding central directory"
    zipfile.BadZipFile,
    struct.error,
    LookupError,  # KeyError, IndexError, unknown encodings
    ValueError,  # UnicodeDecodeError, malformed numbers
    TypeError,
    AssertionError,  # the legacy (non-zip) reader
)


def atomic_save(state: dict, path) -> Path:
    """Write ``state`` to ``path`` so that ``path`` is always complete.

    The state goes, in its envelope with its digest, to a temporary file in
    the same directory, which is flushed and fsynced, then renamed over
    ``path`` (an atomic step on POSIX and Windows); the directory is fsynced
    so the rename itself survives a power cut. A crash at any moment leaves
    either the old file or the new one, plus at worst a temporary file, which
    the next save to this path removes once its writer is gone.

    Parameters
    ----------
    state : dict
        Tensors and plain Python values (``None``, bool, int, float, str,
        bytes, and lists, tuples and dicts of them).
    path : str or os.PathLike

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    envelope = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sha256": content_digest(state),
        "state": state,
    }
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as file:
            torch.save(envelope, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
    _fsync_directory(path.parent)
    return path


def _remove_stale_temporaries(path: Path) -> None:
    """Delete the temporary files that writes to ``path`` killed mid-way left."""
    for temporary in path.parent.glob(f".{path.name}.*.tmp"):
        pid = temporary.name[len(path.name) + 2 : -len(".tmp")]
        if pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
            try:
                temporary.unlink()
            except OSError:  # removed by another process, or still open (Windows)
                pass


def _process_alive(pid: int) -> bool:
    if os.name == "nt":
        # Windows refuses to delete a file another process has open, so
        # unlinking the file of a live writer fails harmlessly.
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. it exists but belongs to another user
        return True
    return True


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


def content_digest(value) -> str:
    """SHA-256 of ``value``'s content: every tensor's dtype, shape and bytes,
    every plain value, and the structure of the containers holding them.

    Raises
    ------
    TypeError
        For a value that is not a tensor or a plain Python value.
    """
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest, value) -> None:
    if isinstance(value, torch.Tensor):
        tensor = value.detach().to("cpu").contiguous()
        digest.update(f"T{tensor.dtype}{tuple(tensor.shape)}:".encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().data)
    elif isinstance(value, dict):
        digest.update(f"D{len(value)}:".encode())
        for key, entry in value.items():
            _feed(digest, key)
            _feed(digest, entry)
    elif isinstance(value, list | tuple):
        digest.update(f"{'L' if isinstance(value, list) else 'U'}{len(value)}:".encode())
        for entry in value:
            _feed(digest, entry)
    elif value is None or isinstance(value, bool | int | float | str | bytes):
        text = repr(value).encode()
        digest.update(f"{type(value).__name__}{len(text)}:".encode() + text)
    else:
        raise TypeError(
            "A checkpoint holds tensors and plain Python values only, got "
            f"{type(value).__name__}: {value!r}; a callback's state_dict() must return "
            "such values."
        )


def load_checkpoint(path) -> dict:
    """Read the training state of a checkpoint written by :func:`atomic_save`.

    Loading uses ``torch.load(weights_only=True)``, which never executes code
    from the file. Every load checks the format and the digest; a missing,
    truncated, corrupted, foreign, older or newer file, or one holding code,
    raises an error that names it and says which.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    dict
        The training state (the envelope's ``"state"``).
    """
    path = Path(path)
    name = repr(str(path))
    if not path.is_file():
        raise FileNotFoundError(f"No checkpoint file at {name}.")
    try:
        envelope = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        blocked = re.search(r"unsupported GLOBAL:? (?:GLOBAL )?(\S+)", str(exc), re.IGNORECASE)
        if blocked:
            raise ValueError(
                f"The checkpoint {name} holds code or Python objects other than tensors and "
                f"plain values (it asks for {blocked[1]}); skneural refuses to load it, "
                "since unpickling it could run arbitrary code."
            ) from None
        raise ValueError(
            f"The checkpoint {name} is truncated or corrupted and cannot be read."
        ) from None
    except _UNREADABLE_FILE_ERRORS as exc:
        raise ValueError(
            f"The checkpoint {name} is truncated or corrupted and cannot be read "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})."
        ) from None
    return _open_envelope(envelope, name)


def _open_envelope(envelope, name: str) -> dict:
    if not isinstance(envelope, dict):
        raise ValueError(f"{name} is not a skneural training checkpoint.")
    version = envelope.get("format_version")
    if envelope.get("format") != FORMAT:
        if "format" not in envelope and version == 1:  # the flat layout of skneural 0.1
            raise ValueError(
                f"The checkpoint {name} has format version 1, written by an older skneural; "
                f"this version reads format {FORMAT_VERSION}. Start afresh (resume=False) "
                "or finish the run with the version that wrote it."
            )
        raise ValueError(f"{name} is not a skneural training checkpoint.")
    if version != FORMAT_VERSION:
        newer = isinstance(version, int) and version > FORMAT_VERSION
        raise ValueError(
            f"The checkpoint {name} has format version {version!r}, written by "
            f"{'a newer' if newer else 'another'} skneural; this version reads format "
            f"{FORMAT_VERSION}."
        )
    state = envelope.get("state")
    try:
        intact = content_digest(state) == envelope.get("sha256")
    except TypeError:
        intact = False
    if not intact or not isinstance(state, dict):
        raise ValueError(
            f"The checkpoint {name} is corrupted: its content does not match the SHA-256 "
            "digest written with it (a changed bit in the weights, optimizer state, "
            "callback states or history). Resume from another file or start afresh."
        )
    return state
