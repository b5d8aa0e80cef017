"""Per-epoch record of a training run."""


class History(list):
    """A list of per-epoch dicts (``epoch``, ``train_loss``, ``valid_loss``, ...).

    It stays a plain list so it pickles small and is easy to inspect; use
    :meth:`to_frame` for a :class:`pandas.DataFrame` and :meth:`column` for one
    metric across epochs.

    Parameters
    ----------
    iterable : iterable of dict, optional
        Epoch rows to start from (as for :class:`list`).

    Examples
    --------
    >>> h = History([{"epoch": 1, "train_loss": 0.9}, {"epoch": 2, "train_loss": 0.5}])
    >>> h.column("train_loss")
    [0.9, 0.5]
    """

    def column(self, name: str) -> list:
        """Return the values of one metric over the epochs that recorded it.

        Parameters
        ----------
        name : str
            A history key, e.g. ``"valid_loss"``.

        Returns
        -------
        list
            One value per epoch that has ``name``, in epoch order.
        """
        return [row[name] for row in self if name in row]

    def to_frame(self):
        """Return the history as a table.

        Returns
        -------
        pandas.DataFrame
            One row per epoch, indexed by ``epoch``, one column per metric.
        """
        import pandas as pd

        return pd.DataFrame(list(self)).set_index("epoch")
