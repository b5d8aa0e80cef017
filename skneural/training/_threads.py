"""Control torch's intra-op thread count for the duration of a fit."""

import contextlib
import os

import torch


def resolve_n_threads(n_threads: int) -> int:
    """``-1`` means every core this process may use; other values are kept."""
    if n_threads == -1:
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # platforms without sched_getaffinity
            return os.cpu_count() or 1
    return n_threads


@contextlib.contextmanager
def torch_threads(n_threads: int):
    """Run the block with ``n_threads`` intra-op threads, then restore the old count."""
    previous = torch.get_num_threads()
    wanted = resolve_n_threads(n_threads)
    if wanted != previous:
        torch.set_num_threads(wanted)
    try:
        yield
    finally:
        if wanted != previous:
            torch.set_num_threads(previous)
