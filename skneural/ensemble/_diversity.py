"""How differently the members of an ensemble predict, and what that buys."""

import itertools
import warnings

import numpy as np
import pandas as pd

from ._members import member_predictions


def diversity_report(ensemble, X, y, *, pairwise: bool = False) -> pd.DataFrame:
    """Per-member scores and diversity measures of a fitted ensemble.

    Parameters
    ----------
    ensemble : fitted ensemble, Pipeline ending in one, or list of fitted estimators
        A skneural ensemble (:class:`DeepEnsembleClassifier`, ...), a fitted
        scikit-learn Bagging, Voting, Stacking, AdaBoost or random-forest
        estimator, or a list of fitted estimators (or ``(name, estimator)``
        pairs) of one kind, to compare models trained separately.
    X : array-like of shape (n_samples, n_features)
        Evaluation inputs, ideally held out from training.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True targets of ``X``.
    pairwise : bool, default=False
        Return one row per pair of members instead of one row per member.

    Returns
    -------
    pandas.DataFrame
        With ``pairwise=False``, one row per member and summary rows:

        - classification: ``accuracy``; ``disagreement`` (share of rows on
          which two members predict different labels), ``error_correlation``
          (correlation of the two members' 0/1 errors) and ``q_statistic``
          (Yule's Q of "correct" between two members: 1 when they are right
          and wrong together, 0 when independent, negative when one is right
          where the other errs), each averaged over the member's partners.
          The ``ensemble`` row holds the ensemble's accuracy and the means
          over all pairs.
        - regression: ``mse``; ``ambiguity`` (mean squared distance of the
          member's predictions to the members' average);
          ``disagreement`` (mean squared difference between two members'
          predictions) and ``error_correlation`` (correlation of their
          residuals), averaged over partners. The ``average`` row is the
          plain average of the members, for which the ambiguity
          decomposition holds exactly: its ``mse`` equals the members' mean
          ``mse`` minus their mean ``ambiguity``. The ``ensemble`` row is the
          ensemble's own prediction (a weighted vote, a meta-model, ...).

        With ``pairwise=True``, a row per pair, indexed by
        ``(member_a, member_b)``, with the pairwise columns above.
        Correlations and Q are NaN where undefined (a member without errors).

    Raises
    ------
    ValueError
        With fewer than 2 members, members with inconsistent classes, or a
        ``y`` whose length differs from ``X``.
    TypeError
        When ``ensemble`` has no list of fitted members.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import BaggingClassifier
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skneural.ensemble import diversity_report
    >>> X, y = load_iris(return_X_y=True)
    >>> bagging = BaggingClassifier(DecisionTreeClassifier(), n_estimators=4,
    ...                             random_state=0).fit(X, y)
    >>> report = diversity_report(bagging, X, y)
    >>> list(report.columns)
    ['accuracy', 'disagreement', 'error_correlation', 'q_statistic']
    >>> report.index[-1]
    'ensemble'
    """
    predictions = member_predictions(ensemble, X)
    y = np.asarray(y)
    if len(y) != predictions.members.shape[1]:
        raise ValueError(
            f"y has {len(y)} rows but X has {predictions.members.shape[1]}; pass the targets of X."
        )
    if predictions.is_classifier:
        return _classification_report(predictions, y, pairwise)
    return _regression_report(predictions, y, pairwise)


def _classification_report(predictions, y, pairwise):
    members = predictions.members
    correct = members == y
    errors = ~correct

    def measures(i, j):
        both_right = np.sum(correct[i] & correct[j])
        both_wrong = np.sum(errors[i] & errors[j])
        only_i, only_j = np.sum(correct[i] & errors[j]), np.sum(errors[i] & correct[j])
        agreement = both_right * both_wrong + only_i * only_j
        discord = both_right * both_wrong - only_i * only_j
        return {
            "disagreement": float(np.mean(members[i] != members[j])),
            "error_correlation": _correlation(errors[i], errors[j]),
            "q_statistic": discord / agreement if agreement else np.nan,
        }

    pairs = _pair_table(predictions.names, measures)
    if pairwise:
        return pairs
    scores = pd.DataFrame({"accuracy": correct.mean(axis=1)}, index=predictions.names)
    summary = {"accuracy": float(np.mean(predictions.ensemble == y)), **pairs.mean().to_dict()}
    return _with_partner_means(scores, pairs, {"ensemble": summary})


def _regression_report(predictions, y, pairwise):
    n_members, n_samples = predictions.members.shape[:2]
    members = predictions.members.astype(np.float64).reshape(n_members, n_samples, -1)
    y = y.astype(np.float64).reshape(n_samples, -1)
    residuals = members - y
    average = members.mean(axis=0)

    def measures(i, j):
        return {
            "disagreement": float(np.mean((members[i] - members[j]) ** 2)),
            "error_correlation": _correlation(residuals[i].ravel(), residuals[j].ravel()),
        }

    pairs = _pair_table(predictions.names, measures)
    if pairwise:
        return pairs
    ambiguity = ((members - average) ** 2).mean(axis=(1, 2))
    scores = pd.DataFrame(
        {"mse": (residuals**2).mean(axis=(1, 2)), "ambiguity": ambiguity},
        index=predictions.names,
    )
    ensemble = np.asarray(predictions.ensemble, dtype=np.float64).reshape(n_samples, -1)
    summaries = {
        "average": {
            "mse": float(np.mean((average - y) ** 2)),
            "ambiguity": float(ambiguity.mean()),
            **pairs.mean().to_dict(),
        },
        "ensemble": {"mse": float(np.mean((ensemble - y) ** 2))},
    }
    return _with_partner_means(scores, pairs, summaries)


def _pair_table(names, measures):
    rows = {
        (names[i], names[j]): measures(i, j)
        for i, j in itertools.combinations(range(len(names)), 2)
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index = pd.MultiIndex.from_tuples(table.index, names=["member_a", "member_b"])
    return table


def _with_partner_means(scores, pairs, summaries):
    """Add each member's mean pairwise measures, then the summary rows."""
    symmetric = pd.concat([pairs, pairs.swaplevel().rename_axis(pairs.index.names)])
    partner_means = symmetric.groupby(level="member_a", sort=False).mean()
    report = scores.join(partner_means)
    summary_rows = pd.DataFrame.from_dict(summaries, orient="index")
    return pd.concat([report, summary_rows.reindex(columns=report.columns)])


def _correlation(a, b) -> float:
    """Pearson correlation; NaN when either input is constant."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.std() == 0 or b.std() == 0:
        return np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.corrcoef(a, b)[0, 1])
