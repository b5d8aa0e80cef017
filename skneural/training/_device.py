"""Resolve the ``device`` parameter to a ``torch.device``."""

import torch


def resolve_device(device: str) -> torch.device:
    """Turn ``"cpu"``, ``"cuda"``, ``"cuda:N"``, ``"mps"`` or ``"auto"`` into a device.

    ``"auto"`` picks CUDA when it is available and the CPU otherwise. Asking
    for CUDA explicitly on a machine without it is an error rather than a
    silent switch, so a job never runs 50x slower than its author expects.
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
            raise ValueError(
                f"device={device!r} was requested but CUDA is not available on this "
                "machine (torch.cuda.is_available() is False). Use device='cpu', or "
                "device='auto' to use a GPU only when one is present."
            )
        if resolved.index is not None and resolved.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} was requested but only "
                f"{torch.cuda.device_count()} CUDA device(s) are visible."
            )
    elif resolved.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device={device!r} was requested but MPS is not available.")
    return resolved


def loadable_device(device: torch.device) -> torch.device:
    """The device a model saved on ``device`` can use here (CPU if it is gone)."""
    if device.type == "cuda" and not torch.cuda.is_available():
        return torch.device("cpu")
    if device.type == "mps" and not torch.backends.mps.is_available():
        return torch.device("cpu")
    return device
