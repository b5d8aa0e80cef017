"""Training settings that follow the size of the table.

The defaults were tuned on small tables. On a large one, dropout costs
about half of each epoch on the CPU (drawing its random masks costs more
than the matrix products of the default network) and buys nothing that a
larger learning rate does not; the auto batch size grows with the table, so
the learning rate follows it; and a patience counted in epochs becomes a
great many rows (and steps) on a very large table. These
rules leave tables of up to ~11,600 training rows exactly as before;
``benchmarks/README.md`` ("Large tables") has the study behind them.
"""

import math

from ._trainer import auto_batch_size

#: Patience of ``n_iter_no_change="auto"``, in epochs ...
PATIENCE_EPOCHS = 20
#: ... or the epochs that see this many training rows when they are fewer
#: (20 epochs of 65,000 rows) ...
PATIENCE_ROWS = 1_300_000
#: ... but at least this many epochs.
MIN_PATIENCE_EPOCHS = 2

#: ``lr="auto"`` at batches of up to :data:`REFERENCE_BATCH` rows.
BASE_LR = 1e-3
REFERENCE_BATCH = 128

#: ``dropout="auto"`` on small tables (none on large ones).
SMALL_TABLE_DROPOUT = 0.1


def is_large_table(n_train: int) -> bool:
    """Whether ``batch_size="auto"`` gives more than 128 rows per batch for
    ``n_train`` training rows (from ~11,600 rows on)."""
    return auto_batch_size(n_train) > REFERENCE_BATCH


def auto_patience(n_train: int) -> int:
    """The ``n_iter_no_change="auto"`` rule: early-stopping patience in epochs.

    20 epochs, or the epochs it takes to see 1,300,000 training rows when
    that is fewer, at least 2: unchanged up to 65,000 training rows, 13
    epochs at 100,000, 2 from 650,000 on (where 20 epochs would be 20,000
    steps of 1024 rows after the loss has settled).

    Parameters
    ----------
    n_train : int
        Rows trained on in each epoch.

    Returns
    -------
    int
    """
    epochs = math.ceil(PATIENCE_ROWS / max(n_train, 1))
    return int(min(PATIENCE_EPOCHS, max(MIN_PATIENCE_EPOCHS, epochs)))


def auto_lr(batch_size: int) -> float:
    """The ``lr="auto"`` rule: 1e-3, times the square root of the batch size
    over 128 for larger batches (2e-3 at 512 rows, 2.8e-3 at 1024).

    Parameters
    ----------
    batch_size : int
        Rows per optimisation step.

    Returns
    -------
    float
    """
    return BASE_LR * math.sqrt(max(batch_size, REFERENCE_BATCH) / REFERENCE_BATCH)


def auto_dropout(n_train: int) -> float:
    """The ``dropout="auto"`` rule: 0.1, or 0 on large tables (see
    :func:`is_large_table`).

    Parameters
    ----------
    n_train : int
        Rows trained on in each epoch.

    Returns
    -------
    float
    """
    return 0.0 if is_large_table(n_train) else SMALL_TABLE_DROPOUT
