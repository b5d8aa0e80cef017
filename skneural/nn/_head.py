"""The head convention: how fine-tuning finds, rebuilds and groups a network's layers.

Every built-in module ends in a ``head`` attribute whose last
``torch.nn.Linear`` is the output layer (``head`` is that layer itself, or a
``Sequential`` ending in it). :class:`FineTunableModule` reads that
convention once for all of them: it rebuilds the output layer for another
number of outputs, splits the parameters into layer groups from the input to
the head, and gives the optimizer its parameter groups (the backbone at a
scaled learning rate).
"""

from torch import nn


class FineTunableModule(nn.Module):
    """Base of the built-in modules: the head convention used for fine-tuning.

    A subclass sets ``self.head``, the last module its ``forward`` applies,
    whose last :class:`torch.nn.Linear` (``head`` itself or, for a
    ``Sequential``, its last such entry) makes the outputs. A user's module
    that subclasses this class and follows the convention can be fine-tuned
    like the built-in ones (``skneural.zoo.backbone``).

    Attributes
    ----------
    head : torch.nn.Module
        The output layer, or a module ending in it.
    backbone_lr_scale : float
        Learning rate of the parameters outside the head, relative to the
        optimizer's (1.0, the class default, trains everything alike; a
        fine-tuning backbone sets it on the instance).

    Methods
    -------
    output_layer()
        The output layer.
    reset_head(n_outputs)
        Replace the output layer by a new one with ``n_outputs`` outputs.
    layer_groups()
        The parameters in named groups from the input to the head (what
        :class:`~skneural.callbacks.GradualUnfreezing` unfreezes).
    parameter_groups()
        The optimizer's parameter groups, with their learning-rate scales.

    Examples
    --------
    >>> from skneural.nn import CNN
    >>> net = CNN(n_outputs=10, input_shape=(1, 8, 8), channels=(8, 16))
    >>> net.output_layer()
    Linear(in_features=16, out_features=10, bias=True)
    >>> net.reset_head(3)
    >>> [name for name, _ in net.layer_groups()]
    ['features.0', 'features.2', 'head']
    """

    head: nn.Module
    backbone_lr_scale: float = 1.0

    def output_layer(self) -> nn.Linear:
        """The output layer: the last ``torch.nn.Linear`` of ``head``.

        Returns
        -------
        torch.nn.Linear
        """
        return self._output_layer_slot()[2]

    def _output_layer_slot(self) -> tuple[nn.Module, str, nn.Linear]:
        """``(parent, attribute name, layer)`` of the output layer."""
        head = getattr(self, "head", None)
        if isinstance(head, nn.Linear):
            return self, "head", head
        found = None
        if isinstance(head, nn.Module):
            for name, layer in head.named_modules():
                if isinstance(layer, nn.Linear):
                    found = name, layer
        if found is None:
            raise TypeError(
                f"{type(self).__name__} has no output layer: its head attribute must be a "
                "torch.nn.Linear or a module ending in one, got "
                f"{type(head).__name__ if head is not None else 'none'}."
            )
        path, layer = found
        parent_path, _, name = path.rpartition(".")
        return head.get_submodule(parent_path), name, layer

    def reset_head(self, n_outputs: int) -> None:
        """Replace the output layer by a new, freshly initialised one with
        ``n_outputs`` outputs (same inputs, dtype and device); the rest of
        the network, the head's other layers included, keeps its weights.

        Parameters
        ----------
        n_outputs : int
            Number of outputs of the new layer.
        """
        parent, name, old = self._output_layer_slot()
        new = nn.Linear(old.in_features, n_outputs, bias=old.bias is not None)
        setattr(parent, name, new.to(device=old.weight.device, dtype=old.weight.dtype))
        spec = getattr(self, "build_spec", None)
        if spec is not None:  # rebuilt from its spec, the network gets the new head
            self.build_spec = {**spec, "kwargs": {**spec["kwargs"], "n_outputs": n_outputs}}

    def layer_groups(self) -> list[tuple[str, list[nn.Parameter]]]:
        """The parameters in named groups, from the input to the head.

        Each direct child module is a group, in the order the module
        defines them, except that a plain ``torch.nn.Sequential`` or
        ``torch.nn.ModuleList`` child gives one group per entry
        (``"features.0"``, ...); parameters held by the module itself form
        the first group (named after them); groups without parameters are
        left out; ``head`` is always the last group. Gradual unfreezing
        trains them from the last one backwards.

        Returns
        -------
        list of (str, list of torch.nn.Parameter)
        """
        own = dict(self.named_parameters(recurse=False))
        groups = [(",".join(own), list(own.values()))]
        for name, child in self.named_children():
            if name == "head":
                continue
            if type(child) in (nn.Sequential, nn.ModuleList):
                entries = [(f"{name}.{key}", entry) for key, entry in child.named_children()]
            else:
                entries = [(name, child)]
            groups += [(key, list(entry.parameters())) for key, entry in entries]
        groups.append(("head", list(self.head.parameters())))
        return [(name, params) for name, params in groups if params]

    def parameter_groups(self) -> list[dict]:
        """The optimizer's parameter groups: the head at the full learning
        rate, first, then the rest at ``backbone_lr_scale`` times it (one
        group when the scale is 1).

        Returns
        -------
        list of dict
            ``{"params": [...], "lr_scale": float}`` per group.
        """
        if self.backbone_lr_scale == 1.0:
            return [{"params": list(self.parameters()), "lr_scale": 1.0}]
        head = {id(p) for p in self.head.parameters()}
        return [
            {"params": list(self.head.parameters()), "lr_scale": 1.0},
            {
                "params": [p for p in self.parameters() if id(p) not in head],
                "lr_scale": float(self.backbone_lr_scale),
            },
        ]
