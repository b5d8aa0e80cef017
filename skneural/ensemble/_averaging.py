"""Predictions of ensembles that average their members.

Classifiers average the members' class probabilities; regressors return the
members' mean and, on request, their standard deviation. Members are trained
on label codes ``0 .. n_classes - 1`` (as in scikit-learn's bagging), so a
member that never saw a class simply contributes probability 0 to it.
"""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import get_tags
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from ..utils._sklearn_compat import validate_data

# The ensemble checks shapes and feature names; its members check values
# (dtype, NaN, sparse support) and raise their own, more specific errors.
X_CHECKS = {"accept_sparse": ("csr", "csc"), "dtype": None, "ensure_all_finite": False}


class _MemberEnsembleMixin:
    """What every averaging ensemble shares.

    Subclasses set ``_default_estimator`` (the member class used when
    ``estimator`` is None) and define ``_member_inputs(X)``, the
    ``(member, X as that member sees it)`` pairs.
    """

    def _member_template(self):
        """The estimator each member is cloned from."""
        if self.estimator is None:
            return self._default_estimator()
        return clone(self.estimator)

    def _validate_fit_data(self, X, y):
        """``X`` and ``y`` checked as far as the ensemble needs (shapes, feature
        names); the members check the values.

        A DataFrame stays a DataFrame, so that members with their own input
        preprocessing (a network's ``preprocessing="auto"``, a Pipeline) see
        its text, category, boolean and datetime columns and missing values;
        other inputs become arrays of any dtype.
        """
        if not isinstance(X, pd.DataFrame):
            return validate_data(self, X, y, multi_output=self._multi_output, **X_CHECKS)
        y = validate_data(self, "no_validation", y, multi_output=self._multi_output)
        validate_data(self, X, skip_check_array=True)  # after y: records the names
        check_consistent_length(X, y)
        return X, y

    def _validate_X(self, X):
        check_is_fitted(self)
        if isinstance(X, pd.DataFrame):
            return validate_data(self, X, reset=False, skip_check_array=True)
        return validate_data(self, X, reset=False, **X_CHECKS)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        member_tags = get_tags(self._member_template())
        tags.input_tags.sparse = member_tags.input_tags.sparse
        tags.input_tags.allow_nan = member_tags.input_tags.allow_nan
        return tags


class _AveragingClassifierMixin(_MemberEnsembleMixin):
    """Label encoding and probability averaging of an ensemble classifier."""

    def _encode_targets(self, y):
        """Check the target, set ``classes_`` and return the label codes."""
        check_classification_targets(y)
        kind = type_of_target(y, input_name="y")
        if kind not in ("binary", "multiclass"):
            raise ValueError(
                f"{type(self).__name__} supports binary and multiclass targets, got a "
                f"{kind!r} target."
            )
        encoder = LabelEncoder().fit(y)
        if len(encoder.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes, but the data "
                f"contain only one class: {encoder.classes_[0]!r}."
            )
        self.classes_ = encoder.classes_
        self.n_classes_ = len(encoder.classes_)
        return encoder.transform(y)

    def predict_proba(self, X):
        """Class probabilities, averaged over the members.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        X = self._validate_X(X)
        total = np.zeros((X.shape[0], self.n_classes_))
        for member, member_X in self._member_inputs(X):
            # Member classes are label codes: they index the ensemble's columns.
            total[:, member.classes_] += member.predict_proba(member_X)
        return total / len(self.estimators_)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X, return_std=False):
        """The class with the highest averaged probability.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        return_std : bool, default=False
            Only regressors have a predictive standard deviation; ``True``
            raises a ``ValueError`` that says what to use instead.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        if return_std:
            raise ValueError(
                f"return_std=True is only available for regressors; {type(self).__name__} "
                "is a classifier. Use predict_proba(X) for the averaged class "
                "probabilities, or the members in estimators_ for their spread."
            )
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class _AveragingRegressorMixin(_MemberEnsembleMixin):
    """Predictive mean and standard deviation of an ensemble regressor."""

    def _encode_targets(self, y):
        return y

    def predict(self, X, return_std=False):
        """Mean of the members' predictions, and optionally their spread.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        return_std : bool, default=False
            Also return the standard deviation of the members' predictions,
            a measure of the model (epistemic) uncertainty at each sample.

        Returns
        -------
        mean : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        std : ndarray of the same shape as ``mean``
            Only when ``return_std`` is true.
        """
        X = self._validate_X(X)
        predictions = np.stack(
            [
                np.asarray(member.predict(member_X), dtype=np.float64)
                for member, member_X in self._member_inputs(X)
            ]
        )
        mean = predictions.mean(axis=0)
        if return_std:
            return mean, predictions.std(axis=0)
        return mean

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = get_tags(self._member_template()).target_tags.multi_output
        return tags
