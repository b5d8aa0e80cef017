"""Snapshot ensembles: several members from one training run with cyclic learning rates."""

import copy
import warnings
from numbers import Integral, Real

from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from ..estimators import NeuralClassifier, NeuralRegressor
from ..training._budget import BASE_LR
from ..utils._sklearn_compat import Interval, _fit_context, _set_random_states
from ._averaging import _AveragingClassifierMixin, _AveragingRegressorMixin
from ._snapshot_callback import SnapshotCallback


class _BaseSnapshotEnsemble(BaseEstimator):
    """Train one network with cosine restarts; each cycle's end is a member."""

    _parameter_constraints: dict = {
        "n_snapshots": [Interval(Integral, 2, None, closed="left")],
        "cycle_epochs": [Interval(Integral, 1, None, closed="left")],
        "min_lr": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self, estimator=None, *, n_snapshots=5, cycle_epochs=20, min_lr=0.0, random_state=None
    ):
        self.estimator = estimator
        self.n_snapshots = n_snapshots
        self.cycle_epochs = cycle_epochs
        self.min_lr = min_lr
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Train for ``n_snapshots * cycle_epochs`` epochs, keeping one member per cycle.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            A DataFrame is passed to the members as it is (it may hold text,
            category, boolean and datetime columns and missing values when
            the members accept them, as skneural's networks do).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
            Passed on to the network's ``fit``.

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        X, y = self._validate_fit_data(X, y)
        y = self._encode_targets(y)
        net = self._member_template()
        lr = BASE_LR if net.lr == "auto" else net.lr  # "auto" is at least BASE_LR
        if self.min_lr >= lr:
            raise ValueError(
                f"min_lr={self.min_lr} must be below the estimator's lr={lr}: each "
                "cycle anneals the learning rate from lr down to min_lr."
            )
        snapshot = SnapshotCallback(cycle_epochs=self.cycle_epochs, min_lr=self.min_lr)
        net.set_params(
            max_epochs=self.n_snapshots * self.cycle_epochs,
            early_stopping=False,
            warm_start=False,
            callbacks=[*(net.callbacks or []), snapshot],
        )
        _set_random_states(net, self.random_state)
        net.fit(X, y, sample_weight=sample_weight)
        # The fit works on a copy of ``snapshot``: read the fitted one.
        (fitted,) = [cb for cb in net.callbacks_ if isinstance(cb, SnapshotCallback)]
        states = fitted.take_snapshots()
        if not states:
            raise RuntimeError(
                f"Training stopped after {net.n_iter_} epochs, before the first cycle of "
                f"{self.cycle_epochs} epochs ended, so no snapshot was taken."
            )
        if len(states) < self.n_snapshots:
            warnings.warn(
                f"Training stopped after {net.n_iter_} epochs: only {len(states)} of "
                f"{self.n_snapshots} snapshots were taken.",
                UserWarning,
                stacklevel=2,
            )
        self.history_ = net.history_
        self.estimators_ = [_with_weights(net, state) for state in states]
        return self

    def _member_inputs(self, X):
        return [(member, X) for member in self.estimators_]


def _with_weights(net, state):
    """A copy of the fitted ``net`` carrying the weights in ``state``."""
    member = copy.deepcopy(net)
    member.module_.load_state_dict(state)
    return member


_PARAMETERS = """\
Parameters
    ----------
    estimator : {default}, default=None
        The network to train; ``None`` means ``{default}()``. Its
        ``max_epochs``, ``early_stopping`` and ``warm_start`` are replaced
        (``n_snapshots * cycle_epochs`` epochs, no early stopping, a fresh
        start) and a :class:`SnapshotCallback` is added after its callbacks.
        Its ``lr`` is the peak learning rate of every cycle.
    n_snapshots : int, default=5
        Number of cycles, hence of members (at least 2).
    cycle_epochs : int, default=20
        Epochs per cycle.
    min_lr : float, default=0.0
        Learning rate at the end of each cycle (below ``estimator.lr``).
    random_state : int, RandomState instance or None, default=None
        Seeds the network (it replaces ``estimator.random_state``)."""

_ATTRIBUTES = """\
estimators_ : list of {default}
        One fitted network per snapshot, oldest first.
    history_ : skneural.training.History
        The per-epoch history of the training run (the ``lr`` column shows
        the cycles).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names."""

_NOTES = """\
Notes
    -----
    A snapshot ensemble costs one training run: members come from the ends
    of the learning-rate cycles rather than from separate fits. They are
    usually less diverse than the members of a :class:`DeepEnsemble{kind}`,
    which costs ``n_estimators`` runs but can train them in parallel."""


class SnapshotEnsembleClassifier(ClassifierMixin, _AveragingClassifierMixin, _BaseSnapshotEnsemble):
    """Snapshot ensemble classifier: members from one cyclic-learning-rate run.

    One network is trained with a cosine learning rate that restarts every
    ``cycle_epochs`` epochs; the weights at the end of each cycle are a
    member, and :meth:`predict_proba` averages the members' probabilities.
    Every member divides its logits by the temperature fitted on the
    validation rows for the last snapshot (the network as training ended;
    each cycle ends at the same low learning rate, so the members are
    similarly confident).

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
    DeepEnsembleClassifier : Independently trained members.

    {notes}

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skneural import NeuralClassifier
    >>> from skneural.ensemble import SnapshotEnsembleClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> net = NeuralClassifier(hidden_layer_sizes=(16,), lr=1e-2)
    >>> ensemble = SnapshotEnsembleClassifier(net, n_snapshots=3, cycle_epochs=5,
    ...                                       random_state=0).fit(X, y)
    >>> len(ensemble.estimators_)
    3
    """

    _parameter_constraints = {
        **_BaseSnapshotEnsemble._parameter_constraints,
        "estimator": [NeuralClassifier, None],
    }
    _default_estimator = NeuralClassifier
    _multi_output = False


SnapshotEnsembleClassifier.__doc__ = SnapshotEnsembleClassifier.__doc__.format(
    parameters=_PARAMETERS.format(default="NeuralClassifier"),
    attributes=_ATTRIBUTES.format(default="NeuralClassifier"),
    notes=_NOTES.format(kind="Classifier"),
)


class SnapshotEnsembleRegressor(RegressorMixin, _AveragingRegressorMixin, _BaseSnapshotEnsemble):
    """Snapshot ensemble regressor: members from one cyclic-learning-rate run.

    One network is trained with a cosine learning rate that restarts every
    ``cycle_epochs`` epochs; the weights at the end of each cycle are a
    member. ``predict(X)`` is the members' mean and
    ``predict(X, return_std=True)`` adds their standard deviation.

    {parameters}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    DeepEnsembleRegressor : Independently trained members.

    {notes}

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skneural import NeuralRegressor
    >>> from skneural.ensemble import SnapshotEnsembleRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> net = NeuralRegressor(hidden_layer_sizes=(16,), lr=1e-2)
    >>> ensemble = SnapshotEnsembleRegressor(net, n_snapshots=3, cycle_epochs=5,
    ...                                      random_state=0).fit(X, y)
    >>> mean, std = ensemble.predict(X[:5], return_std=True)
    >>> mean.shape
    (5,)
    """

    _parameter_constraints = {
        **_BaseSnapshotEnsemble._parameter_constraints,
        "estimator": [NeuralRegressor, None],
    }
    _default_estimator = NeuralRegressor
    _multi_output = True


SnapshotEnsembleRegressor.__doc__ = SnapshotEnsembleRegressor.__doc__.format(
    parameters=_PARAMETERS.format(default="NeuralRegressor"),
    attributes=_ATTRIBUTES.format(default="NeuralRegressor"),
    notes=_NOTES.format(kind="Regressor"),
)
