"""Permissions of the files skneural writes through a temporary file."""

import os
import stat
import uuid
from pathlib import Path


def new_file_mode(directory) -> int:
    """The permission bits ``open()`` gives a new file in ``directory``.

    That is ``0o666`` less the umask, or what the directory's default ACL
    says. It is read from a file created and removed at once, as the umask
    cannot be read without changing it (not thread-safe).

    Parameters
    ----------
    directory : str or os.PathLike
        An existing, writable directory.

    Returns
    -------
    int
        The permission bits, e.g. ``0o644`` under the usual umask ``022``.
    """
    probe = Path(directory) / f".mode-probe.{uuid.uuid4().hex}.tmp"
    with open(probe, "xb"):
        pass
    try:
        return stat.S_IMODE(probe.stat().st_mode)
    finally:
        probe.unlink()


def replacing_file_mode(path) -> int:
    """The permission bits of a file written to ``path`` by replacing it.

    An existing file keeps its own; a new one gets :func:`new_file_mode`'s,
    as if ``open(path, "w")`` wrote it. For writers that rename a temporary
    file over ``path`` (:func:`tempfile.mkstemp` creates it owner-only).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write, in an existing directory.

    Returns
    -------
    int
        The permission bits.
    """
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return new_file_mode(Path(path).absolute().parent)
