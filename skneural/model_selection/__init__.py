"""Model selection: splits, default search spaces, Optuna and Hyperopt searches,
architecture search, nested cross-validation and the Dask backend."""

from ._architecture_families import architecture_space
from ._architecture_search import ArchitectureSearchCV
from ._architecture_space import ArchitectureSpace, Decision
from ._dask import dask_backend
from ._hyperopt_search import HyperoptSearchCV
from ._nested import nested_cross_validate
from ._optuna_search import OptunaSearchCV
from ._pruning import OptunaPruningCallback
from ._search_space import LayerSizes, OptunaSpace, search_space
from ._split import train_val_test_split

__all__ = [
    "ArchitectureSearchCV",
    "ArchitectureSpace",
    "Decision",
    "HyperoptSearchCV",
    "LayerSizes",
    "OptunaPruningCallback",
    "OptunaSearchCV",
    "OptunaSpace",
    "architecture_space",
    "dask_backend",
    "nested_cross_validate",
    "search_space",
    "train_val_test_split",
]
