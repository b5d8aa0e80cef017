"""Build a ``torch.nn.Module`` from an estimator's ``module`` specification."""

import inspect

from torch import nn

from ._ft_transformer import FTTransformer
from ._inception_time import InceptionTime
from ._mlp import MLP
from ._recurrent import GRUNet, LSTMNet
from ._resnet import ResNet
from ._sequence_transformer import SequenceTransformer
from ._tcn import TCN

BUILTIN_MODULES = {
    "mlp": MLP,
    "resnet": ResNet,
    "ft_transformer": FTTransformer,
    # Sequence modules: input (n, C, T), NaN-padded at the end.
    "gru": GRUNet,
    "lstm": LSTMNet,
    "inception_time": InceptionTime,
    "tcn": TCN,
    "sequence_transformer": SequenceTransformer,
}


def _accepted_kwargs(factory, candidates: dict) -> dict:
    """Keep the entries of ``candidates`` that ``factory``'s signature accepts."""
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
    n_features_in: int,
    n_outputs: int,
    architecture_params: dict,
    module_params: dict,
    training_data=None,
) -> nn.Module:
    """Instantiate the network described by an estimator's parameters.

    Parameters
    ----------
    module : str or callable
        A key of ``BUILTIN_MODULES`` or a ``torch.nn.Module`` subclass (any
        callable returning a module works).
    n_features_in, n_outputs : int
        Input and output widths, passed when the constructor accepts them.
    architecture_params : dict
        The estimator's generic architecture settings (``hidden_layer_sizes``,
        ``activation``, ...), passed only where the constructor accepts them,
        so the same knobs tune built-in and user modules alike.
    module_params : dict
        Extra constructor arguments; these win over ``architecture_params``
        and are always passed (an unknown name raises an error there).
    training_data : ndarray, optional
        The training inputs. A module class with a ``data_dependent_kwargs(X,
        kwargs)`` class method (the built-in ones) completes its arguments
        from them, e.g. the bin edges of piecewise-linear embeddings.

    Returns
    -------
    torch.nn.Module
    """
    factory = BUILTIN_MODULES[module] if isinstance(module, str) else module
    shape_params = {"n_features_in": n_features_in, "n_outputs": n_outputs}
    kwargs = _accepted_kwargs(factory, {**shape_params, **architecture_params})
    kwargs.update(module_params)
    if training_data is not None and hasattr(factory, "data_dependent_kwargs"):
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
    return net
