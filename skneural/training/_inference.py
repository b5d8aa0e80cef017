"""Forward passes in large chunks, without autograd."""

import warnings
from contextlib import contextmanager

import numpy as np
import torch

PREDICT_CHUNK_ROWS = 65536
# On CPU every forward pass sees exactly this many rows (the last chunk is
# zero-padded): float32 matrix products pick their kernel by row count, so a
# row's prediction would otherwise change in its last bits with the number of
# rows predicted together (scikit-learn's check_methods_subset_invariance).
CPU_CHUNK_ROWS = 1024
# Unpadded passes on CPU (the per-epoch validation): large enough that each
# pass costs little beyond its rows, small enough that the activations of a
# network that widens its input (a piecewise-linear encoding makes 8 columns
# of each) stay a small part of a fit's memory.
CPU_UNPADDED_CHUNK_ROWS = 8192


@contextmanager
def eval_mode(module):
    """``module`` in eval mode inside the block, then back in the mode it had.

    A network already in eval mode is not touched: fitted estimators keep
    their network in eval mode between fits, so predictions running in
    several threads at once (dask, joblib's threading backend) never switch
    a network another thread is using into training mode.
    """
    if not module.training:
        yield module
        return
    module.eval()
    try:
        yield module
    finally:
        module.train()


def forward_in_chunks(module, X, device, rows=None, *, row_invariant=True) -> torch.Tensor:
    """Run ``module`` in eval mode over ``X`` and return all outputs on ``device``.

    Parameters
    ----------
    module : torch.nn.Module
    X : numpy.ndarray or torch.Tensor
        Inputs; numpy arrays are copied to ``device`` chunk by chunk. An
        ``X`` with an ``iter_rows`` method (rows read on demand, see
        :class:`~skneural.data.DatasetInput`) gives the chunks itself.
    device : torch.device
    rows : torch.Tensor, optional
        Forward only these rows of ``X`` (an index tensor on ``X``'s
        device), in this order, gathered chunk by chunk.
    row_invariant : bool, default=True
        On CPU, pad every chunk to :data:`CPU_CHUNK_ROWS` rows so that each
        row's output does not depend on which other rows are predicted with
        it. ``False`` skips the padding (large chunks, no wasted rows) for
        passes that always see the same rows, such as the per-epoch
        validation: the validation rows of a fit never change, so their
        outputs stay deterministic, and a few dozen rows no longer pay for
        a 1024-row pass every epoch.

    Returns
    -------
    torch.Tensor
        Raw network outputs, shape ``(n_samples, n_outputs)``.
    """
    on_cpu = device.type == "cpu" and row_invariant
    if device.type != "cpu":
        chunk_rows = PREDICT_CHUNK_ROWS
    else:
        chunk_rows = CPU_CHUNK_ROWS if row_invariant else CPU_UNPADDED_CHUNK_ROWS
    with eval_mode(module), torch.inference_mode():
        # Written into one tensor allocated once: a small output kept per
        # chunk between the chunks' large temporaries would fragment the
        # heap, which the allocator then keeps (memory growing with the rows).
        output, position = None, 0
        n_total = X.shape[0] if rows is None else rows.shape[0]
        read_ahead = getattr(X, "iter_rows", None)  # rows read on demand
        if read_ahead is not None:  # in chunks that fit in memory on any device
            chunk_rows = min(chunk_rows, CPU_CHUNK_ROWS)
        spans = [slice(start, start + chunk_rows) for start in range(0, n_total, chunk_rows)]
        if rows is not None:
            spans = [rows[span] for span in spans]
        chunks = read_ahead(spans) if read_ahead is not None else (X[s] for s in spans)
        for chunk in chunks:
            chunk = _to_tensor(chunk, device)
            n_rows = chunk.shape[0]
            if on_cpu and n_rows < chunk_rows:
                chunk = torch.cat([chunk, chunk.new_zeros(chunk_rows - n_rows, *chunk.shape[1:])])
            result = module(chunk)[:n_rows]
            if output is None:
                output = result.new_empty((n_total, *result.shape[1:]))
            output[position : position + n_rows] = result
            position += n_rows
    if output is None:
        raise ValueError("forward_in_chunks needs at least one row.")
    return output


def _to_tensor(X, device) -> torch.Tensor:
    if isinstance(X, np.ndarray):
        X = input_tensor(X)
    return X.to(device, non_blocking=True)


def to_device(X, device):
    """The network input ``X`` on ``device``: a numpy array as a tensor (its
    memory shared on the CPU), anything else through its ``to`` method
    (a tensor, or rows read on demand, which then read onto ``device``)."""
    if isinstance(X, np.ndarray):
        X = input_tensor(X)
    return X.to(device)


def input_tensor(X: np.ndarray) -> torch.Tensor:
    """A tensor sharing the memory of the network input ``X``, also when ``X``
    is read-only (a ``numpy.memmap`` opened with ``mode="r"``, an array with
    ``writeable=False``).

    torch warns that writing to a tensor over read-only memory is undefined;
    skneural only reads its network inputs, so the warning is silenced here
    rather than the user's data copied.
    """
    if X.flags.writeable:
        return torch.from_numpy(X)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        return torch.from_numpy(X)


def check_output_shape(module, sample: np.ndarray, n_outputs: int, device, owner: str) -> None:
    """Raise a ``ValueError`` unless ``module`` maps the rows of ``sample`` to
    a tensor of shape ``(n_rows, n_outputs)``.

    Run once on a freshly built module, before training: a wrong width would
    otherwise broadcast silently against the targets in the loss.
    """
    with eval_mode(module), torch.no_grad():  # not inference mode: lazy modules initialise here
        outputs = module(_to_tensor(sample, device))
    expected = (sample.shape[0], n_outputs)
    if not isinstance(outputs, torch.Tensor):
        raise TypeError(
            f"The module of {owner} must return a torch.Tensor of shape (n_samples, "
            f"{n_outputs}), got {type(outputs).__name__}."
        )
    if tuple(outputs.shape) != expected:
        raise ValueError(
            f"The module of {owner} returns outputs of shape {tuple(outputs.shape)} for "
            f"{sample.shape[0]} input rows, but the loss needs shape {expected}: "
            f"{n_outputs} output(s) per row. Make the last layer {n_outputs} wide (a "
            "module constructor that takes n_outputs gets it from the estimator)."
        )
