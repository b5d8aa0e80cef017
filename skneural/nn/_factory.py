"""Build a ``torch.nn.Module`` from an estimator's ``module`` specification."""

import inspect

from torch import nn

from ._cnn import CNN
from ._ft_transformer import FTTransformer
from ._inception_time import InceptionTime
from ._mlp import MLP
from ._recurrent import GRUNet, LSTMNet
from ._resnet import ResNet
from ._resnet_cnn import ResNetCNN
from ._sequence_transformer import SequenceTransformer
from ._tcn import TCN

BUILTIN_MODULES = {
    "mlp": MLP,
    "resnet": ResNet,
    "ft_transformer": FTTransformer,
    "cnn": CNN,
    "resnet_cnn": ResNetCNN,
    # Sequence modules: input (n, C, T), NaN-padded at the end.
    "gru": GRUNet,
    "lstm": LSTMNet,
    "inception_time": InceptionTime,
    "tcn": TCN,
    "sequence_transformer": SequenceTransformer,
}


def module_factory(module):
    """The callable that builds ``module``: a built-in class for its name, else ``module``."""
    return BUILTIN_MODULES[module] if isinstance(module, str) else module


def accepted_params(module, candidates: dict) -> dict:
    """The entries of ``candidates`` that ``module``'s constructor accepts.

    Parameters
    ----------
    module : str or callable
        A key of ``BUILTIN_MODULES`` or a callable returning a module.
    candidates : dict
        Keyword arguments the caller could pass.

    Returns
    -------
    dict
        All of ``candidates`` when the constructor takes ``**kwargs``; none
        when its signature cannot be inspected.
    """
    factory = module_factory(module)
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return {}
    parameters = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return dict(candidates)
    return {k: v for k, v in candidates.items() if k in signature.parameters}


def build_module(
    module,
    *,
    n_outputs: int,
    architecture_params: dict,
    module_params: dict,
    n_features_in: int | None = None,
    input_params: dict | None = None,
    training_data=None,
) -> nn.Module:
    """Instantiate the network described by an estimator's parameters.

    Parameters
    ----------
    module : str or callable
        A key of ``BUILTIN_MODULES`` or a ``torch.nn.Module`` subclass (any
        callable returning a module works).
    n_outputs : int
        Output width, passed when the constructor accepts it.
    architecture_params : dict
        The estimator's generic architecture settings (``hidden_layer_sizes``,
        ``activation``, ...), passed only where the constructor accepts them,
        so the same knobs tune built-in and user modules alike.
    module_params : dict
        Extra constructor arguments; these win over ``architecture_params``
        and are always passed (an unknown name raises an error there).
    n_features_in : int, optional
        Input width, passed when the constructor accepts it (an entry of
        ``input_params`` too).
    input_params : dict, optional
        What the estimator's input layer tells about the input tensor
        (``n_features_in``, ``input_shape``, ``categorical_cardinalities``),
        passed where the constructor accepts it, like ``architecture_params``.
    training_data : ndarray or callable, optional
        The training inputs, or a function returning them. A module class
        with a ``data_dependent_kwargs(X, kwargs)`` class method (the
        built-in ones) completes its arguments from them, e.g. the bin edges
        of piecewise-linear embeddings. A function is called only when the
        class needs the rows: when it also has ``needs_training_data(kwargs)``
        and that returns False, the hook gets ``X=None`` instead.

    Returns
    -------
    torch.nn.Module
        A built-in module also carries ``build_spec``: its name and all its
        constructor arguments, defaults included (after
        ``data_dependent_kwargs``), so :func:`rebuild_module` makes it again
        without the training data, whatever later versions change in the
        defaults.
    """
    factory = module_factory(module)
    shape_params = dict(input_params or {})
    if n_features_in is not None:
        shape_params["n_features_in"] = n_features_in
    shape_params["n_outputs"] = n_outputs
    kwargs = accepted_params(factory, {**shape_params, **architecture_params})
    kwargs.update(module_params)
    if training_data is not None and hasattr(factory, "data_dependent_kwargs"):
        if callable(training_data):
            needs = getattr(factory, "needs_training_data", None)
            training_data = training_data() if needs is None or needs(kwargs) else None
        kwargs = factory.data_dependent_kwargs(training_data, kwargs)
    try:
        net = factory(**kwargs)
    except TypeError as exc:
        name = getattr(factory, "__name__", repr(factory))
        raise TypeError(
            f"Could not build module {name} with arguments {sorted(kwargs)}: {exc}"
        ) from exc
    if not isinstance(net, nn.Module):
        raise TypeError(f"module must build a torch.nn.Module, got {type(net).__name__} instead.")
    if isinstance(module, str):
        net.build_spec = {"module": module, "kwargs": _with_defaults(factory, kwargs)}
    return net


def _with_defaults(factory, kwargs: dict) -> dict:
    """``kwargs`` completed with the defaults of ``factory``'s other arguments,
    so that a module rebuilt from them stays the same when defaults change."""
    bound = inspect.signature(factory).bind_partial(**kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    for name, parameter in inspect.signature(factory).parameters.items():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            arguments.update(arguments.pop(name, {}))
    return arguments


def rebuild_module(build_spec: dict) -> nn.Module:
    """A new, untrained built-in module made from the ``build_spec`` that
    :func:`build_module` recorded on another."""
    name, kwargs = build_spec["module"], build_spec["kwargs"]
    if name not in BUILTIN_MODULES:
        raise ValueError(
            f"{name!r} is not a built-in module; expected one of {sorted(BUILTIN_MODULES)}."
        )
    net = BUILTIN_MODULES[name](**kwargs)
    net.build_spec = {"module": name, "kwargs": dict(kwargs)}
    return net
