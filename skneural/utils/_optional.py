"""Import optional dependencies with an error that names the extra to install."""

import importlib
from types import ModuleType


def import_optional(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``module``, or raise an ``ImportError`` saying how to install it.

    Parameters
    ----------
    module : str
        Module to import, e.g. ``"optuna"``.
    extra : str
        The skneural extra that installs it, e.g. ``"optuna"``.
    purpose : str
        What needs it, e.g. ``"OptunaSearchCV"``; starts the message.

    Returns
    -------
    module
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.partition(".")[0]
        raise ImportError(
            f"{purpose} needs the optional package {package!r}, which is not installed. "
            f'Install it with: pip install "skneural[{extra}]"'
        ) from exc
