"""Find the skneural estimators inside a composite estimator."""

from ..estimators._base import BaseNeuralEstimator


def neural_steps(estimator, *, required: bool = True) -> dict:
    """The skneural estimators in ``estimator``, keyed by their parameter prefix.

    Parameters
    ----------
    estimator : estimator
        A skneural estimator, or a composite (``Pipeline``, a search, ...)
        holding one or more.
    required : bool, default=True
        Raise a ``TypeError`` when there is none (otherwise return ``{}``).

    Returns
    -------
    dict of str to BaseNeuralEstimator
        ``{"": estimator}`` for a skneural estimator itself, otherwise
        ``{"<step>__": step}`` for every nested one, so that
        ``estimator.set_params(**{prefix + "lr": 0.01})`` reaches it.
    """
    if isinstance(estimator, BaseNeuralEstimator):
        return {"": estimator}
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    found = {
        f"{name}__": step for name, step in params.items() if isinstance(step, BaseNeuralEstimator)
    }
    if not found and required:
        raise TypeError(
            f"{type(estimator).__name__} holds no skneural estimator; expected a "
            "NeuralClassifier, a NeuralRegressor or a composite such as a Pipeline "
            "ending with one."
        )
    return found
