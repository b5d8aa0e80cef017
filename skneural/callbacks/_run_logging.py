"""What experiment loggers share: the values they log and unique run names."""

import datetime
import os
import uuid
from numbers import Real


def numeric_entries(logs: dict) -> dict[str, float]:
    """Every numeric entry of a history row except the epoch number."""
    return {
        name: float(value)
        for name, value in logs.items()
        if name != "epoch" and isinstance(value, Real) and not isinstance(value, bool)
    }


def unique_run_name() -> str:
    """A run name no other fit uses, also in parallel processes: the start
    time (sortable), the process id and a random suffix."""
    started = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{started}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
