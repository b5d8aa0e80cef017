"""Plot what a fitted estimator recorded while it trained."""

from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .callbacks import EarlyStopping
from .estimators._base import BaseNeuralEstimator
from .utils._optional import import_optional

_LOSSES = ("train_loss", "valid_loss")


def plot_history(estimator, metrics=None, ax=None):
    """Plot the loss curves and validation metrics of a fitted estimator.

    The training and validation losses share the left axis; the other
    metrics (by default every ``valid_*`` entry besides the loss, e.g.
    ``valid_accuracy``) go on a second axis on the right. When early stopping
    ran, a vertical line marks its best epoch. Needs matplotlib
    (``pip install skneural[plot]``).

    Parameters
    ----------
    estimator : NeuralClassifier, NeuralRegressor, Pipeline or search
        A fitted estimator, a fitted ``Pipeline`` ending with one, or a
        fitted search (``GridSearchCV``, ``BayesSearchCV``,
        ``OptunaSearchCV``, ...) whose ``best_estimator_`` is one of these;
        the network's history is plotted.
    metrics : list of str, default=None
        History entries to plot on the right axis; ``None`` plots every
        ``valid_*`` entry except ``valid_loss``, and an empty list none.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw the losses into; ``None`` creates a new figure.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure holding the plot.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_diabetes
    >>> from skneural import NeuralRegressor
    >>> from skneural.plotting import plot_history
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = NeuralRegressor(hidden_layer_sizes=(8,), max_epochs=5, random_state=0).fit(X, y)
    >>> figure = plot_history(reg)
    """
    estimator = _fitted_network(estimator)
    history = estimator.history_
    columns = {name for row in history for name in row}
    if metrics is None:
        metrics = sorted(n for n in columns if n.startswith("valid_") and n not in _LOSSES)
    missing = [name for name in metrics if name not in columns]
    if missing:
        raise ValueError(
            f"metrics {missing} are not in the training history; available: "
            f"{sorted(columns - {'epoch'})}."
        )
    if ax is None:
        plt = import_optional("matplotlib.pyplot", extra="plot", feature="plot_history")
        _, ax = plt.subplots()

    lines = [_plot_column(ax, history, name) for name in _LOSSES if name in columns]
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if metrics:
        right = ax.twinx()
        right.set_ylabel("metric" if len(metrics) > 1 else metrics[0])
        lines += [
            _plot_column(right, history, name, linestyle="--", color=f"C{len(lines) + i}")
            for i, name in enumerate(metrics)
        ]
    best_epoch = _best_epoch(estimator)
    if best_epoch is not None:
        lines.append(
            ax.axvline(best_epoch, color="grey", linestyle=":", label=f"best epoch ({best_epoch})")
        )
    ax.legend(handles=lines, loc="best")
    return ax.figure


def _fitted_network(estimator) -> BaseNeuralEstimator:
    """The fitted skneural estimator inside ``estimator`` whose history to plot."""
    if isinstance(estimator, Pipeline):
        return _fitted_network(estimator[-1])
    if hasattr(estimator, "best_estimator_"):
        return _fitted_network(estimator.best_estimator_)
    if isinstance(estimator, BaseNeuralEstimator):
        check_is_fitted(estimator, "history_")
        return estimator
    params = estimator.get_params(deep=False) if hasattr(estimator, "get_params") else {}
    if "estimator" in params:  # a search, not fitted or not refitted
        raise NotFittedError(
            f"This {type(estimator).__name__} has no best_estimator_ to plot: fit it "
            "first, with refit=True."
        )
    raise TypeError(
        "plot_history needs a fitted NeuralClassifier or NeuralRegressor, a Pipeline "
        f"ending with one, or a search whose best estimator is one; got {estimator!r}."
    )


def _plot_column(ax, history, name, **style):
    rows = [row for row in history if name in row]
    (line,) = ax.plot([r["epoch"] for r in rows], [r[name] for r in rows], label=name, **style)
    return line


def _best_epoch(estimator):
    """Best epoch of the early stopping that ran in the last fit, if any."""
    for callback in getattr(estimator, "callbacks_", None) or []:
        best_epoch = getattr(callback, "best_epoch_", None)
        if isinstance(callback, EarlyStopping) and best_epoch is not None:
            return best_epoch
    return None
