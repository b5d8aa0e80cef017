"""Names under which an estimator's callbacks expose their settings."""

from collections import Counter


def callback_names(callbacks) -> list[str]:
    """Lower-cased class names, numbered ``-1``, ``-2``, ... when a class repeats.

    These are the names of ``callbacks__<name>__<param>`` parameters, built
    the way :func:`sklearn.pipeline.make_pipeline` names its steps.

    Parameters
    ----------
    callbacks : list of Callback

    Returns
    -------
    list of str
    """
    names = [type(callback).__name__.lower() for callback in callbacks]
    counts = Counter(names)
    seen = Counter()
    unique = []
    for name in names:
        if counts[name] > 1:
            seen[name] += 1
            name = f"{name}-{seen[name]}"
        unique.append(name)
    return unique
