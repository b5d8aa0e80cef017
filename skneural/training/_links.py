"""Links: from a network's raw outputs to predictions, probabilities and a metric.

Every loss comes with a link (as every loss of scikit-learn's ``_loss``
module does): the estimator maps raw outputs through
:meth:`Link.inverse` at predict time, the trainer asks
:meth:`Link.validation_metrics` after each epoch, and temperature scaling
uses :meth:`ProbabilityLink.log_loss`. Links are stateless; one instance of
each lives in :data:`LINKS`.
"""

from typing import ClassVar

import torch
import torch.nn.functional as F


class Link:
    """How raw outputs become predictions; base class of the links."""

    #: Name of the link, the key in :data:`LINKS`.
    name: ClassVar[str] = ""

    def inverse(self, raw: torch.Tensor) -> torch.Tensor:
        """Predictions (probabilities for classification) from raw outputs
        of shape ``(n_samples, n_outputs)``."""
        raise NotImplementedError

    def validation_metrics(self, raw: torch.Tensor, y: torch.Tensor, weight=None) -> dict:
        """Metrics of raw outputs against encoded targets, for ``history_``,
        weighted by the rows' ``weight`` (shape ``(n_samples,)``) when given."""
        raise NotImplementedError

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))

    def __repr__(self):
        return f"{type(self).__name__}()"


class RegressionLink(Link):
    """A link of a regression loss: the metric is R^2 of the predictions."""

    def validation_metrics(self, raw, y, weight=None) -> dict:
        """``valid_r2``, averaged over the outputs, of the predictions against
        the (standardised) targets, as :func:`sklearn.metrics.r2_score`
        computes it: for a constant target, 1 when predicted exactly, else 0."""
        with torch.inference_mode():
            predictions = self.inverse(raw)
            if weight is None:
                residual = ((y - predictions) ** 2).sum(dim=0)
                total = ((y - y.mean(dim=0)) ** 2).sum(dim=0)
            else:
                weight = weight.reshape(-1, *([1] * (y.ndim - 1)))
                mean = (weight * y).sum(dim=0) / weight.sum()
                residual = (weight * (y - predictions) ** 2).sum(dim=0)
                total = (weight * (y - mean) ** 2).sum(dim=0)
            r2 = 1 - residual / total
            if not bool((total > 0).all()):
                r2 = torch.where(total > 0, r2, (residual == 0).to(r2.dtype))
            return {"valid_r2": float(r2.mean())}


class IdentityLink(RegressionLink):
    """The outputs are the predictions."""

    name = "identity"

    def inverse(self, raw):
        return raw


class ExpLink(RegressionLink):
    """The outputs are log-means (Poisson): predictions are ``exp(raw)``."""

    name = "exp"

    def inverse(self, raw):
        return torch.exp(raw)


class ProbabilityLink(Link):
    """A link of a classification loss: probabilities, accuracy, log-loss."""

    def correct(self, raw: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Whether each row is classified right (every label, for multilabel)."""
        raise NotImplementedError

    def log_loss(self, raw: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The log-loss of each row, shape ``(n_samples,)``."""
        raise NotImplementedError

    def validation_metrics(self, raw, y, weight=None) -> dict:
        """``valid_accuracy``: the (weighted) share of rows classified right."""
        with torch.inference_mode():
            correct = self.correct(raw, y).double()
            if weight is None:
                return {"valid_accuracy": float(correct.mean())}
            weight = weight.double()
            return {"valid_accuracy": float((weight * correct).sum() / weight.sum())}


class SoftmaxLink(ProbabilityLink):
    """One logit per class, softmax probabilities; ``y`` holds class indices."""

    name = "softmax"

    def inverse(self, raw):
        # Written out: torch.softmax over a narrow class dimension runs 3-4x
        # slower on CPU. The first step is out of place because ``raw`` may be
        # an inference-mode tensor.
        exp = (raw - raw.amax(dim=1, keepdim=True)).exp_()
        return exp.div_(exp.sum(dim=1, keepdim=True))

    def correct(self, raw, y):
        return raw.argmax(dim=1) == y

    def log_loss(self, raw, y):
        return F.cross_entropy(raw, y, reduction="none")


class BinarySigmoidLink(ProbabilityLink):
    """One logit for the positive class of a binary target (``y`` is 0/1);
    the probabilities have two columns."""

    name = "binary_sigmoid"

    def inverse(self, raw):
        positive = torch.sigmoid(raw[:, 0])
        return torch.stack([1 - positive, positive], dim=1)

    def correct(self, raw, y):
        return (raw[:, 0] > 0) == y.bool()

    def log_loss(self, raw, y):
        return F.binary_cross_entropy_with_logits(raw[:, 0], y.to(raw.dtype), reduction="none")


class SigmoidLink(ProbabilityLink):
    """One independent logit per label of a multilabel indicator target."""

    name = "sigmoid"

    def inverse(self, raw):
        return torch.sigmoid(raw)

    def correct(self, raw, y):
        return ((raw > 0) == y.bool()).all(dim=1)

    def log_loss(self, raw, y):
        losses = F.binary_cross_entropy_with_logits(raw, y.to(raw.dtype), reduction="none")
        return losses.mean(dim=1)


#: One instance of every link, by name.
LINKS = {
    link.name: link
    for link in (IdentityLink(), ExpLink(), SoftmaxLink(), BinarySigmoidLink(), SigmoidLink())
}
