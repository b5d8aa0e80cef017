"""Forward passes in large chunks, without autograd."""

import numpy as np
import torch

PREDICT_CHUNK_ROWS = 65536
# On CPU every forward pass sees exactly this many rows (the last chunk is
# zero-padded): float32 matrix products pick their kernel by row count, so a
# row's prediction would otherwise change in its last bits with the number of
# rows predicted together (scikit-learn's check_methods_subset_invariance).
CPU_CHUNK_ROWS = 1024


def forward_in_chunks(module, X, device, *, row_invariant=True) -> torch.Tensor:
    """Run ``module`` in eval mode over ``X`` and return all outputs on ``device``.

    Parameters
    ----------
    module : torch.nn.Module
    X : numpy.ndarray or torch.Tensor
        Inputs; numpy arrays are copied to ``device`` chunk by chunk.
    device : torch.device
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
    chunk_rows = CPU_CHUNK_ROWS if on_cpu else PREDICT_CHUNK_ROWS
    was_training = module.training
    module.eval()
    try:
        with torch.inference_mode():
            outputs = []
            for start in range(0, X.shape[0], chunk_rows):
                chunk = _to_tensor(X[start : start + chunk_rows], device)
                n_rows = chunk.shape[0]
                if on_cpu and n_rows < chunk_rows:
                    chunk = torch.cat(
                        [chunk, chunk.new_zeros(chunk_rows - n_rows, *chunk.shape[1:])]
                    )
                outputs.append(module(chunk)[:n_rows])
    finally:
        module.train(was_training)
    return torch.cat(outputs) if len(outputs) != 1 else outputs[0]


def _to_tensor(X, device) -> torch.Tensor:
    if isinstance(X, np.ndarray):
        X = torch.from_numpy(X)
    return X.to(device, non_blocking=True)
