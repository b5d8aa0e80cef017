"""Forward passes in large on-device chunks, without autograd."""

import numpy as np
import torch

PREDICT_CHUNK_ROWS = 65536


def forward_in_chunks(module, X, device, chunk_rows: int = PREDICT_CHUNK_ROWS) -> torch.Tensor:
    """Run ``module`` in eval mode over ``X`` and return all outputs on ``device``.

    Parameters
    ----------
    module : torch.nn.Module
    X : numpy.ndarray or torch.Tensor
        Inputs; numpy arrays are copied to ``device`` chunk by chunk.
    device : torch.device
    chunk_rows : int
        Rows per forward pass: large, because per-call overhead, not memory,
        dominates for the networks this library trains.

    Returns
    -------
    torch.Tensor
        Raw network outputs, shape ``(n_samples, n_outputs)``.
    """
    was_training = module.training
    module.eval()
    try:
        with torch.inference_mode():
            outputs = [
                module(_to_tensor(X[start : start + chunk_rows], device))
                for start in range(0, X.shape[0], chunk_rows)
            ]
    finally:
        module.train(was_training)
    return torch.cat(outputs) if len(outputs) != 1 else outputs[0]


def _to_tensor(X, device) -> torch.Tensor:
    if isinstance(X, np.ndarray):
        X = torch.from_numpy(X)
    return X.to(device, non_blocking=True)
