"""Check the parameter names of a search space against an estimator."""

from collections.abc import Iterable

from ..utils._params import close_names_hint


def check_param_names(estimator, names: Iterable, *, where: str) -> None:
    """Raise a ``ValueError`` naming the first parameter ``estimator`` lacks.

    A name is accepted when ``estimator.get_params(deep=True)`` lists it, or
    when it is an entry of a skneural dict parameter
    (``module_params__<key>``, ``optimizer_params__<key>``, ...), whose keys
    are free.

    Parameters
    ----------
    estimator : estimator
    names : iterable of str
    where : str
        What holds the names, for the message (e.g. ``"param_distributions"``).
    """
    valid = estimator.get_params(deep=True)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"The keys of {where} must be parameter names, got {name!r}.")
        if name in valid or _is_dict_entry(estimator, valid, name):
            continue
        raise ValueError(
            f"{where} names the parameter {name!r}, which {type(estimator).__name__} does "
            f"not have.{close_names_hint(name, valid)} See estimator.get_params() for the "
            "valid names."
        )


def _is_dict_entry(estimator, valid: dict, name: str) -> bool:
    head, sep, _ = name.rpartition("__")
    if not sep or head not in valid:
        return False
    owner_prefix, _, param = head.rpartition("__")
    owner = valid[owner_prefix] if owner_prefix else estimator
    return param in getattr(owner, "_dict_params", ())
