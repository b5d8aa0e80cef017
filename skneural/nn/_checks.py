"""Constructor-argument checks shared by the built-in modules."""

from numbers import Integral, Real


def check_int(name: str, value, minimum: int) -> int:
    """Return ``value`` as an ``int`` or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def check_positive(name: str, value) -> float:
    """Return ``value`` as a ``float`` or raise if it is not a real number > 0."""
    if isinstance(value, bool) or not isinstance(value, Real) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}.")
    return float(value)


def check_probability(name: str, value) -> float:
    """Return ``value`` as a ``float`` or raise if it is not in ``[0, 1)``."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}.")
    return float(value)


def check_option(name: str, value, options) -> None:
    """Raise if ``value`` is not one of ``options``."""
    if value not in options:
        shown = sorted(options, key=repr)
        raise ValueError(f"{name} must be one of {shown}, got {value!r}.")
