"""What skneural declares about scikit-learn's estimator checks."""

_SAMPLE_WEIGHT_EQUIVALENCE = (
    "A mini-batch learner with a held-out validation split cannot be exactly "
    "equivalent to one fitted on repeated rows: duplicating rows changes which "
    "rows are held out for validation and early stopping, the dropout masks drawn "
    "and (beyond one batch) the number of optimisation steps per epoch. The loss "
    "itself weights rows exactly: with validation_fraction=0, dropout=0 and one "
    "full batch the check's own data "
    "agree to ~1e-6, float32 rounding, short of its rtol=1e-7 "
    "(tests/estimators/test_training.py::test_weight_of_two_equals_duplicated_row)."
)


def expected_failed_checks(estimator) -> dict:
    """Return the scikit-learn estimator checks skneural does not pass, with reasons.

    The checks are those run by
    :func:`sklearn.utils.estimator_checks.parametrize_with_checks`.

    Parameters
    ----------
    estimator : estimator instance
        A :class:`~skneural.NeuralClassifier` or
        :class:`~skneural.NeuralRegressor`.

    Returns
    -------
    dict
        Check name to reason; pass it as ``expected_failed_checks`` to
        ``parametrize_with_checks`` or ``check_estimator``.
    """
    return {
        "check_sample_weight_equivalence_on_dense_data": _SAMPLE_WEIGHT_EQUIVALENCE,
        "check_sample_weight_equivalence_on_sparse_data": _SAMPLE_WEIGHT_EQUIVALENCE,
    }
