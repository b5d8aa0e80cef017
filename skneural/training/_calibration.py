"""Temperature scaling: one scalar that calibrates a classifier's probabilities.

Dividing the logits by a temperature ``T > 0`` leaves every ranking and every
``argmax`` unchanged, so it corrects over- or under-confident probabilities
(label smoothing, for one, makes a network under-confident) without touching
the predicted labels. ``T`` is chosen to minimise the log-loss on held-out
rows (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017),
here with a prior that keeps it near 1 when those rows are few.
"""

import numpy as np
import torch
from scipy.optimize import minimize_scalar

from ._links import Link, ProbabilityLink

#: Search range of the temperature (a numerical guard; the prior below is
#: what keeps it sensible).
TEMPERATURE_BOUNDS = (0.05, 20.0)

#: Standard deviation of the normal prior on ``log T``. Without a prior, a
#: small or perfectly separated validation set drives ``T`` towards 0 and the
#: probabilities to 0 and 1; with it, ``T`` moves away from 1 only as far as
#: the held-out rows give evidence for.
LOG_TEMPERATURE_PRIOR_SCALE = 1.0


def fit_temperature(logits, y, link: Link, sample_weight=None) -> float:
    """The temperature of ``logits / T`` that best explains held-out labels.

    The maximum a posteriori estimate: the summed log-loss of the rows plus
    a standard normal prior on ``log T`` (scale
    :data:`LOG_TEMPERATURE_PRIOR_SCALE`), so that few rows move ``T`` little.

    Parameters
    ----------
    logits : torch.Tensor of shape (n_samples, n_outputs)
        Raw network outputs on held-out rows.
    y : torch.Tensor
        Class indices (softmax link), 0/1 labels (binary sigmoid link)
        or an indicator matrix (multilabel sigmoid link).
    link : ProbabilityLink
        How the logits become probabilities (the loss's link); its
        ``log_loss`` is the per-row loss.
    sample_weight : torch.Tensor of shape (n_samples,), default=None
        Row weights of the log-loss, rescaled to a mean of one over the rows
        with positive weight (the prior weighs as much as with unit weights).

    Returns
    -------
    float
        The temperature, within :data:`TEMPERATURE_BOUNDS`; 1.0 when there
        are no rows or no positive weight.
    """
    if not isinstance(link, ProbabilityLink):
        raise ValueError(f"Temperature scaling needs a softmax or sigmoid link, got {link.name!r}.")
    logits = logits.detach().to("cpu", torch.float64)
    y = y.detach().cpu()
    if sample_weight is None:
        weight = torch.ones(len(logits), dtype=torch.float64)
    else:
        weight = sample_weight.detach().to("cpu", torch.float64)
    n_weighted = int((weight > 0).sum())
    if n_weighted == 0:
        return 1.0
    weight = weight * (n_weighted / weight.sum())

    def negative_log_posterior(log_temperature: float) -> float:
        losses = link.log_loss(logits / np.exp(log_temperature), y)
        prior = 0.5 * (log_temperature / LOG_TEMPERATURE_PRIOR_SCALE) ** 2
        return float((losses * weight).sum()) + prior

    low, high = np.log(TEMPERATURE_BOUNDS)
    result = minimize_scalar(negative_log_posterior, bounds=(low, high), method="bounded")
    return float(np.exp(result.x))
