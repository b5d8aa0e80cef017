import sys

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.model_selection import ArchitectureSearchCV, ArchitectureSpace, Decision
from skneural.plotting import plot_history, plot_search_rewards

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def classifier():
    X, y = make_classification(n_samples=80, n_features=4, random_state=0)
    # patience 1 with 5 epochs: early stopping ran and found a best epoch
    return NeuralClassifier(
        hidden_layer_sizes=(8,), max_epochs=5, n_iter_no_change=1, lr=0.05, random_state=0
    ).fit(X, y)


def _lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_curves_show_the_history(classifier):
    figure = plot_history(classifier)
    left, right = figure.axes
    history = classifier.history_
    lines = _lines(left)
    for name in ("train_loss", "valid_loss"):
        assert list(lines[name].get_xdata()) == history.column("epoch")
        assert list(lines[name].get_ydata()) == history.column(name)
    (accuracy,) = right.get_lines()
    assert accuracy.get_label() == "valid_accuracy"
    assert list(accuracy.get_ydata()) == history.column("valid_accuracy")
    best = classifier.callbacks_[-1].best_epoch_
    assert list(lines[f"best epoch ({best})"].get_xdata()) == [best, best]
    legend = [text.get_text() for text in left.get_legend().get_texts()]
    assert legend == ["train_loss", "valid_loss", "valid_accuracy", f"best epoch ({best})"]
    figure.canvas.draw()  # renders headless


def test_draws_into_the_given_axes(classifier):
    figure, ax = plt.subplots()
    assert plot_history(classifier, metrics=["lr"], ax=ax) is figure
    assert list(_lines(figure.axes[1])["lr"].get_ydata()) == classifier.history_.column("lr")


def test_without_validation_or_early_stopping_only_the_training_loss():
    X, y = make_regression(n_samples=40, n_features=3, random_state=0)
    reg = NeuralRegressor(
        hidden_layer_sizes=(8,), max_epochs=3, validation_fraction=0.0, early_stopping=False
    ).fit(X, y)
    figure = plot_history(reg)
    assert len(figure.axes) == 1
    assert list(_lines(figure.axes[0])) == ["train_loss"]


def test_unknown_metric_lists_those_available(classifier):
    with pytest.raises(ValueError, match=r"\['valid_f1'\] are not in the training history"):
        plot_history(classifier, metrics=["valid_f1"])


def test_a_metric_given_as_a_string_is_one_metric(classifier):
    # Was read as the metrics ['v', 'a', 'l', ...].
    figure = plot_history(classifier, metrics="valid_accuracy")
    assert list(_lines(figure.axes[1])) == ["valid_accuracy"]
    with pytest.raises(ValueError, match=r"\['valid_f1'\] are not in the training history"):
        plot_history(classifier, metrics="valid_f1")


def test_unfitted_estimator_is_rejected():
    with pytest.raises(NotFittedError):
        plot_history(NeuralClassifier())


@pytest.fixture(scope="module")
def small_data():
    return make_classification(n_samples=60, n_features=4, random_state=0)


@pytest.mark.parametrize("wrap", ["pipeline", "search", "search_of_pipeline"])
def test_pipelines_and_searches_plot_their_network(wrap, small_data):
    net = NeuralClassifier(hidden_layer_sizes=(4,), max_epochs=3, random_state=0)
    pipeline = make_pipeline(StandardScaler(), net)
    model = {
        "pipeline": pipeline,
        "search": GridSearchCV(net, {"lr": [1e-3, 1e-2]}, cv=2),
        "search_of_pipeline": GridSearchCV(pipeline, {"neuralclassifier__lr": [1e-2]}, cv=2),
    }[wrap].fit(*small_data)
    fitted = model.best_estimator_ if wrap.startswith("search") else model
    history = fitted[-1].history_ if wrap != "search" else fitted.history_
    lines = _lines(plot_history(model).axes[0])
    assert list(lines["train_loss"].get_ydata()) == history.column("train_loss")


def test_unfitted_pipeline_and_search_are_rejected():
    net = NeuralClassifier()
    with pytest.raises(NotFittedError):
        plot_history(make_pipeline(StandardScaler(), net))
    with pytest.raises(NotFittedError, match="no best_estimator_.*refit=True"):
        plot_history(GridSearchCV(net, {"lr": [1e-3]}))


def test_a_pipeline_without_a_network_is_rejected(small_data):
    pipeline = make_pipeline(StandardScaler(), LogisticRegression()).fit(*small_data)
    with pytest.raises(TypeError, match="a Pipeline ending with one"):
        plot_history(pipeline)


def test_missing_matplotlib_names_the_extra(classifier, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install skneural\[plot\]"):
        plot_history(classifier)


@pytest.fixture(scope="module")
def searches():
    X, y = make_classification(n_samples=80, n_features=4, random_state=0)
    clf = NeuralClassifier(hidden_layer_sizes=(4,), max_epochs=2, random_state=0)
    space = ArchitectureSpace(
        [
            Decision("width", (2, 4, 8), param="hidden_layer_sizes[0]"),
            # every fit with activation "none" fails: its score is NaN
            Decision("activation", ("relu", "tanh", "none"), param="activation"),
        ]
    )
    found = {}
    for strategy in ("reinforce", "random"):
        search = ArchitectureSearchCV(
            clf,
            space,
            strategy=strategy,
            n_iter=6,
            proposals_per_update=3,
            cv=2,
            random_state=0,
            refit=False,
        )
        with pytest.warns(FitFailedWarning):
            found[strategy] = search.fit(X, y)
    return found


def test_search_rewards_show_each_proposal_the_best_so_far_and_batch_means(searches):
    figure = plot_search_rewards(
        {"controller": searches["reinforce"], "random": searches["random"]}
    )
    (ax,) = figure.axes
    lines = _lines(ax)
    for label, search in [("controller", searches["reinforce"]), ("random", searches["random"])]:
        scores = search.cv_results_["mean_test_score"]
        assert np.isnan(scores).any()  # failed candidates leave gaps
        best = lines[f"{label}: best so far"]
        assert list(best.get_xdata()) == [1, 2, 3, 4, 5, 6]
        expected = [
            np.nanmax(scores[: i + 1]) if np.isfinite(scores[: i + 1]).any() else np.nan
            for i in range(6)
        ]
        np.testing.assert_array_equal(best.get_ydata(), expected)
        batch = lines[f"{label}: batch mean"]
        assert list(batch.get_xdata()) == [3, 6]
        assert list(batch.get_ydata()) == [r["mean_reward"] for r in search.policy_history_]
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    np.testing.assert_array_equal(
        dots[0].get_ydata(), searches["reinforce"].cv_results_["mean_test_score"]
    )
    assert ax.get_xlabel() == "proposal" and ax.get_ylabel() == "mean CV score"
    figure.canvas.draw()  # renders headless


def test_search_rewards_of_any_search_with_one_label():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    grid = GridSearchCV(
        NeuralClassifier(hidden_layer_sizes=(4,), max_epochs=2, random_state=0),
        {"lr": [1e-3, 1e-2]},
        cv=2,
        scoring={"acc": "accuracy", "nll": "neg_log_loss"},
        refit=False,
    ).fit(X, y)
    figure = plot_search_rewards(grid, metric="acc")
    assert set(_lines(figure.axes[0])) >= {"GridSearchCV: best so far"}
    with pytest.raises(ValueError, match=r"metric must be one of \['acc', 'nll'\]"):
        plot_search_rewards(grid)
    with pytest.raises(ValueError, match="searches is empty"):
        plot_search_rewards({})
    with pytest.raises(NotFittedError):
        plot_search_rewards(GridSearchCV(NeuralClassifier(), {"lr": [1e-3]}))


@pytest.mark.parametrize("wrap", [lambda net: net, lambda net: {"net": net}, lambda net: [net]])
def test_search_rewards_of_something_else_than_a_search_point_to_plot_history(classifier, wrap):
    # A fitted network was reported as "This NeuralClassifier instance is not fitted yet".
    with pytest.raises(
        TypeError,
        match="fitted searches with cv_results_.*got (NeuralClassifier|list).*plot_history",
    ):
        plot_search_rewards(wrap(classifier))
