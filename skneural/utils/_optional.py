"""Import optional dependencies only when a feature needs them."""

import importlib
from types import ModuleType


def import_optional(module: str, *, extra: str, feature: str) -> ModuleType:
    """Import ``module`` or explain which extra to install.

    Parameters
    ----------
    module : str
        Dotted name of the module to import, e.g. ``"matplotlib.pyplot"``.
    extra : str
        The skneural extra that provides it, e.g. ``"plot"``.
    feature : str
        What needs it, named in the error message, e.g. ``"plot_history"``.

    Returns
    -------
    module : ModuleType
        The imported module.

    Raises
    ------
    ImportError
        When ``module`` is not installed; the message names the pip commands
        that install it.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        raise ImportError(
            f"{feature} needs the optional dependency {package!r}, which is not "
            f"installed. Install it with `pip install skneural[{extra}]` "
            f"(or `pip install {package}`)."
        ) from exc
