"""Per-sample loss functions and the output links that go with them.

Every loss here maps ``(y_pred, y_true)`` to a 1-D tensor holding one loss
value per row, so that sample weights can weight rows exactly before the
batch is reduced (see :func:`reduce_batch_loss`).
"""

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real

import torch
import torch.nn.functional as F
from torch import nn

from ._links import LINKS, Link

CLASSIFICATION_LOSSES = ("log_loss", "cross_entropy", "binary_cross_entropy")
REGRESSION_LOSSES = ("squared_error", "absolute_error", "huber", "poisson", "quantile")

_LOSS_PARAMS = {
    "log_loss": set(),
    "cross_entropy": set(),
    "binary_cross_entropy": set(),
    "squared_error": set(),
    "absolute_error": set(),
    "huber": {"delta"},
    "poisson": set(),
    "quantile": {"quantile"},
}


@dataclass(frozen=True)
class LossSpec:
    """A resolved loss: the per-sample function, the output width and the link.

    Attributes
    ----------
    function : callable
        ``(y_pred, y_true) -> tensor`` of per-sample losses, shape ``(n,)``.
    n_outputs : int
        Width the network must output.
    link : Link
        How raw outputs become probabilities or predictions, and the
        validation metric (see :mod:`skneural.training._links`).
    standardizable : bool
        Whether an affine rescaling of the target leaves the problem
        unchanged (False for Poisson, whose targets must stay counts).
    mean_function : callable or None
        ``(y_pred, y_true) -> scalar`` equal to ``function(...).mean()`` but
        computed by one fused kernel (a few percent faster per batch);
        used for unweighted batches.
    """

    function: Callable
    n_outputs: int
    link: Link
    standardizable: bool = True
    mean_function: Callable | None = None

    def batch_loss(self, y_pred, y_true, weight=None, mean_weight=None) -> torch.Tensor:
        """The loss of one mini-batch (see :func:`reduce_batch_loss`)."""
        if weight is None and self.mean_function is not None:
            return self.mean_function(y_pred, y_true)
        return reduce_batch_loss(self.function(y_pred, y_true), weight, mean_weight)


def _rowwise(values: torch.Tensor) -> torch.Tensor:
    """Average per-output losses to one value per row."""
    return values.mean(dim=1) if values.ndim > 1 else values


def _check_loss_params(name: str, loss_params: dict) -> None:
    unknown = set(loss_params) - _LOSS_PARAMS[name]
    if unknown:
        allowed = sorted(_LOSS_PARAMS[name]) or "none"
        raise ValueError(
            f"loss_params {sorted(unknown)} are not valid for loss={name!r}; valid keys: {allowed}."
        )


def _custom_loss(loss, loss_params: dict) -> Callable:
    """Wrap a user loss so it returns per-sample values when it can.

    A loss class (``torch.nn.CrossEntropyLoss``, as skorch users pass it) is
    instantiated with ``loss_params``; a loss that is already callable (a
    function or a built loss object) takes none.
    """
    if loss_params and not isinstance(loss, type):
        raise ValueError(
            f"loss_params {sorted(loss_params)} cannot be applied to loss={_loss_name(loss)}: "
            "they are the options of a named loss or the constructor arguments of a loss "
            "class, and this loss is already callable. Bind its options yourself (e.g. "
            "loss=functools.partial(my_loss, gamma=2)) and leave loss_params empty, or pass "
            "the loss class with loss_params."
        )
    if isinstance(loss, type):
        try:
            loss = loss(**loss_params)
        except TypeError as exc:
            raise TypeError(
                f"Could not build loss {loss.__name__} with arguments {sorted(loss_params)}: {exc}"
            ) from exc
        if not callable(loss):
            raise TypeError(
                f"loss must be a callable or a class of callables (such as a torch.nn loss "
                f"class), got the class {type(loss).__name__}, whose instances are not callable."
            )
    if isinstance(loss, nn.Module) and hasattr(loss, "reduction"):
        loss = copy.deepcopy(loss)
        loss.reduction = "none"

    def function(y_pred, y_true):
        values = loss(y_pred, y_true)
        if not isinstance(values, torch.Tensor):
            raise TypeError(
                f"A custom loss must return a torch.Tensor, got {type(values).__name__}."
            )
        return _rowwise(values) if values.ndim else values

    return function


def _loss_name(loss) -> str:
    """How the error messages write a user's ``loss``: ``my_loss`` for a
    function or class, ``MSELoss()`` for a loss object."""
    return getattr(loss, "__name__", None) or f"{type(loss).__name__}()"


def _is_softmax_cross_entropy(loss) -> bool:
    """Whether ``loss`` is torch's softmax cross-entropy (function, class or object)."""
    loss_class = loss if isinstance(loss, type) else type(loss)
    return loss is F.cross_entropy or issubclass(loss_class, nn.CrossEntropyLoss)


def _check_regression_custom_loss(loss, n_outputs: int) -> None:
    """Refuse a softmax cross-entropy on a single output: the softmax of one
    value is always 1, so the loss is 0 for every row and nothing is learned."""
    if n_outputs == 1 and _is_softmax_cross_entropy(loss):
        raise ValueError(
            f"loss={_loss_name(loss)} is a softmax cross-entropy, a classification loss that "
            "needs one output per class (at least 2), but this regressor has a single output, "
            "on which the loss is 0 for every row. Use NeuralClassifier for class labels, or a "
            "regression loss for a numeric target."
        )


def classification_loss(
    loss, loss_params: dict, *, label_smoothing: float = 0.0, multilabel: bool, n_classes: int
) -> LossSpec:
    """Resolve a classifier's ``loss`` parameter.

    Targets reach the function as class indices (``int64``, shape ``(n,)``)
    for single-label problems and as a float indicator matrix for multilabel
    ones. ``label_smoothing`` applies to the built-in losses only.
    """
    if callable(loss):
        return LossSpec(
            _custom_loss(loss, loss_params),
            n_classes,
            LINKS["sigmoid" if multilabel else "softmax"],
        )
    if "label_smoothing" in loss_params:
        raise ValueError(
            "label_smoothing is a parameter of the classifier, not a loss_params key: "
            "use NeuralClassifier(label_smoothing=...)."
        )
    _check_loss_params(loss, loss_params)
    if loss == "binary_cross_entropy" and not multilabel:
        if n_classes != 2:
            raise ValueError(
                "loss='binary_cross_entropy' needs a binary or multilabel target, "
                f"got {n_classes} classes; use loss='log_loss' for multiclass problems."
            )
        return LossSpec(_smoothed_binary_bce(label_smoothing), 1, LINKS["binary_sigmoid"])
    if multilabel:
        if loss == "cross_entropy":
            raise ValueError(
                "loss='cross_entropy' is for single-label targets; a multilabel "
                "indicator target needs loss='log_loss' or 'binary_cross_entropy'."
            )
        return LossSpec(_smoothed_sigmoid_bce(label_smoothing), n_classes, LINKS["sigmoid"])

    def softmax_cross_entropy(y_pred, y_true):
        return F.cross_entropy(y_pred, y_true, reduction="none", label_smoothing=label_smoothing)

    def mean_softmax_cross_entropy(y_pred, y_true):
        return F.cross_entropy(y_pred, y_true, label_smoothing=label_smoothing)

    return LossSpec(
        softmax_cross_entropy,
        n_classes,
        LINKS["softmax"],
        mean_function=mean_softmax_cross_entropy,
    )


def _smooth(y_true: torch.Tensor, dtype, smoothing: float) -> torch.Tensor:
    """0/1 targets pulled towards 1/2: ``y * (1 - s) + s / 2``."""
    y_true = y_true.to(dtype)
    return y_true * (1 - smoothing) + smoothing / 2 if smoothing else y_true


def _smoothed_sigmoid_bce(smoothing: float) -> Callable:
    def function(y_pred, y_true):
        targets = _smooth(y_true, y_pred.dtype, smoothing)
        return _rowwise(F.binary_cross_entropy_with_logits(y_pred, targets, reduction="none"))

    return function


def _smoothed_binary_bce(smoothing: float) -> Callable:
    def function(y_pred, y_true):
        if y_true.ndim == 2:  # class probabilities (mixing augmentations): P(class 1)
            y_true = y_true[:, 1]
        targets = _smooth(y_true, y_pred.dtype, smoothing)
        return F.binary_cross_entropy_with_logits(y_pred[:, 0], targets, reduction="none")

    return function


def regression_loss(loss, loss_params: dict, *, n_outputs: int) -> LossSpec:
    """Resolve a regressor's ``loss`` parameter (targets are float ``(n, k)``)."""
    if callable(loss):
        _check_regression_custom_loss(loss, n_outputs)
        return LossSpec(_custom_loss(loss, loss_params), n_outputs, LINKS["identity"])
    _check_loss_params(loss, loss_params)
    if loss == "squared_error":
        function = lambda y_pred, y_true: _rowwise((y_pred - y_true) ** 2)  # noqa: E731
        return LossSpec(function, n_outputs, LINKS["identity"], mean_function=F.mse_loss)
    if loss == "absolute_error":
        function = lambda y_pred, y_true: _rowwise((y_pred - y_true).abs())  # noqa: E731
    elif loss == "huber":
        delta = _number_loss_param(loss_params, "delta", 1.0, _POSITIVE_FINITE)

        def function(y_pred, y_true):
            return _rowwise(F.huber_loss(y_pred, y_true, reduction="none", delta=delta))

    elif loss == "quantile":
        quantile = _number_loss_param(loss_params, "quantile", 0.5, _QUANTILE)

        def function(y_pred, y_true):
            residual = y_true - y_pred
            return _rowwise(torch.maximum(quantile * residual, (quantile - 1) * residual))

    else:  # poisson: the network predicts the log of the mean

        def function(y_pred, y_true):
            return _rowwise(torch.exp(y_pred) - y_true * y_pred)

        return LossSpec(function, n_outputs, LINKS["exp"], standardizable=False)
    return LossSpec(function, n_outputs, LINKS["identity"])


@dataclass(frozen=True)
class _Range:
    """An open interval ``(low, high)`` of valid values, and how messages say it."""

    low: float
    high: float
    description: str


_POSITIVE_FINITE = _Range(0.0, math.inf, "a finite number > 0")
_QUANTILE = _Range(0.0, 1.0, "a single number in (0, 1) (fit one estimator per quantile)")


def _number_loss_param(loss_params: dict, key: str, default: float, valid: _Range) -> float:
    """``loss_params[key]`` (or ``default``) as a float, checked to be a real
    number inside ``valid`` before training (torch would fail at the first
    batch, or train on NaN)."""
    value = loss_params.get(key, default)
    if isinstance(value, Real) and not isinstance(value, bool) and valid.low < value < valid.high:
        return float(value)
    raise ValueError(f"loss_params[{key!r}] must be {valid.description}, got {value!r}.")


def reduce_batch_loss(
    per_sample: torch.Tensor, weight: torch.Tensor | None, mean_weight: float
) -> torch.Tensor:
    """Average per-sample losses over a batch, weighting rows exactly.

    The weighted sum is divided by ``batch_size * mean_weight`` where
    ``mean_weight`` is the mean weight over the whole training set: each row
    then carries the same gradient scale whatever batch it lands in, and on a
    full batch a row of weight 2 counts exactly like that row duplicated.
    """
    if per_sample.ndim == 0:
        if weight is not None:
            raise ValueError(
                "The custom loss returned a scalar, so sample_weight/class_weight cannot "
                "weight its rows: return one loss per sample (reduction='none')."
            )
        return per_sample
    if per_sample.ndim != 1:
        raise ValueError(
            "The loss must return one value per sample (shape (n,)) or a scalar; "
            f"got shape {tuple(per_sample.shape)}."
        )
    if weight is None:
        return per_sample.mean()
    return (per_sample * weight).sum() / (per_sample.shape[0] * mean_weight)
