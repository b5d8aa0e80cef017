import sys

import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.plotting import plot_history

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
