"""Constructor-argument checks shared by the built-in modules."""

import math
from collections.abc import Iterable
from numbers import Integral, Real


def check_int(name: str, value, minimum: int) -> int:
    """Return ``value`` as an ``int`` or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def check_positive(name: str, value) -> float:
    """Return ``value`` as a ``float`` or raise if it is not a finite real number > 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not value > 0
        or not math.isfinite(value)
    ):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}.")
    return float(value)


def check_probability(name: str, value) -> float:
    """Return ``value`` as a ``float`` or raise if it is not in ``[0, 1)``."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}.")
    return float(value)


def check_fraction(name: str, value) -> float:
    """Return ``value`` as a ``float`` or raise if it is not in ``[0, 1]``."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}.")
    return float(value)


def check_layer_sizes(name: str, value) -> tuple[int, ...]:
    """Return ``value`` as a tuple of ints or raise if it is not a sequence of
    integers >= 1 (it may be empty)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(
            f"{name} must be a sequence of layer widths, e.g. (128, 128), got {value!r}."
        )
    return tuple(check_int(f"each entry of {name}", width, 1) for width in value)


def check_option(name: str, value, options) -> None:
    """Raise if ``value`` is not one of ``options``."""
    if value not in options:
        shown = sorted(options, key=repr)
        raise ValueError(f"{name} must be one of {shown}, got {value!r}.")
