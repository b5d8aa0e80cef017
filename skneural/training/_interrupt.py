"""Decide whether a Ctrl-C during ``fit`` ends the fit or the whole program."""

import sys

# Callers through which an interrupted fit is still "the user's own fit":
# the user stopping it wants the partly trained model back.
_TRANSPARENT = ("skneural", "sklearn.pipeline", "sklearn.base", "sklearn.utils")
# Callers that run many fits, or build a model out of several: an interrupt
# there must stop the whole run, or a search would silently rank a
# half-trained model and an ensemble would keep a part of its members.
_ORCHESTRATORS = (
    "skneural.ensemble",
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
    the fit, so that no half-trained model is silently scored. Each caller's
    module is looked up in both lists and the most specific entry decides:
    ``skneural.ensemble`` runs many fits although the rest of skneural passes
    the fit through.
    """
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if _longest_match(module, _ORCHESTRATORS) > _longest_match(module, _TRANSPARENT):
            return True
        frame = frame.f_back
    return False


def _longest_match(module: str, packages: tuple) -> int:
    """Length of the longest of ``packages`` that is ``module`` or holds it; 0 for none."""
    return max(
        (len(package) for package in packages if f"{module}.".startswith(f"{package}.")),
        default=0,
    )
