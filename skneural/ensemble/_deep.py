"""Deep ensembles: independently trained networks whose predictions are averaged."""

from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state

from ..estimators import NeuralClassifier, NeuralRegressor
from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    RealNotInt,
    _check_sample_weight,
    _fit_context,
    _safe_indexing,
    _set_random_states,
)
from ._averaging import _AveragingClassifierMixin, _AveragingRegressorMixin


def _fit_member(member, X, y, sample_weight, rows, features):
    """Fit one member on its rows and features (runs in a joblib worker)."""
    if rows is not None:
        X, y = _safe_indexing(X, rows), _safe_indexing(y, rows)
        sample_weight = None if sample_weight is None else sample_weight[rows]
    if len(features) < X.shape[1]:
        X = _safe_indexing(X, features, axis=1)
    if sample_weight is None:
        return member.fit(X, y)
    return member.fit(X, y, sample_weight=sample_weight)


class _BaseDeepEnsemble(BaseEstimator):
    """Members cloned from one estimator, seeded, resampled and fitted in parallel."""

    _parameter_constraints: dict = {
        "n_estimators": [Interval(Integral, 2, None, closed="left")],
        "architectures": [list, None],
        "bootstrap": ["boolean"],
        "max_features": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=5,
        architectures=None,
        bootstrap=False,
        max_features=1.0,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.architectures = architectures
        self.bootstrap = bootstrap
        self.max_features = max_features
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit ``n_estimators`` members, in parallel over ``n_jobs`` processes.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            A DataFrame is passed to the members as it is (it may hold text,
            category, boolean and datetime columns and missing values when
            the members accept them, as skneural's networks do).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
            Passed on to every member's ``fit`` (restricted to its bootstrap
            rows when ``bootstrap=True``).

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        X, y = self._validate_fit_data(X, y)
        y = self._encode_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        n_samples, n_features = X.shape
        n_kept = self._n_kept_features(n_features)
        rng = check_random_state(self.random_state)
        members, row_sets, feature_sets = [], [], []
        for settings in self._member_settings():
            member = self._configured_member(settings)
            _set_random_states(member, rng)
            members.append(member)
            row_sets.append(rng.randint(n_samples, size=n_samples) if self.bootstrap else None)
            if n_kept < n_features:
                feature_sets.append(np.sort(rng.choice(n_features, n_kept, replace=False)))
            else:
                feature_sets.append(np.arange(n_features))
        self.estimators_ = Parallel(n_jobs=self.n_jobs, verbose=self.verbose)(
            delayed(_fit_member)(member, X, y, sample_weight, rows, features)
            for member, rows, features in zip(members, row_sets, feature_sets, strict=True)
        )
        self.estimators_features_ = feature_sets
        return self

    def _member_settings(self) -> list:
        """The parameters each member sets on its clone of ``estimator``."""
        if self.architectures is None:
            return [{}] * self.n_estimators
        if not self.architectures:
            raise ValueError("architectures is an empty list; pass None or at least one dict.")
        if len(self.architectures) > self.n_estimators:
            raise ValueError(
                f"architectures has {len(self.architectures)} entries but n_estimators="
                f"{self.n_estimators}; each architecture needs at least one member."
            )
        for index, settings in enumerate(self.architectures):
            if not isinstance(settings, dict):
                raise TypeError(
                    f"architectures[{index}] must be a dict of estimator parameters, got "
                    f"{type(settings).__name__}: {settings!r}."
                )
        cycle = self.architectures
        return [cycle[i % len(cycle)] for i in range(self.n_estimators)]

    def _configured_member(self, settings: dict):
        """A clone of the template with ``settings`` applied (an unfitted member)."""
        member = self._member_template()
        try:
            return member.set_params(**settings)
        except ValueError as exc:
            index = self.architectures.index(settings)
            raise ValueError(
                f"architectures[{index}] does not fit {type(member).__name__}: {exc}"
            ) from exc

    def _n_kept_features(self, n_features: int) -> int:
        if isinstance(self.max_features, Integral):
            if self.max_features > n_features:
                raise ValueError(
                    f"max_features={self.max_features} exceeds the {n_features} features of X."
                )
            return self.max_features
        return max(1, int(self.max_features * n_features))

    def _member_inputs(self, X):
        n_features = X.shape[1]
        return [
            (member, X if len(features) == n_features else _safe_indexing(X, features, axis=1))
            for member, features in zip(self.estimators_, self.estimators_features_, strict=True)
        ]


_PARAMETERS = """\
Parameters
    ----------
    estimator : estimator instance, default=None
        The member template, cloned once per member. ``None`` means
        ``{default}()`` with its default settings. Any scikit-learn {kind}
        (a Pipeline included) works{proba}.
    n_estimators : int, default=5
        Number of members (at least 2).
    architectures : list of dict, default=None
        Alternative member settings, cycled over the members: member ``i``
        gets ``estimator.set_params(**architectures[i % len(architectures)])``,
        e.g. ``[{{"hidden_layer_sizes": (64,)}}, {{"hidden_layer_sizes": (256, 128)}}]``.
        Any parameter of ``estimator`` may appear. ``None`` gives every member
        the same settings; members then differ by their seed only.
    bootstrap : bool, default=False
        Train each member on a bootstrap sample of the rows. Off by default:
        for networks, different random initialisations alone give most of the
        diversity, and every member sees all the data.
    max_features : int or float, default=1.0
        Features each member sees, drawn without replacement: a count, or a
        share of ``n_features_in_``. The subsets are in ``estimators_features_``.
    n_jobs : int, default=None
        Members fitted in parallel through :class:`joblib.Parallel` (``-1``:
        all cores). skneural members keep ``n_threads=1`` so the processes do
        not oversubscribe the cores.
    random_state : int, RandomState instance or None, default=None
        Seeds the members (every ``random_state`` parameter of each clone of
        ``estimator`` is set from it), the bootstrap rows and the feature
        subsets. An int gives reproducible ensembles whatever ``n_jobs``.
    verbose : int, default=0
        Verbosity of :class:`joblib.Parallel`."""

_ATTRIBUTES = """\
estimators_ : list of estimators
        The fitted members.
    estimators_features_ : list of ndarray
        Column indices each member was trained on.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names."""


class DeepEnsembleClassifier(ClassifierMixin, _AveragingClassifierMixin, _BaseDeepEnsemble):
    """Deep ensemble classifier: independently trained networks, averaged.

    Each member is a clone of ``estimator`` with its own seed (and, as
    asked, its own architecture, bootstrap rows or feature subset);
    :meth:`predict_proba` averages the members' probabilities, which is
    usually both more accurate and better calibrated than a single network.
    Members are fitted in parallel through :class:`joblib.Parallel`.

    {parameters}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    {attributes}

    See Also
    --------
    DeepEnsembleRegressor : The regression counterpart, with a predictive
        standard deviation.
    SnapshotEnsembleClassifier : Several members from one training run.
    sklearn.ensemble.BaggingClassifier : Bagging of any estimator.

    Notes
    -----
    Members are trained on the label codes ``0 .. n_classes - 1``; a member
    that did not see a class (possible with ``bootstrap=True``) gives it
    probability 0.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skneural import NeuralClassifier
    >>> from skneural.ensemble import DeepEnsembleClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> net = NeuralClassifier(hidden_layer_sizes=(16,), max_epochs=20, lr=1e-2)
    >>> ensemble = DeepEnsembleClassifier(net, n_estimators=3, random_state=0).fit(X, y)
    >>> ensemble.predict_proba(X[:2]).shape
    (2, 3)
    """

    _parameter_constraints = {
        **_BaseDeepEnsemble._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
    }
    _default_estimator = NeuralClassifier
    _multi_output = False


DeepEnsembleClassifier.__doc__ = DeepEnsembleClassifier.__doc__.format(
    parameters=_PARAMETERS.format(
        default="NeuralClassifier", kind="classifier", proba=" if it has predict_proba"
    ),
    attributes=_ATTRIBUTES,
)


class DeepEnsembleRegressor(RegressorMixin, _AveragingRegressorMixin, _BaseDeepEnsemble):
    """Deep ensemble regressor: a predictive mean and standard deviation.

    Each member is a clone of ``estimator`` with its own seed (and, as
    asked, its own architecture, bootstrap rows or feature subset).
    ``predict(X)`` is the members' mean; ``predict(X, return_std=True)`` also
    returns their standard deviation, which grows where the members disagree
    (away from the training data, in sparsely sampled regions).
    Members are fitted in parallel through :class:`joblib.Parallel`.

    {parameters}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    DeepEnsembleClassifier : The classification counterpart.
    SnapshotEnsembleRegressor : Several members from one training run.
    sklearn.ensemble.BaggingRegressor : Bagging of any estimator.

    Notes
    -----
    The standard deviation is the spread of the members' point predictions
    (model uncertainty); it does not include the noise of the target itself.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skneural import NeuralRegressor
    >>> from skneural.ensemble import DeepEnsembleRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> net = NeuralRegressor(hidden_layer_sizes=(16,), max_epochs=20, lr=1e-2)
    >>> ensemble = DeepEnsembleRegressor(net, n_estimators=3, random_state=0).fit(X, y)
    >>> mean, std = ensemble.predict(X[:5], return_std=True)
    >>> bool((std > 0).all())
    True
    """

    _parameter_constraints = {
        **_BaseDeepEnsemble._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict"]), None],
    }
    _default_estimator = NeuralRegressor
    _multi_output = True


DeepEnsembleRegressor.__doc__ = DeepEnsembleRegressor.__doc__.format(
    parameters=_PARAMETERS.format(default="NeuralRegressor", kind="regressor", proba=""),
    attributes=_ATTRIBUTES,
)
