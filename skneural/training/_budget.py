"""Training settings that follow the size of the table.

The defaults were tuned on small tables. On a large one, dropout costs
about half of each epoch on the CPU (drawing its random masks costs more
than the matrix products of the default network) and buys nothing that a
larger learning rate does not; the auto batch size grows with the table, so
the learning rate follows it; and a patience counted in epochs becomes a
great many rows (and steps) on a very large table. Above all, a plain MLP
needs 100 or more epochs on some large tables to learn sharp functions of
a feature (diamonds' price of its carats): the piecewise-linear encoding of
each numeric column (``numeric_encoding="auto"``) gets there in about 30,
and with it a narrower network, a learning rate that falls on plateaus and
a short patience fit large tables 2 to 6 times faster than before at
the same accuracy. The same ``"auto"`` finds columns of integer codes (ids)
from the target and embeds them (``skneural.data._integer_codes``): as
numbers they kept InstEval learning for ~23 epochs. These rules leave
tables of up to ~11,600 training rows exactly as before;
``benchmarks/README.md`` ("Large tables") has the study behind them.

Networks of sequences follow a recipe of their own (:data:`SEQUENCE_RECIPE`):
their training sets are often tiny (the UCR archive's have 16 to a few
hundred series), where the tabular rules give one or two steps per epoch and
a validation split of a handful of rows. A module declares its kind of input
with the class attribute ``input_kind`` (see :func:`recipe_for`).
"""

import math
from dataclasses import dataclass

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

#: Quantile bins per numeric column of ``numeric_encoding="piecewise_linear"``.
ENCODING_BINS = 8
#: ``hidden_layer_sizes="auto"`` on large tables (with the encoding, 96
#: units per layer kept the quality of 128 at 0.6x the cost of an epoch).
LARGE_TABLE_HIDDEN = (96, 96)
#: ``lr="auto"`` on large tables: the learning rate falls by this factor
#: when the validation loss has not improved for this many epochs ...
PLATEAU_FACTOR = 0.2
PLATEAU_PATIENCE = 2
#: ... and ``n_iter_no_change="auto"`` stops after this many epochs without
#: an improvement of ``tol`` or of this fraction of the best validation
#: loss, whichever is larger.
LARGE_TABLE_PATIENCE = 5
LARGE_TABLE_RELATIVE_TOL = 1e-3
#: The built-in modules that read a flat row of numeric columns, where
#: ``numeric_encoding="auto"`` applies.
FLAT_TABULAR_MODULES = ("mlp", "resnet")
#: The kinds of input layer whose network input is a table of columns.
TABLE_INPUT_KINDS = ("numeric", "tabular", "transformer")


@dataclass(frozen=True)
class Recipe:
    """What the ``"auto"`` training settings resolve to for one kind of input.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int
        ``hidden_layer_sizes="auto"``: the hidden layers of the network (of a
        sequence module, its dense head after pooling).
    base_lr : float
        ``lr="auto"`` at batches of up to :data:`REFERENCE_BATCH` rows (times
        the square root of the batch size over 128 for larger batches).
    cosine_lr : bool
        With ``lr="auto"``, anneal the learning rate from its start to 0 along a
        cosine over the steps of the fit.
    min_validation_rows : int
        Hold out the validation split only when it has at least this many
        rows; smaller data train on every row.
    stop_on_training_loss : bool
        Without validation rows, early stopping watches the training loss;
        False: it is left out (the fit runs its ``max_epochs``).
    """

    hidden_layer_sizes: tuple = (128, 128)
    base_lr: float = BASE_LR
    cosine_lr: bool = False
    min_validation_rows: int = 1
    stop_on_training_loss: bool = True


#: The tabular rules (and those of image modules, and of modules that declare no kind).
TABULAR_RECIPE = Recipe()

#: Sequence modules (``input_kind = "sequence"``): a linear head after pooling (a
#: dense head of 128 + 128 units lost 10 to 15 points on ArrowHead's 36 training
#: series), a larger learning rate annealed to 0, no validation split below 100
#: held-out rows (about 1,000 training series), and no early stopping on the
#: training loss, which on a few dozen series is too noisy to stop on while the
#: learning rate is still high (the schedule ends the fit). Chosen on GunPoint,
#: ArrowHead, OSULeaf and mnist1d (``benchmarks/README.md``, "Sequences"), where
#: the tabular rules stopped after a few dozen steps.
SEQUENCE_RECIPE = Recipe(
    hidden_layer_sizes=(),
    base_lr=3e-3,
    cosine_lr=True,
    min_validation_rows=100,
    stop_on_training_loss=False,
)

RECIPES = {"sequence": SEQUENCE_RECIPE}


def recipe_for(input_kind: str | None) -> Recipe:
    """The :class:`Recipe` of modules whose class declares ``input_kind``.

    Parameters
    ----------
    input_kind : str or None
        The module's ``input_kind`` class attribute (``"sequence"`` for the
        built-in sequence modules), or None when it declares none.

    Returns
    -------
    Recipe
        :data:`SEQUENCE_RECIPE` for ``"sequence"``, else :data:`TABULAR_RECIPE`.
    """
    return RECIPES.get(input_kind, TABULAR_RECIPE)


def is_large_table(n_train: int) -> bool:
    """Whether ``batch_size="auto"`` gives more than 128 rows per batch for
    ``n_train`` training rows (from ~11,600 rows on)."""
    return auto_batch_size(n_train) > REFERENCE_BATCH


def auto_patience(n_train: int, decays_on_plateau: bool = False) -> int:
    """The ``n_iter_no_change="auto"`` rule: early-stopping patience in epochs.

    20 epochs, or 5 when the learning rate decays on plateaus (see
    :func:`plateau_schedule_params`); or the epochs it takes to see
    1,300,000 training rows when that is fewer, at least 2: 13 epochs at
    100,000 rows without the decay, 2 from 650,000 on (where 20 epochs
    would be 20,000 steps of 1024 rows after the loss has settled).

    Parameters
    ----------
    n_train : int
        Rows trained on in each epoch.
    decays_on_plateau : bool, default=False
        Whether ``lr="auto"`` brings the plateau decay of large tables.

    Returns
    -------
    int
    """
    epochs = math.ceil(PATIENCE_ROWS / max(n_train, 1))
    limit = LARGE_TABLE_PATIENCE if decays_on_plateau else PATIENCE_EPOCHS
    return int(min(limit, max(MIN_PATIENCE_EPOCHS, epochs)))


def auto_relative_tol(decays_on_plateau: bool = False) -> float:
    """The improvement ``n_iter_no_change="auto"`` asks for beyond ``tol``, as
    a fraction of the best validation loss: 0.1% on large tables (where the
    learning rate decays on plateaus), else none.

    A validation loss near 1 (a regression that explains a few percent of
    the variance, measured on standardised targets) kept improving by a
    little more than ``tol=1e-4`` for epochs after its last gain that
    showed on test data; counting only gains of 0.1% ended those fits up
    to 20% sooner at the same test error (0.2% and 0.3% cost InstEval's
    RMSE about 0.1%; ``benchmarks/README.md``, "Large tables"). Where the
    loss is small (diamonds: 0.009) ``tol`` is the larger threshold and
    nothing changes.

    Parameters
    ----------
    decays_on_plateau : bool, default=False
        Whether ``lr="auto"`` brings the plateau decay of large tables.

    Returns
    -------
    float
        The ``relative_delta`` of the early-stopping callback.
    """
    return LARGE_TABLE_RELATIVE_TOL if decays_on_plateau else 0.0


def plateau_schedule_params() -> dict:
    """The ``ReduceLROnPlateau`` settings of ``lr="auto"`` on large tables:
    the rate falls to a fifth after 2 epochs without a better validation
    loss (``n_iter_no_change="auto"`` then stops after 5).

    Returns
    -------
    dict
        The ``params`` of ``LRScheduler("reduce_on_plateau", params=...)``.
    """
    return {"factor": PLATEAU_FACTOR, "patience": PLATEAU_PATIENCE}


def auto_lr(batch_size: int, recipe: Recipe = TABULAR_RECIPE) -> float:
    """The ``lr="auto"`` rule: 1e-3 (the recipe's ``base_lr``), times the
    square root of the batch size over 128 for larger batches (2e-3 at 512
    rows, 2.8e-3 at 1024).

    Parameters
    ----------
    batch_size : int
        Rows per optimisation step.
    recipe : Recipe, default=TABULAR_RECIPE
        The rules of the module's kind of input.

    Returns
    -------
    float
    """
    return recipe.base_lr * math.sqrt(max(batch_size, REFERENCE_BATCH) / REFERENCE_BATCH)


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


def is_large_table_fit(input_kind: str, n_train: int) -> bool:
    """Whether the large-table rules apply: a table (not images, sequences or
    a torch ``Dataset``) of a large number of training rows (see
    :func:`is_large_table`).

    Parameters
    ----------
    input_kind : str
        The ``kind`` of the estimator's input layer.
    n_train : int
        Rows trained on in each epoch.

    Returns
    -------
    bool
    """
    return input_kind in TABLE_INPUT_KINDS and is_large_table(n_train)


def auto_numeric_encoding(module, input_kind: str, n_train: int) -> str | None:
    """The ``numeric_encoding="auto"`` rule: ``"piecewise_linear"`` for the
    built-in ``"mlp"`` and ``"resnet"`` on a large table (see
    :func:`is_large_table_fit`), else ``None``.

    Parameters
    ----------
    module : str or callable
        The estimator's ``module``.
    input_kind, n_train
        As for :func:`is_large_table_fit`.

    Returns
    -------
    str or None
    """
    if isinstance(module, str) and module in FLAT_TABULAR_MODULES:
        return "piecewise_linear" if is_large_table_fit(input_kind, n_train) else None
    return None
