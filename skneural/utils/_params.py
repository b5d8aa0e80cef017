"""Helpers for messages about parameter names."""

import difflib
import functools
import inspect
from collections.abc import Iterable

_SCHEDULE = "callbacks=[LRScheduler(...)] (skneural.callbacks; e.g. 'reduce_on_plateau')"

# Parameters of scikit-learn's MLPClassifier and MLPRegressor that skneural
# names differently, and what to use instead. The other MLP parameters
# (hidden_layer_sizes, alpha, batch_size, early_stopping, ...) keep their names.
SKLEARN_MLP_NAMES = {
    "learning_rate_init": "lr",
    "max_iter": "max_epochs",
    "solver": "optimizer (e.g. 'adamw', 'adam', 'sgd')",
    "learning_rate": _SCHEDULE,
    "power_t": _SCHEDULE,
    "momentum": "optimizer='sgd' with optimizer_params={'momentum': ...}",
    "nesterovs_momentum": "optimizer='sgd' with optimizer_params={'nesterov': ...}",
    "beta_1": "optimizer_params={'betas': (beta_1, beta_2)}",
    "beta_2": "optimizer_params={'betas': (beta_1, beta_2)}",
    "epsilon": "optimizer_params={'eps': ...}",
    "max_fun": "max_epochs (max_fun only counts the lbfgs solver's function calls)",
}


def close_names_hint(name: str, candidates: Iterable[str]) -> str:
    """A sentence pointing from an unknown parameter name to the right one, or ``""``.

    A scikit-learn MLP name (``learning_rate_init``, ``max_iter``, ...), also
    behind a prefix such as ``"net__"``, gets skneural's equivalent (``" ...
    skneural's name is 'lr'."``); any other name the candidates closest to
    it (``" Did you mean 'lr'?"``).

    Parameters
    ----------
    name : str
        The unknown name.
    candidates : iterable of str
        The valid names.

    Returns
    -------
    str
        A sentence to append to an error message (empty when nothing is close).
    """
    prefix, _, param = name.rpartition("__")
    if param in SKLEARN_MLP_NAMES:
        instead = SKLEARN_MLP_NAMES[param]
        if prefix and instead.isidentifier():
            instead = f"{prefix}__{instead}"
        return (
            f" {param!r} is scikit-learn's MLP parameter; in skneural use "
            f"{instead if ' ' in instead else repr(instead)}."
        )
    matches = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    if not matches:
        return ""
    return " Did you mean " + " or ".join(repr(match) for match in matches) + "?"


def hint_unknown_keywords(init):
    """Wrap an estimator's ``__init__`` so that an unknown keyword names the right one.

    Python's own error for ``NeuralClassifier(learning_rate_init=0.01)`` is
    ``"unexpected keyword argument"`` and nothing more; the wrapped
    constructor raises the same ``TypeError`` with :func:`close_names_hint`
    appended. The signature is kept (``functools.wraps``), so scikit-learn's
    ``get_params`` and ``clone`` see the estimator's parameters unchanged. An
    ``__init__`` that takes ``**kwargs`` is returned as it is.

    Parameters
    ----------
    init : callable
        The ``__init__`` to wrap.

    Returns
    -------
    callable
    """
    parameters = inspect.signature(init).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return init  # takes any keyword: Python and the callee decide
    valid = [name for name in parameters if name != "self"]

    @functools.wraps(init)
    def checked_init(self, *args, **kwargs):
        for name in kwargs:
            if name not in valid:
                raise TypeError(
                    f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                    f"{name!r}.{close_names_hint(name, valid)}"
                )
        init(self, *args, **kwargs)

    return checked_init
