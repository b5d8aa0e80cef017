"""Resolve the ``device`` parameter to a ``torch.device``."""

import warnings

import torch


def resolve_device(device: str) -> torch.device:
    """Turn ``"cpu"``, ``"cuda"``, ``"cuda:N"``, ``"mps"`` or ``"auto"`` into a device.

    ``"auto"`` picks CUDA when it is available and the CPU otherwise. Asking
    for CUDA (or MPS) explicitly on a machine without it falls back to the CPU
    with a ``UserWarning`` that says so, never silently: the same script runs
    on a laptop and on a GPU server, and a job that will run many times slower
    than its author expects is announced. A GPU index that does not exist on a
    machine with CUDA is a ``ValueError`` (a typo, not a missing GPU).
    """
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(
            f"device={device!r} is not a valid torch device; use 'cpu', 'cuda', 'cuda:N' or 'auto'."
        ) from None
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            return _cpu_instead(
                device, "CUDA is not available on this machine (torch.cuda.is_available() is False)"
            )
        if resolved.index is not None and resolved.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} was requested but only "
                f"{torch.cuda.device_count()} CUDA device(s) are visible."
            )
    elif resolved.type == "mps" and not torch.backends.mps.is_available():
        return _cpu_instead(device, "MPS is not available on this machine")
    return resolved


def _cpu_instead(device: str, reason: str) -> torch.device:
    warnings.warn(
        f"device={device!r} was requested but {reason}; training and predicting on "
        "the CPU instead, which can be many times slower. Use device='cpu' to silence "
        "this warning, or device='auto' to use a GPU only when one is present.",
        UserWarning,
        stacklevel=8,  # the user's call of fit or partial_fit
    )
    return torch.device("cpu")


def loadable_device(device: torch.device) -> torch.device:
    """The device a model saved on ``device`` can use here (CPU if it is gone)."""
    if device.type == "cuda" and not torch.cuda.is_available():
        return torch.device("cpu")
    if device.type == "mps" and not torch.backends.mps.is_available():
        return torch.device("cpu")
    return device
