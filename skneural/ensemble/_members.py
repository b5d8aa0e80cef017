"""The members of a fitted ensemble and their predictions, whatever the ensemble.

Works for skneural's ensembles, scikit-learn's fitted Bagging, Voting,
Stacking, AdaBoost and random-forest estimators (also as the last step of
a Pipeline), and for a plain list of fitted estimators.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.base import is_classifier
from sklearn.ensemble import (
    BaggingClassifier,
    ExtraTreesClassifier,
    RandomForestClassifier,
    StackingClassifier,
    VotingClassifier,
)
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..utils._sklearn_compat import _safe_indexing
from ._averaging import _AveragingClassifierMixin

# Ensemble classifiers whose members were trained on label codes 0..n_classes-1.
_LABEL_CODE_ENSEMBLES = (
    BaggingClassifier,
    RandomForestClassifier,
    ExtraTreesClassifier,
    VotingClassifier,
    StackingClassifier,
    _AveragingClassifierMixin,
)


@dataclass
class MemberPredictions:
    """Predictions of each member and of the ensemble on the same rows.

    Attributes
    ----------
    names : list of str
        One name per member.
    members : ndarray of shape (n_members, n_samples) or (n_members, n_samples, n_outputs)
        Class labels (classification) or values (regression).
    ensemble : ndarray
        The ensemble's own prediction: its ``predict`` for a fitted ensemble,
        the majority vote or mean of the members for a list of estimators.
    is_classifier : bool
    """

    names: list
    members: np.ndarray
    ensemble: np.ndarray
    is_classifier: bool


def member_predictions(ensemble, X) -> MemberPredictions:
    """Predict ``X`` with every member of ``ensemble`` and with the ensemble.

    Parameters
    ----------
    ensemble : fitted ensemble, Pipeline ending in one, or list of fitted estimators
        A list may hold estimators or ``(name, estimator)`` pairs.
    X : array-like of shape (n_samples, n_features)

    Returns
    -------
    MemberPredictions
    """
    if isinstance(ensemble, list | tuple):
        return _list_predictions(list(ensemble), X)
    if isinstance(ensemble, Pipeline):
        check_is_fitted(ensemble)
        X = ensemble[:-1].transform(X)
        ensemble = ensemble[-1]
    check_is_fitted(ensemble)
    members = getattr(ensemble, "estimators_", None)
    if not isinstance(members, list):
        raise TypeError(
            f"{type(ensemble).__name__} has no list of fitted members (estimators_); "
            "diversity needs an ensemble such as DeepEnsembleClassifier, "
            "BaggingClassifier, VotingClassifier, StackingClassifier, AdaBoostClassifier "
            "or RandomForestClassifier, or a list of fitted estimators."
        )
    _check_several(len(members))
    classifier = is_classifier(ensemble)
    names = _member_names(ensemble)
    feature_sets = getattr(ensemble, "estimators_features_", [None] * len(members))
    predictions = []
    for member, features in zip(members, feature_sets, strict=True):
        member_X = X if features is None else _safe_indexing(X, features, axis=1)
        labels = np.asarray(member.predict(_as_member_input(member, member_X)))
        if classifier:
            labels = _ensemble_labels(ensemble, member, labels)
        predictions.append(labels)
    return MemberPredictions(names, np.stack(predictions), ensemble.predict(X), classifier)


def _list_predictions(estimators, X):
    _check_several(len(estimators))
    pairs = [
        item if isinstance(item, tuple) else (f"{type(item).__name__}_{i}", item)
        for i, item in enumerate(estimators)
    ]
    names = [name for name, _ in pairs]
    kinds = {is_classifier(estimator) for _, estimator in pairs}
    if len(kinds) > 1:
        raise ValueError(
            "The estimators mix classifiers and regressors; diversity compares members of one kind."
        )
    classifier = kinds.pop()
    if classifier:
        _check_same_classes(pairs)
    members = np.stack([np.asarray(estimator.predict(X)) for _, estimator in pairs])
    if classifier:
        ensemble = _majority_vote(members, pairs[0][1].classes_)
    else:
        ensemble = members.astype(np.float64).mean(axis=0)
    return MemberPredictions(names, members, ensemble, classifier)


def _check_several(n_members: int) -> None:
    if n_members < 2:
        raise ValueError(
            f"The ensemble has {n_members} member(s); diversity needs at least 2 members "
            "to compare."
        )


def _as_member_input(member, X):
    """``X`` without column names for a member fitted on a plain array (the
    ensemble validated the names already), so the member does not warn."""
    if hasattr(X, "columns") and not hasattr(member, "feature_names_in_"):
        return X.to_numpy()
    return X


def _member_names(ensemble) -> list:
    if isinstance(getattr(ensemble, "estimators", None), list):  # Voting, Stacking
        named = [name for name, estimator in ensemble.estimators if estimator != "drop"]
        if len(named) == len(ensemble.estimators_):
            return named
    return [f"member_{i}" for i in range(len(ensemble.estimators_))]


def _ensemble_labels(ensemble, member, labels):
    """Member predictions as the ensemble's class labels."""
    if isinstance(ensemble, _LABEL_CODE_ENSEMBLES):
        return ensemble.classes_[labels.astype(np.intp)]
    member_classes = getattr(member, "classes_", None)
    if member_classes is None or not np.array_equal(member_classes, ensemble.classes_):
        raise ValueError(
            f"Members with inconsistent classes: {type(member).__name__} has classes "
            f"{None if member_classes is None else list(member_classes)} but the ensemble "
            f"has {list(ensemble.classes_)}."
        )
    return labels


def _check_same_classes(pairs) -> None:
    reference_name, reference = pairs[0]
    for name, estimator in pairs[1:]:
        if not np.array_equal(estimator.classes_, reference.classes_):
            raise ValueError(
                f"Members with inconsistent classes: {name!r} has classes "
                f"{list(estimator.classes_)} but {reference_name!r} has "
                f"{list(reference.classes_)}; fit every member on the same labels."
            )


def _majority_vote(labels, classes):
    """Most frequent label per column; ties go to the first class in ``classes``."""
    codes = np.searchsorted(classes, labels)
    counts = np.stack([(codes == k).sum(axis=0) for k in range(len(classes))])
    return classes[counts.argmax(axis=0)]
