"""Decide whether a Ctrl-C during ``fit`` ends the fit or the whole program."""

import sys

# Callers through which an interrupted fit is still "the user's own fit":
# the user stopping it wants the partly trained model back.
_TRANSPARENT_PREFIXES = ("skneural", "sklearn.pipeline", "sklearn.base", "sklearn.utils")
# Libraries that run many fits: an interrupt there must stop the whole run,
# or a search would silently rank a half-trained model.
_ORCHESTRATORS = (
    "sklearn",
    "joblib",
    "skopt",
    "optuna",
    "hyperopt",
    "dask",
    "distributed",
    "ray",
)


def interrupt_should_propagate() -> bool:
    """Whether a ``KeyboardInterrupt`` inside ``fit`` must be re-raised.

    It is swallowed (with a warning, keeping the model trained so far) when the
    user called ``fit`` directly or through a Pipeline, as scikit-learn's MLP
    does; it propagates when a search, cross-validation or ensemble is running
    the fit, so that no half-trained model is silently scored.
    """
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        transparent = module.startswith(_TRANSPARENT_PREFIXES)
        if not transparent and module.split(".")[0] in _ORCHESTRATORS:
            return True
        frame = frame.f_back
    return False
