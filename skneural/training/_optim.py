"""Build the optimizer named by an estimator's parameters."""

import torch

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
    "radam": torch.optim.RAdam,
    "nadam": torch.optim.NAdam,
}


def build_optimizer(optimizer, parameters, *, lr, weight_decay, optimizer_params):
    """Instantiate ``optimizer`` (a key of ``OPTIMIZERS`` or an optimizer class)."""
    factory = OPTIMIZERS[optimizer] if isinstance(optimizer, str) else optimizer
    kwargs = {"lr": lr, "weight_decay": weight_decay, **optimizer_params}
    try:
        return factory(parameters, **kwargs)
    except TypeError as exc:
        name = getattr(factory, "__name__", repr(factory))
        raise TypeError(
            f"Could not build optimizer {name} with arguments {sorted(kwargs)}: {exc}"
        ) from exc
