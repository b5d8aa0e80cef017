"""Default hyperparameter search spaces for skneural estimators."""

import math
from dataclasses import dataclass
from numbers import Integral

from sklearn.base import is_classifier

from ..nn._factory import accepted_params
from ..utils._optional import import_optional
from ._neural_step import neural_steps

BACKENDS = ("skopt", "optuna", "hyperopt", "sklearn")


class LayerSizes:
    """Hidden layer widths held as one value, e.g. ``LayerSizes(128, 128)``.

    scikit-optimize flattens tuples it finds among the categories of a
    ``Categorical``, so a tuple such as ``(128, 128)`` cannot be one choice
    of ``hidden_layer_sizes`` there. A ``LayerSizes`` can: it iterates and
    has a length like a tuple (so the estimators accept it), but it is not
    indexable, so NumPy and scikit-optimize keep it whole. It compares equal
    to the tuple of the same widths.

    Parameters
    ----------
    *sizes : int
        Width of each hidden layer; integers only (a float such as ``3.7``
        is refused rather than truncated).

    Raises
    ------
    TypeError
        If a width is not an integer.

    Examples
    --------
    >>> from skneural import NeuralClassifier
    >>> from skneural.model_selection import LayerSizes
    >>> NeuralClassifier(hidden_layer_sizes=LayerSizes(64, 64)).hidden_layer_sizes == (64, 64)
    True
    """

    def __init__(self, *sizes: int):
        for size in sizes:
            if not isinstance(size, Integral) or isinstance(size, bool):
                raise TypeError(
                    f"LayerSizes takes integer layer widths, got {size!r} "
                    f"({type(size).__name__}); pass e.g. LayerSizes(64, 32)."
                )
        self.sizes = tuple(int(size) for size in sizes)

    def __iter__(self):
        return iter(self.sizes)

    def __len__(self):
        return len(self.sizes)

    def __eq__(self, other):
        if isinstance(other, LayerSizes):
            return self.sizes == other.sizes
        if isinstance(other, tuple | list):
            return self.sizes == tuple(other)
        return NotImplemented

    def __hash__(self):
        return hash(self.sizes)

    def __repr__(self):
        return f"LayerSizes({', '.join(str(size) for size in self.sizes)})"


@dataclass(frozen=True)
class _Range:
    """A float interval, sampled uniformly or log-uniformly."""

    low: float
    high: float
    log: bool = False


@dataclass(frozen=True)
class _Choice:
    """A finite set of values."""

    options: tuple


@dataclass(frozen=True)
class _Layers:
    """``hidden_layer_sizes`` as ``depth`` layers of one ``width``."""

    depths: tuple
    widths: tuple

    def options(self) -> list[tuple]:
        return [(width,) * depth for depth in self.depths for width in self.widths]


# Ranges that suit tabular data with the AdamW default optimiser; each fit
# still early-stops on its validation split, so max_epochs is no dimension.
_TRAINING = {
    "lr": _Range(1e-4, 3e-2, log=True),
    "weight_decay": _Range(1e-4, 0.3, log=True),
    "batch_size": _Choice((32, 64, 128, 256)),
}
_CLASSIFIER = {"label_smoothing": _Range(0.0, 0.3)}
_ARCHITECTURE = {
    "hidden_layer_sizes": _Layers(depths=(1, 2, 3), widths=(32, 64, 128, 256)),
    "dropout": _Range(0.0, 0.5),
}


def search_space(estimator, backend: str = "skopt"):
    """A sensible default search space for a skneural estimator.

    The space covers the learning rate (log-uniform), the depth and width of
    the hidden layers, dropout, weight decay (log-uniform), the batch size
    and, for classifiers, label smoothing. For a user ``module`` only the architecture settings its
    constructor accepts are included. For a composite (a ``Pipeline``, ...)
    the names carry the step prefix (``"neuralclassifier__lr"``).

    Parameters
    ----------
    estimator : estimator
        A ``NeuralClassifier`` or ``NeuralRegressor``, or a composite holding
        one or more.
    backend : {"skopt", "optuna", "hyperopt", "sklearn"}, default="skopt"
        Who consumes the space:

        - ``"skopt"``: a dict of ``skopt.space`` dimensions for
          ``skopt.BayesSearchCV``; layer sizes are :class:`LayerSizes`
          categories.
        - ``"optuna"``: a callable ``space(trial) -> params`` for
          :class:`OptunaSearchCV`; it suggests ``depth`` and ``width`` and
          builds ``hidden_layer_sizes`` from them.
        - ``"hyperopt"``: a dict of ``hyperopt.hp`` expressions for
          :class:`HyperoptSearchCV`.
        - ``"sklearn"``: a dict of ``scipy.stats`` distributions and lists
          for ``RandomizedSearchCV`` and ``HalvingRandomSearchCV``.

    Returns
    -------
    dict or callable
        The space in the backend's own format.

    Examples
    --------
    >>> from skopt import BayesSearchCV
    >>> from skneural import NeuralClassifier
    >>> from skneural.model_selection import search_space
    >>> clf = NeuralClassifier(random_state=0)
    >>> sorted(search_space(clf))
    ['batch_size', 'dropout', 'hidden_layer_sizes', 'label_smoothing', 'lr', 'weight_decay']
    >>> search = BayesSearchCV(clf, search_space(clf), n_iter=30)
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {list(BACKENDS)}, got {backend!r}.")
    dimensions = {}
    for prefix, step in neural_steps(estimator).items():
        dimensions.update({prefix + name: dim for name, dim in _default_dimensions(step).items()})
    return _CONVERTERS[backend](dimensions)


def _default_dimensions(estimator) -> dict:
    accepted = accepted_params(estimator.module, _ARCHITECTURE)
    task = _CLASSIFIER if is_classifier(estimator) else {}
    return {**accepted, **_TRAINING, **task}


def _to_sklearn(dimensions: dict) -> dict:
    from scipy.stats import loguniform, uniform

    space = {}
    for name, dim in dimensions.items():
        if isinstance(dim, _Range):
            space[name] = (
                loguniform(dim.low, dim.high) if dim.log else uniform(dim.low, dim.high - dim.low)
            )
        elif isinstance(dim, _Layers):
            space[name] = dim.options()
        else:
            space[name] = list(dim.options)
    return space


def _to_skopt(dimensions: dict) -> dict:
    from skopt.space import Categorical, Real

    space = {}
    for name, dim in dimensions.items():
        if isinstance(dim, _Range):
            space[name] = Real(dim.low, dim.high, prior="log-uniform" if dim.log else "uniform")
        elif isinstance(dim, _Layers):
            space[name] = Categorical([LayerSizes(*sizes) for sizes in dim.options()])
        else:
            space[name] = Categorical(list(dim.options))
    return space


def _to_hyperopt(dimensions: dict) -> dict:
    feature = 'search_space(backend="hyperopt")'
    hp = import_optional("hyperopt", extra="hyperopt", feature=feature).hp
    space = {}
    for name, dim in dimensions.items():
        if isinstance(dim, _Range):
            space[name] = (
                hp.loguniform(name, math.log(dim.low), math.log(dim.high))
                if dim.log
                else hp.uniform(name, dim.low, dim.high)
            )
        elif isinstance(dim, _Layers):
            space[name] = hp.choice(name, dim.options())
        else:
            space[name] = hp.choice(name, list(dim.options))
    return space


def _to_optuna(dimensions: dict):
    import_optional("optuna", extra="optuna", feature='search_space(backend="optuna")')
    return OptunaSpace(dimensions)


class OptunaSpace:
    """A define-by-run Optuna search space: ``space(trial)`` returns parameters.

    Returned by ``search_space(estimator, backend="optuna")``. Floats are
    suggested with ``trial.suggest_float``, sets with
    ``trial.suggest_categorical``; ``hidden_layer_sizes`` is built from two
    suggestions, ``depth`` and ``width`` (with the same prefix), because
    Optuna's categorical choices must be plain scalars.

    Parameters
    ----------
    dimensions : dict
        Parameter name to dimension, as built by :func:`search_space`.
    """

    def __init__(self, dimensions: dict):
        self.dimensions = dimensions

    def __call__(self, trial) -> dict:
        """Suggest one value per dimension on ``trial``; return estimator parameters."""
        params = {}
        for name, dim in self.dimensions.items():
            if isinstance(dim, _Range):
                params[name] = trial.suggest_float(name, dim.low, dim.high, log=dim.log)
            elif isinstance(dim, _Layers):
                stem = name[: -len("hidden_layer_sizes")]
                depth = trial.suggest_categorical(f"{stem}depth", dim.depths)
                width = trial.suggest_categorical(f"{stem}width", dim.widths)
                params[name] = (width,) * depth
            else:
                params[name] = trial.suggest_categorical(name, dim.options)
        return params

    def __repr__(self):
        return f"OptunaSpace({', '.join(self.dimensions)})"


_CONVERTERS = {
    "skopt": _to_skopt,
    "optuna": _to_optuna,
    "hyperopt": _to_hyperopt,
    "sklearn": _to_sklearn,
}
