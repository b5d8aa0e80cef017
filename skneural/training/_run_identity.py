"""What makes two fits the same training run.

A checkpoint may only be resumed by a fit that would train exactly as the one
that wrote it. The *identity* of a fit is a dict of plain values (so it is
stored inside the checkpoint and loads with ``weights_only=True``) that holds
everything the training depends on: the estimator's class and parameters, the
seeds it drew, the data and how many epochs it continues. Settings that never
change the training (``verbose``, a progress bar, where checkpoints go) are
left out, so changing them still resumes.
"""

import hashlib
import inspect
import json
from numbers import Integral, Real

import joblib
import numpy as np
from sklearn.base import BaseEstimator

# Entries of an identity, and what a difference in each means.
_MEANINGS = {
    "estimator": "a different estimator class",
    "data": "different training data (X, y or sample_weight)",
    "epochs_done": "a different number of epochs trained before this fit (warm start)",
}


def describe(value):
    """A plain, process-independent description of a parameter value.

    Numbers, strings and ``None`` stand for themselves; containers are
    described entry by entry; callbacks by their class and the settings that
    change the training; scikit-learn estimators by their class and
    parameters; functions and classes by their qualified name (plus the
    bytecode of Python functions); arrays and other objects by a content
    hash. Memory addresses never enter, so the same settings describe alike
    in every process.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, dict):
        return {str(key): describe(entry) for key, entry in value.items()}
    if isinstance(value, list | tuple):
        return [describe(entry) for entry in value]
    if hasattr(value, "_identity"):  # a skneural callback
        return describe(value._identity())
    if isinstance(value, BaseEstimator):
        return {"class": _qualified_name(type(value)), "params": describe(value.get_params(False))}
    if isinstance(value, np.ndarray):
        return f"ndarray:{joblib.hash(value)}"
    if inspect.isfunction(value):
        code = hashlib.sha256(value.__code__.co_code).hexdigest()[:16]
        return f"{_qualified_name(value)}:{code}"
    if inspect.isclass(value) or callable(value) and hasattr(value, "__qualname__"):
        return _qualified_name(value)
    if hasattr(value, "__iter__") and hasattr(value, "__len__"):  # LayerSizes, ...
        return [describe(entry) for entry in value]
    try:
        return f"{_qualified_name(type(value))}:{joblib.hash(value)}"
    except Exception:  # objects that do not pickle
        return _qualified_name(type(value))


def _qualified_name(obj) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def run_id(identity: dict) -> str:
    """The identifier of the run with this identity (hexadecimal, 32 characters)."""
    canonical = json.dumps(identity, sort_keys=True, allow_nan=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def identity_differences(saved, current: dict) -> list[str]:
    """Why two identities differ, one phrase per difference, for error messages."""
    if not isinstance(saved, dict):
        return ["it records no identity"]
    differences = []
    saved_params, params = saved.get("params", {}), current.get("params", {})
    for name in sorted(set(saved_params) | set(params)):
        if saved_params.get(name) != params.get(name):
            differences.append(
                f"{name}={_short(saved_params.get(name))} there, {_short(params.get(name))} here"
            )
    if saved.get("seeds") != current.get("seeds") and saved_params == params:
        differences.append(
            "different random seeds: random_state=None draws new ones for every fit, "
            "so only a fit with a fixed random_state can be resumed"
        )
    for key, meaning in _MEANINGS.items():
        if saved.get(key) != current.get(key):
            differences.append(meaning)
    return differences or ["its identity differs"]


def _short(description, limit=120) -> str:
    text = json.dumps(description)
    return text if len(text) <= limit else text[: limit - 3] + "..."
