"""Control torch's intra-op thread count for the duration of a fit."""

import contextlib
import os

import torch
from joblib.parallel import get_active_backend


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # platforms without sched_getaffinity
        return os.cpu_count() or 1


def in_joblib_worker() -> bool:
    """Whether this code runs as a task of a parallel ``joblib.Parallel`` call.

    joblib runs each task of a parallel call under a nested backend whose
    ``nesting_level`` is at least 1 (in loky and multiprocessing worker
    processes as in threading workers); the main program, and the tasks of a
    sequential (``n_jobs=1``) call, run at level 0.
    """
    backend, _ = get_active_backend()
    return (getattr(backend, "nesting_level", 0) or 0) > 0


def resolve_n_threads(n_threads) -> int:
    """The thread count that ``n_threads`` stands for here and now.

    Parameters
    ----------
    n_threads : int, "all" or "auto"
        A count is kept. ``"all"``: every core this process may use.
        ``"auto"``: 1 inside a joblib worker (the search or ensemble around
        the fit already uses the cores, one fit per core); elsewhere torch's
        current intra-op thread count, which honours ``OMP_NUM_THREADS``,
        ``threadpoolctl`` limits and ``torch.set_num_threads``, at most the
        available cores.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        For a bool, or a count above the available cores (more threads than
        cores only make the threads wait for each other).
    """
    if n_threads == "all":
        return available_cores()
    if n_threads == "auto":
        if in_joblib_worker():
            return 1
        return max(1, min(torch.get_num_threads(), available_cores()))
    if isinstance(n_threads, bool):
        raise ValueError(f"n_threads must be a positive int, 'all' or 'auto'; got {n_threads!r}.")
    if n_threads > available_cores():
        raise ValueError(
            f"n_threads={n_threads} exceeds the {available_cores()} cores available to this "
            "process; use at most that many, 'all' or 'auto'."
        )
    return n_threads


@contextlib.contextmanager
def torch_threads(n_threads):
    """Run the block with the threads ``n_threads`` resolves to (see
    :func:`resolve_n_threads`), then restore the old count."""
    previous = torch.get_num_threads()
    wanted = resolve_n_threads(n_threads)
    if wanted != previous:
        torch.set_num_threads(wanted)
    try:
        yield
    finally:
        if wanted != previous:
            torch.set_num_threads(previous)
