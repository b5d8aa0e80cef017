"""Neural network regressor."""

import numpy as np
import torch
from sklearn.base import RegressorMixin

from ..training._losses import REGRESSION_LOSSES, regression_loss
from ..utils._sklearn_compat import StrOptions, _fit_context
from . import _docstrings
from ._base import BaseNeuralEstimator


def check_float32_target(y: np.ndarray) -> None:
    """Reject targets that are not finite or do not fit in float32, where the
    network trains (their scale statistics would overflow to infinity)."""
    if not np.isfinite(y).all():
        what = "NaN" if np.isnan(y).any() else "infinity"
        raise ValueError(f"Input y contains {what}; the target must be finite.")
    largest = float(np.abs(y).max(initial=0.0))
    if largest > float(np.finfo(np.float32).max):
        raise ValueError(
            f"Input y contains values too large for dtype('float32') (largest |y| is "
            f"{largest:.3g}); the network trains in float32: rescale the target first "
            "(e.g. divide it by a power of ten, or model log(y)) and undo it on the "
            "predictions, e.g. with sklearn.compose.TransformedTargetRegressor."
        )


class NeuralRegressor(RegressorMixin, BaseNeuralEstimator):
    """Neural network regressor trained with PyTorch.

    Single- and multi-output regression; ``predict`` returns the shape of
    the ``y`` seen in fit (1-D for a 1-D target).

    Parameters
    ----------
    {preprocessing}
    {architecture}
    loss : {{"squared_error", "absolute_error", "huber", "poisson", "quantile"}} \
or callable, default="squared_error"
        Training loss. ``"poisson"`` predicts ``exp`` of the network output and
        needs non-negative targets. A callable ``(y_pred, y_true) -> tensor``
        (or an ``nn.Module`` loss, or a loss class such as
        ``torch.nn.HuberLoss``, instantiated with ``loss_params``) receives
        float tensors of shape ``(n, n_outputs)``; return one loss per row to
        support sample weights.
    loss_params : dict, default=None
        Options of the named loss: ``delta`` for "huber" (default 1.0),
        ``quantile`` for "quantile" (default 0.5); or the constructor
        arguments of a loss class.
    {training}
    standardize_target : bool, default=True
        Train on the target centred and scaled to unit variance, and undo the
        scaling at predict (not for "poisson", whose targets stay counts).
        Custom losses see the scaled target.

    Attributes
    ----------
    n_outputs_ : int
        Number of regression targets.
    y_mean_, y_scale_ : ndarray of shape (`n_outputs_`,)
        Target standardisation (zeros and ones when it is off).
    {attributes}

    See Also
    --------
    NeuralClassifier : The classification counterpart.
    sklearn.neural_network.MLPRegressor : scikit-learn's CPU-only MLP.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skneural import NeuralRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = make_pipeline(StandardScaler(), NeuralRegressor(random_state=0))
    >>> reg.fit(X, y).score(X, y) > 0.4
    True
    """

    # The history column of validation_scores_.
    _validation_score_key = "valid_r2"

    _parameter_constraints = {
        **BaseNeuralEstimator._parameter_constraints,
        "loss": [StrOptions(set(REGRESSION_LOSSES)), callable],
        "standardize_target": ["boolean"],
    }
    _y_numeric = True

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
        loss="squared_error",
        loss_params=None,
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
        standardize_target=True,
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
        self.standardize_target = standardize_target

    # ------------------------------------------------------------ targets
    def _encode_targets(self, y, *, fitting, classes=None, sample_weight=None):
        y = np.asarray(y, dtype=np.float64)
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or 2-D, got an array of shape {y.shape}.")
        check_float32_target(y)
        y2d = y.reshape(len(y), -1)
        if fitting:
            self._y_ndim = y.ndim
            self.n_outputs_ = y2d.shape[1]
        elif y2d.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {y2d.shape[1]} outputs, but this regressor was fitted on {self.n_outputs_}."
            )
        spec = self._resolve_loss()
        if not spec.standardizable and (y2d < 0).any():
            raise ValueError(f"loss={self.loss!r} needs non-negative targets; y has negatives.")
        if fitting:
            if self.standardize_target and spec.standardizable:
                # Weighted moments, so a weight of k scales like k copies of a row.
                self.y_mean_ = np.average(y2d, axis=0, weights=sample_weight)
                variance = np.average((y2d - self.y_mean_) ** 2, axis=0, weights=sample_weight)
                scale = np.sqrt(variance)
                self.y_scale_ = np.where(scale > 0, scale, 1.0)
            else:
                self.y_mean_ = np.zeros(self.n_outputs_)
                self.y_scale_ = np.ones(self.n_outputs_)
        return torch.from_numpy(((y2d - self.y_mean_) / self.y_scale_).astype(np.float32))

    def _resolve_loss(self):
        return regression_loss(self.loss, self.loss_params or {}, n_outputs=self.n_outputs_)

    def _stratify_labels(self, y_encoded):
        return None

    # ---------------------------------------------------------------- api
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on ``X``, ``y``, continuing the current network.

        No validation data are held out and early stopping is off; the
        optimizer state and the target scaling of the first call carry over.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Inputs with the columns of the first call.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, with the outputs of the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights of the loss.

        Returns
        -------
        self : object
            The estimator, trained for one more epoch.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predicted targets.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Inputs with the columns seen in fit.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when the target seen in fit was 1-D.
        """
        # A lambda: _link exists only once fitted, which _predict_outputs checks first.
        predictions = self._predict_outputs(X, lambda raw: self._link.inverse(raw)).numpy()
        predictions = predictions * self.y_scale_ + self.y_mean_
        return predictions.ravel() if self._y_ndim == 1 else predictions

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


NeuralRegressor.__doc__ = NeuralRegressor.__doc__.format(
    preprocessing=_docstrings.PREPROCESSING,
    architecture=_docstrings.ARCHITECTURE,
    training=_docstrings.TRAINING,
    attributes=_docstrings.ATTRIBUTES,
)
