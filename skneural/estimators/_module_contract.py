"""Check that a freshly built network can be trained as the estimator trains it."""

from contextlib import contextmanager

import torch

from ..training._inference import check_output_shape


def check_new_network(module, sample, n_outputs: int, device, owner: str) -> None:
    """Raise a clear error where ``module`` breaks the contract of a network.

    Run once on a freshly built module, before training: it must have a
    trainable parameter, run on the rows of ``sample`` (so its parameters
    must be of the dtype skneural trains in), and map them to floating-point
    outputs of shape ``(n_rows, n_outputs)``. Each break would otherwise
    surface as a raw torch error from the middle of the first training step.

    Parameters
    ----------
    module : torch.nn.Module
        The network, on ``device``.
    sample : ndarray
        A few rows of the network input.
    n_outputs : int
        The width the loss needs.
    device : torch.device
        Where ``module`` lives.
    owner : str
        Name of the estimator, used in error messages.
    """
    _check_trainable_parameters(module, owner)
    recorder = _OutputRecorder(module)
    with _parameter_dtypes_explained(module, owner):
        check_output_shape(recorder, sample, n_outputs, device, owner)
    _check_output_dtype(recorder.outputs, owner)


class _OutputRecorder(torch.nn.Module):
    """``module`` as it is, keeping the output of its last forward pass (a
    wrapper, as forward hooks are not supported on TorchScript modules)."""

    def __init__(self, module):
        super().__init__()
        self.module = module
        self.outputs = None
        # The wrapper's mode only, not a recursive train(): the mode switches
        # of check_output_shape then reach the module as they would unwrapped.
        self.training = module.training

    def forward(self, X):
        self.outputs = self.module(X)
        return self.outputs


def _check_trainable_parameters(module, owner: str) -> None:
    parameters = list(module.parameters())
    if any(parameter.requires_grad for parameter in parameters):
        return
    reason = (
        f"all {len(parameters)} of its parameters are frozen (requires_grad=False)"
        if parameters
        else "it has no parameters"
    )
    raise ValueError(
        f"The module of {owner} has no trainable parameters: {reason}, so training "
        "could not change it. Give it at least one parameter with requires_grad=True."
    )


@contextmanager
def _parameter_dtypes_explained(module, owner: str):
    """Turn the ``RuntimeError`` of a first forward pass through a module
    whose parameters are not float32 (``.double()``, ``.half()``) into a
    ``TypeError`` that names their dtype; other errors pass unchanged."""
    try:
        yield
    except RuntimeError as exc:
        dtypes = _non_float32_parameter_dtypes(module)
        if not dtypes:
            raise
        raise TypeError(
            f"The module of {owner} has {'/'.join(dtypes)} parameters, but skneural trains "
            f"networks in float32, and its first forward pass failed ({exc}). Convert the "
            "module to float32 where it is built (call .float() on it)."
        ) from exc


def _non_float32_parameter_dtypes(module) -> list:
    """The names of the floating-point dtypes of ``module``'s parameters other than float32."""
    return sorted(
        {
            str(parameter.dtype).removeprefix("torch.")
            for parameter in module.parameters()
            if parameter.is_floating_point() and parameter.dtype != torch.float32
        }
    )


def _check_output_dtype(outputs, owner: str) -> None:
    if outputs.is_floating_point():
        return
    dtype = str(outputs.dtype).removeprefix("torch.")
    raise TypeError(
        f"The module of {owner} returns {dtype} outputs, but the loss needs "
        "floating-point logits or predictions with a gradient. Return the output of "
        "the last layer as it is, without casting it (.long(), .round(), argmax) or "
        "converting it to another dtype."
    )
