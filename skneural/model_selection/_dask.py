"""Run searches on a Dask cluster through joblib's Dask backend."""

import contextlib
import os
import warnings
from concurrent.futures import CancelledError

import joblib

from ..utils._optional import import_optional


@contextlib.contextmanager
def dask_backend(client):
    """Send every joblib-parallel fit in the block to a Dask cluster.

    Searches fit their candidates through ``joblib.Parallel`` (scikit-learn's
    ``GridSearchCV``, ``RandomizedSearchCV``, ``HalvingRandomSearchCV``,
    skopt's ``BayesSearchCV``, the folds of :class:`OptunaSearchCV` and
    :class:`HyperoptSearchCV`, and each round of :class:`ArchitectureSearchCV`),
    so inside this block their ``n_jobs`` fits run on the cluster's workers.
    It is ``joblib.parallel_config(backend="dask", client=client)`` plus two
    checks: the client must be running when the block starts, and if the
    cluster goes away during the block a ``RuntimeError`` says so.
    scikit-learn's searches and skneural's set their results only once every
    fit is back, so a search interrupted this way holds no partial results
    (an :class:`ArchitectureSearchCV` with a ``checkpoint`` resumes from its
    last finished round when fitted again).

    Every skneural fit uses one torch thread by default (``n_threads=1``),
    so a worker with ``threads_per_worker=k`` runs ``k`` fits on ``k`` cores
    without oversubscription. Dask starts its workers with
    ``MALLOC_TRIM_THRESHOLD_=65536``, which makes torch training about twice
    as slow (glibc then maps and unmaps the memory of every large tensor at
    each training step): a ``UserWarning`` says so when a worker runs with
    that variable set; start the cluster under ``dask.config.set(
    {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})``
    to train at full speed. With GPUs, start one worker per GPU (for
    example ``dask_cuda.LocalCUDACluster``, which pins each worker to one
    device) and fit with ``device="cuda"``.

    Requires the optional ``distributed`` package (``pip install
    "skneural[dask]"``).

    Parameters
    ----------
    client : distributed.Client
        A connected client, e.g. ``Client(LocalCluster(n_workers=4))`` or
        ``Client("tcp://scheduler:8786")`` for a multi-machine cluster.

    Yields
    ------
    client : distributed.Client

    Examples
    --------
    >>> from dask.distributed import Client, LocalCluster  # doctest: +SKIP
    >>> client = Client(LocalCluster(n_workers=2, threads_per_worker=1))  # doctest: +SKIP
    >>> with dask_backend(client):  # doctest: +SKIP
    ...     GridSearchCV(clf, grid, n_jobs=-1).fit(X, y)
    """
    distributed = import_optional("distributed", extra="dask", feature="dask_backend")
    if not isinstance(client, distributed.Client):
        raise TypeError(f"client must be a distributed.Client, got {type(client).__name__}.")
    if client.status != "running":
        raise RuntimeError(
            f"The Dask client is {client.status!r}, not running, so nothing can be sent to "
            "its cluster. Connect a new one, e.g. Client('tcp://scheduler:8786')."
        )
    _warn_if_workers_trim_memory(client)
    try:
        with joblib.parallel_config(backend="dask", client=client):
            yield client
    except Exception as exc:
        lost = isinstance(exc, CancelledError | distributed.comm.CommClosedError)
        if not lost and _scheduler_answers(client):
            raise
        raise RuntimeError(
            f"The Dask cluster went away during the search (client status "
            f"{client.status!r}; {type(exc).__name__}: {exc}). The search did not finish "
            "and keeps no partial results; fit it again once the cluster is back."
        ) from exc


def _malloc_trim_threshold() -> str | None:
    """This process's ``MALLOC_TRIM_THRESHOLD_`` (run on each worker)."""
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def _warn_if_workers_trim_memory(client) -> None:
    """Warn when a worker's glibc runs with ``MALLOC_TRIM_THRESHOLD_`` set.

    Setting it (Dask does, to 65536, for the workers its nannies start)
    turns off glibc's adaptive thresholds: every tensor above 128 KiB is
    then mapped and unmapped again at each training step, and a fit in such
    a worker took about twice the CPU time of the same fit in a worker
    without it (``benchmarks/bench_dask_workers.py``).
    """
    try:
        settings = client.run(_malloc_trim_threshold)
    except Exception:  # a diagnostic only: never fail a search over it
        return
    trimming = sorted(f"{address} ({value})" for address, value in settings.items() if value)
    if trimming:
        warnings.warn(
            f"The Dask workers {', '.join(trimming)} run with MALLOC_TRIM_THRESHOLD_ set "
            "(Dask's default for the workers it starts), which makes torch training about "
            "2x slower. Start the cluster under dask.config.set({'distributed.nanny."
            "pre-spawn-environ.MALLOC_TRIM_THRESHOLD_': None}) to train at full speed.",
            UserWarning,
            stacklevel=4,
        )


def _scheduler_answers(client) -> bool:
    """Whether the cluster is still there: a failed fit is then the fit's own error."""
    if client.status != "running":
        return False
    try:
        client.scheduler_info()  # a round trip to the scheduler
    except Exception:
        return False
    return True
