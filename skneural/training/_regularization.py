"""L1/L2 weight penalties in scikit-learn's elastic-net parametrisation."""

import torch


def penalized_weights(module: torch.nn.Module) -> list[torch.Tensor]:
    """The parameters a penalty applies to: weight matrices and kernels.

    Biases and normalisation scales (1-D parameters) are left alone, as in
    scikit-learn's linear models and MLP.
    """
    return [p for p in module.parameters() if p.requires_grad and p.ndim > 1]


def make_weight_penalty(alpha: float, l1_ratio: float):
    """Return ``penalty(weights) -> scalar tensor``, or ``None`` when ``alpha == 0``.

    The penalty is ``alpha * (l1_ratio * sum|w| + 0.5 * (1 - l1_ratio) * sum w**2)``,
    the elastic-net form of :class:`sklearn.linear_model.ElasticNet`, added to
    the mean loss of every mini-batch.
    """
    if alpha == 0:
        return None
    l1_scale, l2_scale = alpha * l1_ratio, 0.5 * alpha * (1 - l1_ratio)

    def penalty(weights):
        total = 0.0
        for weight in weights:
            if l1_scale:
                total = total + l1_scale * weight.abs().sum()
            if l2_scale:
                total = total + l2_scale * weight.pow(2).sum()
        return total

    return penalty
