"""Per-epoch record of a training run."""


class History(list):
    """A list of per-epoch dicts (``epoch``, ``train_loss``, ``valid_loss``, ...).

    It stays a plain list so it pickles small and is easy to inspect; use
    :meth:`to_frame` for a :class:`pandas.DataFrame` and :meth:`column` for one
    metric across epochs.

    Examples
    --------
    >>> h = History([{"epoch": 1, "train_loss": 0.9}, {"epoch": 2, "train_loss": 0.5}])
    >>> h.column("train_loss")
    [0.9, 0.5]
    """

    def column(self, name: str) -> list:
        """Values of ``name`` over the epochs that recorded it."""
        return [row[name] for row in self if name in row]

    def to_frame(self):
        """The history as a :class:`pandas.DataFrame` indexed by epoch."""
        import pandas as pd

        return pd.DataFrame(list(self)).set_index("epoch")
