"""Train the head first, then unfreeze the network layer group by layer group."""

from numbers import Integral

from ..utils._sklearn_compat import Interval
from ._base import Callback


class GradualUnfreezing(Callback):
    """Unfreeze the network's layer groups one by one, from the head backwards.

    When training begins only the last ``initially_trainable`` layer groups
    train (the head is the last group); every ``epochs_per_group`` epochs one
    more group, the next one towards the input, starts training, until the
    whole network does. Fine-tuning a pretrained network this way lets the
    new head settle before its errors reach the pretrained layers (Howard
    and Ruder, "Universal Language Model Fine-tuning for Text
    Classification", 2018).

    The groups are those of the network's ``layer_groups()`` (see
    :class:`skneural.nn.FineTunableModule`; every built-in module has it).
    Parameters that were frozen when training began (by the ``freeze`` of
    a fine-tuning backbone, ``skneural.zoo.backbone``) stay frozen; when
    training ends every other parameter trains again, so a later
    ``warm_start`` fit starts from the same schedule. A frozen parameter
    gets no gradient, so neither the optimizer nor its weight decay moves
    it. Every fit runs the schedule from its start, also with
    ``warm_start=True``; each ``partial_fit`` call is a fit of one epoch, so
    the schedule does not advance across ``partial_fit`` calls.

    Parameters
    ----------
    epochs_per_group : int, default=1
        Epochs between two unfreezings.
    initially_trainable : int, default=1
        Layer groups, counted from the head, that train from the first epoch.

    Attributes
    ----------
    start_epoch_ : int
        The first epoch of the fit (epochs count across ``warm_start`` fits).
    n_trainable_ : int
        Layer groups training in the current epoch.

    Examples
    --------
    >>> from skneural import NeuralClassifier
    >>> from skneural.callbacks import GradualUnfreezing
    >>> clf = NeuralClassifier(callbacks=[GradualUnfreezing(epochs_per_group=2)])
    """

    _parameter_constraints: dict = {
        "epochs_per_group": [Interval(Integral, 1, None, closed="left")],
        "initially_trainable": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, epochs_per_group=1, initially_trainable=1):
        self.epochs_per_group = epochs_per_group
        self.initially_trainable = initially_trainable

    def on_train_begin(self, trainer, **kwargs):
        module = trainer.module
        if not hasattr(module, "layer_groups"):
            raise TypeError(
                f"GradualUnfreezing needs a network with layer_groups() (see "
                f"skneural.nn.FineTunableModule); {type(module).__name__} has none."
            )
        self._groups = [params for _, params in module.layer_groups()]
        # Parameters frozen before training began are not this callback's to unfreeze.
        self._trainable = [[p for p in params if p.requires_grad] for params in self._groups]
        self.start_epoch_ = trainer.epoch + 1
        self._apply(self.initially_trainable)

    def on_epoch_begin(self, trainer, epoch, **kwargs):
        unfrozen = (epoch - self.start_epoch_) // self.epochs_per_group
        self._apply(self.initially_trainable + unfrozen)

    def on_train_end(self, trainer, **kwargs):
        for params in getattr(self, "_trainable", None) or []:
            for parameter in params:
                parameter.requires_grad_(True)
        self._groups = self._trainable = None

    def _apply(self, n_trainable: int) -> None:
        """Train the last ``n_trainable`` groups and freeze the others."""
        self.n_trainable_ = min(n_trainable, len(self._trainable))
        first = len(self._trainable) - self.n_trainable_
        for index, params in enumerate(self._trainable):
            for parameter in params:
                parameter.requires_grad_(index >= first)

    def state_dict(self) -> dict:
        """Where the schedule stands: its first epoch and the groups training.

        Returns
        -------
        dict
        """
        return {"start_epoch": self.start_epoch_, "n_trainable": self.n_trainable_}

    def load_state_dict(self, state: dict) -> None:
        """Continue the schedule of a :meth:`state_dict` (after ``on_train_begin``).

        Parameters
        ----------
        state : dict
            A state returned by :meth:`state_dict`.
        """
        self.start_epoch_ = int(state["start_epoch"])
        self._apply(int(state["n_trainable"]))
