"""Named learning-rate schedules and how to build any torch scheduler.

Each preset maps user ``params`` onto a :mod:`torch.optim.lr_scheduler` class,
filling in the values that depend on the fit (the number of steps, the
optimizer's learning rate, whether the monitored metric is minimised).
"""

from numbers import Integral

from torch.optim import lr_scheduler

from ._monitor import metric_direction

_WARMUP_DEFAULTS = {"warmup_steps": 5, "start_factor": 0.1, "then": "constant", "eta_min": 0.0}


def _positive_int(options: dict, key: str):
    """``options[key]``, or a ``ValueError`` unless it is a positive integer.

    For the lengths torch does not check: a zero ``step_size`` or ``T_max``
    divides by zero at the first step.
    """
    value = options[key]
    if not (isinstance(value, Integral) and not isinstance(value, bool) and value >= 1):
        raise ValueError(f"{key} must be a positive integer, got {value!r}.")
    return value


def _step(optimizer, params, *, total_steps, monitor):
    options = {"step_size": 10, "gamma": 0.1, **params}
    _positive_int(options, "step_size")
    return lr_scheduler.StepLR(optimizer, **options)


def _cosine(optimizer, params, *, total_steps, monitor):
    options = {"T_max": total_steps, **params}
    _positive_int(options, "T_max")
    return lr_scheduler.CosineAnnealingLR(optimizer, **options)


def _one_cycle(optimizer, params, *, total_steps, monitor):
    peaks = [group["lr"] for group in optimizer.param_groups]
    return lr_scheduler.OneCycleLR(
        optimizer, **{"max_lr": peaks, "total_steps": total_steps, **params}
    )


def _reduce_on_plateau(optimizer, params, *, total_steps, monitor):
    if "mode" not in params:
        params = {"mode": metric_direction(monitor, "LRScheduler"), **params}
    return lr_scheduler.ReduceLROnPlateau(optimizer, **params)


def _linear_warmup(optimizer, params, *, total_steps, monitor):
    unknown = set(params) - set(_WARMUP_DEFAULTS)
    if unknown:
        raise TypeError(f"unexpected params {sorted(unknown)}; valid: {sorted(_WARMUP_DEFAULTS)}")
    options = {**_WARMUP_DEFAULTS, **params}
    warmup_steps, then = _positive_int(options, "warmup_steps"), options["then"]
    if then not in ("constant", "cosine"):
        raise ValueError(f"then must be 'constant' or 'cosine', got {then!r}.")
    warmup = lr_scheduler.LinearLR(
        optimizer, start_factor=options["start_factor"], total_iters=warmup_steps
    )
    if then == "constant":
        return warmup
    cosine = lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=max(1, total_steps - warmup_steps), eta_min=options["eta_min"]
    )
    return lr_scheduler.SequentialLR(optimizer, [warmup, cosine], milestones=[warmup_steps])


PRESETS = {
    "step": _step,
    "cosine": _cosine,
    "one_cycle": _one_cycle,
    "reduce_on_plateau": _reduce_on_plateau,
    "linear_warmup": _linear_warmup,
}


def is_plateau_policy(policy) -> bool:
    """Whether ``policy`` steps on a metric (ReduceLROnPlateau) rather than a count."""
    if isinstance(policy, str):
        return policy == "reduce_on_plateau"
    return isinstance(policy, type) and issubclass(policy, lr_scheduler.ReduceLROnPlateau)


def build_schedule(policy, optimizer, params: dict, *, total_steps: int, monitor: str | None):
    """Instantiate the scheduler that ``policy`` names for ``optimizer``.

    Parameters
    ----------
    policy : str or type
        A key of ``PRESETS`` or a subclass of
        :class:`torch.optim.lr_scheduler.LRScheduler` (``ReduceLROnPlateau``
        included).
    optimizer : torch.optim.Optimizer
    params : dict
        Keyword arguments of the scheduler; they override the preset's.
    total_steps : int
        Scheduler steps this fit will take at most.
    monitor : str or None
        The metric a plateau scheduler watches.

    Returns
    -------
    torch.optim.lr_scheduler.LRScheduler
    """
    if isinstance(policy, str):
        builder = PRESETS[policy]
    elif isinstance(policy, type) and issubclass(policy, lr_scheduler.LRScheduler):

        def builder(optimizer, params, **context):
            return policy(optimizer, **params)

    else:
        raise TypeError(
            "policy must be a preset name or a torch.optim.lr_scheduler class, "
            f"got {type(policy).__name__}: {policy!r}."
        )
    name = schedule_name(policy)
    try:
        return builder(optimizer, params, total_steps=total_steps, monitor=monitor)
    except TypeError as exc:
        raise TypeError(
            f"Could not build the learning-rate schedule {name} with params {sorted(params)}: {exc}"
        ) from exc
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(
            f"Could not build the learning-rate schedule {name} with params={params!r}: {exc}"
        ) from exc


def schedule_name(policy) -> str:
    """How messages name ``policy``: a preset's quoted name or the class name."""
    return repr(policy) if isinstance(policy, str) else policy.__name__
