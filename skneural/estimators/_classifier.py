"""Neural network classifier."""

from numbers import Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import ClassifierMixin
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import column_or_1d

from ..data._validation import check_class_labels
from ..training._calibration import fit_temperature
from ..training._inference import forward_in_chunks
from ..training._losses import CLASSIFICATION_LOSSES, classification_loss
from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from . import _docstrings
from ._base import BaseNeuralEstimator


class NeuralClassifier(ClassifierMixin, BaseNeuralEstimator):
    """Neural network classifier trained with PyTorch.

    Binary, multiclass (any label type: strings, bools, non-contiguous
    integers) and multilabel (an indicator matrix of 0 and 1) classification.

    Parameters
    ----------
    {preprocessing}
    {architecture}
    loss : {{"log_loss", "cross_entropy", "binary_cross_entropy"}} or callable, \
default="log_loss"
        ``"log_loss"`` is softmax cross-entropy for single-label targets and
        per-label sigmoid cross-entropy for multilabel ones.
        ``"binary_cross_entropy"`` uses one sigmoid output for binary targets.
        A callable ``(logits, targets) -> tensor`` (or an ``nn.Module`` loss,
        or a loss class such as ``torch.nn.CrossEntropyLoss``, instantiated
        with ``loss_params``) receives class indices, or a float indicator
        matrix for multilabel targets; return one loss per row to support
        sample weights.
    loss_params : dict, default=None
        Options of the named loss (the classification losses take none), or
        the constructor arguments of a loss class.
    label_smoothing : float in [0, 1), default=0.1
        Share of each target spread uniformly over the classes (for sigmoid
        outputs: targets ``y * (1 - s) + s / 2``), applied by the built-in
        losses; a callable ``loss`` is used as given. Smoothing curbs
        over-confident fits and often raises accuracy; pair it with
        ``temperature_scaling`` to keep the probabilities calibrated.
    temperature_scaling : bool, default=True
        After training, fit one temperature on the validation rows (the
        ``validation_fraction`` split) by their log-loss, with a prior that
        keeps it near 1 when they are few, and divide the network's logits
        by it in :meth:`predict_proba`. Predicted
        labels do not change; probabilities become calibrated. Without
        validation rows (``validation_fraction=0`` or :meth:`partial_fit`)
        the temperature is 1.
    {training}
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, multiplied with ``sample_weight``:
        finite, non-negative numbers keyed by class label.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (label indices for multilabel targets).
    temperature_ : float
        The softmax (or sigmoid) temperature of :meth:`predict_proba`; 1.0
        without ``temperature_scaling`` or a validation split.
    {attributes}

    See Also
    --------
    NeuralRegressor : The regression counterpart.
    sklearn.neural_network.MLPClassifier : scikit-learn's CPU-only MLP.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skneural import NeuralClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(), NeuralClassifier(random_state=0))
    >>> clf.fit(X, y).score(X, y) > 0.9
    True
    """

    # The history column of validation_scores_.
    _validation_score_key = "valid_accuracy"

    _parameter_constraints = {
        **BaseNeuralEstimator._parameter_constraints,
        "loss": [StrOptions(set(CLASSIFICATION_LOSSES)), callable],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "temperature_scaling": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        *,
        preprocessing="auto",
        module="mlp",
        module_params=None,
        hidden_layer_sizes="auto",
        activation="relu",
        dropout="auto",
        batch_norm=False,
        numeric_encoding="auto",
        loss="log_loss",
        loss_params=None,
        label_smoothing=0.1,
        temperature_scaling=True,
        optimizer="adamw",
        optimizer_params=None,
        lr="auto",
        weight_decay=0.1,
        alpha=0.0,
        l1_ratio=0.0,
        batch_size="auto",
        max_epochs=200,
        shuffle=True,
        augmentation=None,
        tta=1,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change="auto",
        tol=1e-4,
        weight_averaging=1.0,
        callbacks=None,
        random_state=None,
        device="cpu",
        precision="fp32",
        compile=False,
        n_threads=1,
        num_workers=0,
        verbose=0,
        warm_start=False,
        class_weight=None,
    ):
        super().__init__(
            preprocessing=preprocessing,
            module=module,
            module_params=module_params,
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            dropout=dropout,
            batch_norm=batch_norm,
            numeric_encoding=numeric_encoding,
            loss=loss,
            loss_params=loss_params,
            optimizer=optimizer,
            optimizer_params=optimizer_params,
            lr=lr,
            weight_decay=weight_decay,
            alpha=alpha,
            l1_ratio=l1_ratio,
            batch_size=batch_size,
            max_epochs=max_epochs,
            shuffle=shuffle,
            augmentation=augmentation,
            tta=tta,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            weight_averaging=weight_averaging,
            callbacks=callbacks,
            random_state=random_state,
            device=device,
            precision=precision,
            compile=compile,
            n_threads=n_threads,
            num_workers=num_workers,
            verbose=verbose,
            warm_start=warm_start,
        )
        self.label_smoothing = label_smoothing
        self.temperature_scaling = temperature_scaling
        self.class_weight = class_weight

    # ------------------------------------------------------------ targets
    def _encode_targets(self, y, *, fitting, classes=None, sample_weight=None):
        if sp.issparse(y):  # a sparse label-indicator matrix, as scikit-learn's MLP takes
            y = y.toarray()
        check_class_labels(y, type(self).__name__)
        target_type = type_of_target(y, input_name="y")
        if target_type == "multilabel-indicator":
            return self._encode_multilabel(y, fitting=fitting)
        if target_type not in ("binary", "multiclass"):
            raise ValueError(
                f"Unknown label type: {target_type!r}. {type(self).__name__} supports "
                "binary, multiclass and multilabel-indicator targets; for a continuous "
                "target use skneural.NeuralRegressor."
            )
        y = column_or_1d(y, warn=True)
        if fitting:
            self._multilabel = False
            self.classes_ = np.unique(y if classes is None else classes)
            self.temperature_ = 1.0  # until _calibrate: predictions during training
            if classes is not None and len(self.classes_) < 2:
                raise ValueError(
                    f"classes must list at least 2 classes for {type(self).__name__}, got "
                    f"{self.classes_.tolist()!r}."
                )
            if len(self.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes in the "
                    f"data, but the data contain only one class: {self.classes_[0].item()!r}."
                )
        elif self._multilabel:
            raise ValueError("This classifier was fitted on a multilabel target; y is not one.")
        codes = np.searchsorted(self.classes_, y)
        codes = np.clip(codes, 0, len(self.classes_) - 1)
        unseen = self.classes_[codes] != y
        if unseen.any():
            raise ValueError(
                f"y contains labels {np.unique(y[unseen]).tolist()} that are not in "
                f"classes_ {self.classes_.tolist()}."
            )
        return torch.from_numpy(codes.astype(np.int64))

    def _encode_multilabel(self, y, *, fitting):
        y = np.asarray(y)
        _check_indicator_values(y)
        if fitting:
            self._multilabel = True
            self.classes_ = np.arange(y.shape[1])
            self.temperature_ = 1.0
        elif not self._multilabel or y.shape[1] != len(self.classes_):
            raise ValueError(
                f"y has {y.shape[1]} labels; this classifier was fitted on "
                f"{len(self.classes_) if self._multilabel else 'a single-label'} target."
            )
        return torch.from_numpy(y.astype(np.float32))

    def _resolve_loss(self):
        return classification_loss(
            self.loss,
            self.loss_params or {},
            label_smoothing=self.label_smoothing,
            multilabel=self._multilabel,
            n_classes=len(self.classes_),
        )

    def _calibrate(self, valid):
        self.temperature_ = 1.0
        if self.temperature_scaling and valid is not None:
            logits = forward_in_chunks(self.module_, valid.X, self.device_, rows=valid.rows)
            self.temperature_ = fit_temperature(logits, valid.y, self._link, valid.weight)

    def _augmentation_n_classes(self):
        return None if self._multilabel else len(self.classes_)

    def _stratify_labels(self, y_encoded):
        return None if self._multilabel else y_encoded.numpy()

    def _check_warm_start_targets(self, y) -> None:
        """A warm-start ``fit`` needs the classes of the previous fit, as in
        scikit-learn's MLP (``partial_fit`` takes any subset of ``classes_``)."""
        if self._multilabel or sp.issparse(y) or np.ndim(y) != 1:
            return
        present = np.unique(y)
        if not np.array_equal(present, self.classes_):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in the "
                f"previous call to fit. Previously got {self.classes_}, `y` has {present}. "
                "Set warm_start=False to train a new network on these classes."
            )

    def _apply_class_weight(self, sample_weight, y_raw):
        if self.class_weight is None:
            return sample_weight
        if isinstance(self.class_weight, dict):
            _check_class_weight_values(self.class_weight)
            if type_of_target(y_raw) == "multilabel-indicator":
                raise ValueError(
                    "class_weight as a dict weights the rows of a single-label target by "
                    "their class; a multilabel target has no one class per row: use "
                    "class_weight='balanced', or weight the rows with sample_weight."
                )
        class_weight = compute_sample_weight(self.class_weight, y_raw)
        return class_weight if sample_weight is None else sample_weight * class_weight

    # ---------------------------------------------------------------- api
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch on ``X``, ``y``, continuing the current network.

        No validation data are held out and early stopping is off; the
        optimizer state carries over between calls.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Inputs with the columns of the first call.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels, or a multilabel indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every class that will ever appear; required on the first call for
            single-label targets (as in scikit-learn's ``partial_fit``).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights of the loss.

        Returns
        -------
        self : object
            The estimator, trained for one more epoch.
        """
        first_call = not hasattr(self, "module_")
        if classes is not None:
            check_class_labels(classes, type(self).__name__)
        if first_call and classes is None and type_of_target(y) != "multilabel-indicator":
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if (
            not first_call
            and classes is not None
            and not self._multilabel
            and not np.array_equal(np.unique(classes), self.classes_)
        ):
            raise ValueError(
                f"`classes={classes!r}` is not the same as on last call to partial_fit, "
                f"was: {self.classes_!r}"
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Inputs with the columns seen in fit.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Rows sum to one for single-label targets; for multilabel targets,
            the independent probability of each label.
        """
        return self._predict_outputs(
            X, lambda raw: self._link.inverse(raw / self.temperature_)
        ).numpy()

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Inputs with the columns seen in fit.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            The log of :meth:`predict_proba` (``-inf`` where it is zero).
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predicted labels (an indicator matrix for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Inputs with the columns seen in fit.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels from ``classes_``, or a 0/1 indicator matrix (probability
            above 0.5) for multilabel targets.
        """
        proba = self.predict_proba(X)
        if self._multilabel:
            return (proba > 0.5).astype(int)
        return self.classes_[proba.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _check_indicator_values(y):
    """Raise a ``ValueError`` unless the multilabel indicator matrix ``y``
    holds only 0 and 1 (or False and True).

    scikit-learn calls any 2-D target of two integer values a
    ``"multilabel-indicator"``; a -1/1 matrix read as probabilities trains
    towards targets no sigmoid reaches, and predictions of 0/1 never match it.
    """
    values = np.unique(y)
    if not np.isin(values, (0, 1)).all():
        raise ValueError(
            "A multilabel target must be an indicator matrix of 0 and 1 (or False and "
            f"True), one column per label; y holds the values {values.tolist()}. "
            f"Encode it as 0/1 first, e.g. (y == {values[-1].item()!r}).astype(int)."
        )


def _check_class_weight_values(class_weight: dict):
    """Raise a ``ValueError`` naming the first class whose weight is not a
    finite, non-negative number (a negative weight would flip its loss)."""
    for label, weight in class_weight.items():
        valid = isinstance(weight, Real) and bool(np.isfinite(weight)) and weight >= 0
        if not valid:
            raise ValueError(
                f"class_weight[{label!r}] is {weight!r}; class weights must be finite, "
                "non-negative numbers (0 leaves the class out of the loss)."
            )


NeuralClassifier.__doc__ = NeuralClassifier.__doc__.format(
    preprocessing=_docstrings.PREPROCESSING,
    architecture=_docstrings.ARCHITECTURE,
    training=_docstrings.TRAINING,
    attributes=_docstrings.ATTRIBUTES,
)
