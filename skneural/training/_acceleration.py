"""Opt-in speed-ups of the training step: bfloat16 autocast and ``torch.compile``.

Both are off by default (``precision="fp32"``, ``compile=False``): they are
measured against a plain float32 torch loop by ``benchmarks/bench_speed.py
--variants bf16 compile`` and stay opt-in until they win there on the
devices skneural runs on (on a CPU, bfloat16 won only at large batches and
compiling not at all).
"""

import contextlib
from collections.abc import Callable, Iterator

import torch

PRECISIONS = ("fp32", "bf16")


def check_precision(precision: str, device: torch.device) -> None:
    """Raise a ``ValueError`` where ``precision`` cannot run on ``device``.

    ``"bf16"`` runs on CPUs (torch emulates the bfloat16 matrix products
    where the processor lacks them) and on CUDA GPUs with native bfloat16
    (compute capability 8.0, Ampere, or newer): on older GPUs torch would
    emulate it far slower than float32, which defeats the purpose.
    """
    if precision != "bf16":
        return
    if device.type == "cuda":
        if not torch.cuda.is_bf16_supported(including_emulation=False):
            raise ValueError(
                f"precision='bf16' needs a GPU with native bfloat16 (compute capability "
                f"8.0 or newer); {torch.cuda.get_device_name(device)} has none. Use "
                "precision='fp32'."
            )
    elif device.type != "cpu":
        raise ValueError(
            f"precision='bf16' runs on 'cpu' and 'cuda' devices, not on {device.type!r}. "
            "Use precision='fp32'."
        )


def training_autocast(
    precision: str, device: torch.device
) -> Callable[[], contextlib.AbstractContextManager]:
    """A factory of the context in which each training step's forward pass runs.

    ``"bf16"``: :func:`torch.autocast` to bfloat16 on ``device`` (matrix
    products and convolutions in bfloat16, reductions and losses in
    float32; the weights and the optimizer stay float32). ``"fp32"``: no
    context at all.
    """
    if precision == "fp32":
        return contextlib.nullcontext
    return lambda: torch.autocast(device.type, dtype=torch.bfloat16)


def check_compile_supported() -> None:
    """Raise a ``ValueError`` where ``torch.compile`` cannot run at all
    (this Python version or platform is not supported by TorchDynamo)."""
    import torch._dynamo  # imported on demand: 1 s that only compile=True needs

    if not torch._dynamo.is_dynamo_supported():
        raise ValueError(
            "compile=True needs torch.compile, which this torch build does not support "
            "on this platform or Python version. Use compile=False."
        )


def compile_in_place(module: torch.nn.Module) -> None:
    """Compile ``module``'s forward with :meth:`torch.nn.Module.compile`.

    In place, so the module keeps its class, attributes and state-dict keys
    (checkpoints, ``save_pretrained`` and ONNX export see the plain module).
    Compilation happens at the first call of each kind (training, validation,
    prediction); copies and pickles of the module are not compiled. A module
    compiled already is left as it is.
    """
    if getattr(module, "_compiled_call_impl", None) is None:
        module.compile()


@contextlib.contextmanager
def compile_failures_explained(enabled: bool) -> Iterator[None]:
    """Re-raise a failure of ``torch.compile`` inside the block (``enabled``
    only) as a ``RuntimeError`` that names ``compile=True`` and the way out,
    instead of a long compiler traceback."""
    if not enabled:
        yield
        return
    import torch._dynamo.exc
    import torch._inductor.exc

    try:
        yield
    except (torch._dynamo.exc.TorchDynamoException, torch._inductor.exc.InductorError) as exc:
        message = str(exc).strip()
        reason = message.splitlines()[0] if message else type(exc).__name__
        raise RuntimeError(
            f"compile=True: torch.compile failed to compile the network ({reason}). "
            "Fit with compile=False, which trains the same network without compiling it."
        ) from exc
