"""Plot what a fitted estimator recorded while it trained."""

from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .callbacks import EarlyStopping
from .estimators._base import BaseNeuralEstimator
from .utils._optional import import_optional
from .utils._sklearn_compat import BaseSearchCV

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
    metrics : str or list of str, default=None
        History entries to plot on the right axis (a string: that one);
        ``None`` plots every ``valid_*`` entry except ``valid_loss``, and an
        empty list none.
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
    elif isinstance(metrics, str):
        metrics = [metrics]
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


def plot_search_rewards(searches, *, metric="score", ax=None):
    """Plot the score of every proposal of one or more fitted searches, and the best so far.

    Meant to compare an :class:`~skneural.model_selection.ArchitectureSearchCV`
    controller with a random-search baseline at equal budget: each search
    gets one colour, with a dot per proposed candidate (its mean CV score,
    in the order proposed), a solid line for the best score so far and, for
    an ``ArchitectureSearchCV``, a dashed line for the mean score of each
    batch (what the controller learns from), drawn at the batch's last
    proposal. Failed candidates (NaN scores) leave gaps. Any search whose
    ``cv_results_`` rows are in proposal order works (``RandomizedSearchCV``,
    :class:`~skneural.model_selection.OptunaSearchCV`, ...). Needs matplotlib
    (``pip install skneural[plot]``).

    Parameters
    ----------
    searches : search or dict of str to search
        A fitted search, or several keyed by their legend labels (e.g.
        ``{"controller": nas, "random": random}``).
    metric : str, default="score"
        Which ``mean_test_<metric>`` column to plot (for multi-metric
        searches).
    ax : matplotlib.axes.Axes, default=None
        Axes to draw into; ``None`` creates a new figure.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure holding the plot.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skneural import NeuralClassifier
    >>> from skneural.model_selection import ArchitectureSearchCV
    >>> from skneural.plotting import plot_search_rewards
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = NeuralClassifier(max_epochs=3, random_state=0)
    >>> searches = {
    ...     strategy: ArchitectureSearchCV(clf, n_iter=4, proposals_per_update=2, cv=2,
    ...                                    strategy=strategy, random_state=0).fit(X, y)
    ...     for strategy in ("reinforce", "random")
    ... }
    >>> figure = plot_search_rewards(searches)
    """
    import numpy as np

    if not isinstance(searches, dict):
        searches = {_search_label(searches): searches}
    if not searches:
        raise ValueError("searches is empty; give at least one fitted search.")
    column = f"mean_test_{metric}"
    curves = {}
    for label, search in searches.items():
        _check_is_search(search)
        check_is_fitted(search, "cv_results_")
        if column not in search.cv_results_:
            available = sorted(
                k[len("mean_test_") :] for k in search.cv_results_ if k.startswith("mean_test_")
            )
            raise ValueError(
                f"The search {label!r} has no {column!r} in cv_results_; metric must be one of "
                f"{available}."
            )
        curves[label] = np.asarray(search.cv_results_[column], dtype=np.float64)
    if ax is None:
        plt = import_optional("matplotlib.pyplot", extra="plot", feature="plot_search_rewards")
        _, ax = plt.subplots()
    for colour, (label, scores) in enumerate(curves.items()):
        style = {"color": f"C{colour}"}
        proposals = np.arange(1, len(scores) + 1)
        ax.plot(proposals, scores, "o", alpha=0.4, markersize=4, **style)
        best = np.fmax.accumulate(np.where(np.isnan(scores), -np.inf, scores))
        best = np.where(np.isinf(best), np.nan, best)
        ax.plot(proposals, best, drawstyle="steps-post", label=f"{label}: best so far", **style)
        history = getattr(searches[label], "policy_history_", None)
        if history:
            ax.plot(
                [record["n_proposals"] for record in history],
                [record["mean_reward"] for record in history],
                "--",
                label=f"{label}: batch mean",
                **style,
            )
    ax.set_xlabel("proposal")
    ax.set_ylabel(f"mean CV {metric}")
    ax.legend(loc="best")
    return ax.figure


def _check_is_search(search) -> None:
    """Raise a ``TypeError`` unless ``search`` is a search (fitted or not): a
    scikit-learn ``BaseSearchCV`` or anything with ``cv_results_``."""
    if isinstance(search, BaseSearchCV) or hasattr(search, "cv_results_"):
        return
    raise TypeError(
        "plot_search_rewards needs fitted searches with cv_results_ (an "
        "ArchitectureSearchCV, RandomizedSearchCV, OptunaSearchCV, ...), alone or in a "
        f"dict keyed by label; got {type(search).__name__}. To plot the training of "
        "one network, use plot_history."
    )


def _search_label(search) -> str:
    strategy = getattr(search, "strategy", None)
    return strategy if isinstance(strategy, str) else type(search).__name__
