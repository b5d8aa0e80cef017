"""Links: predictions, probabilities and the validation metric of every loss."""

import pickle

import numpy as np
import pytest
import torch

from skneural.training import Trainer
from skneural.training._links import LINKS, Link, ProbabilityLink, RegressionLink
from skneural.training._losses import (
    CLASSIFICATION_LOSSES,
    REGRESSION_LOSSES,
    classification_loss,
    regression_loss,
)
from skneural.training._trainer import TensorData


@pytest.mark.parametrize("loss", CLASSIFICATION_LOSSES)
@pytest.mark.parametrize("multilabel", [False, True])
def test_every_classification_loss_has_a_probability_link(loss, multilabel):
    if loss == "cross_entropy" and multilabel:
        return
    spec = classification_loss(loss, {}, multilabel=multilabel, n_classes=2)
    assert isinstance(spec.link, ProbabilityLink)
    probabilities = spec.link.inverse(torch.randn(5, spec.n_outputs, dtype=torch.float64))
    assert probabilities.shape == (5, 2)
    if not multilabel:
        np.testing.assert_allclose(probabilities.sum(dim=1).numpy(), 1.0)


@pytest.mark.parametrize("loss", REGRESSION_LOSSES)
def test_every_regression_loss_has_a_regression_link(loss):
    spec = regression_loss(loss, {}, n_outputs=2)
    assert isinstance(spec.link, RegressionLink)
    raw = torch.randn(4, 2)
    expected = torch.exp(raw) if loss == "poisson" else raw
    torch.testing.assert_close(spec.link.inverse(raw), expected)


def test_custom_losses_get_the_task_link():
    function = torch.nn.functional.mse_loss
    assert regression_loss(function, {}, n_outputs=1).link == LINKS["identity"]
    assert classification_loss(function, {}, multilabel=False, n_classes=3).link.name == "softmax"
    assert classification_loss(function, {}, multilabel=True, n_classes=3).link.name == "sigmoid"


def test_validation_metrics():
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, -1.0], [0.5, 0.0]])
    labels = torch.tensor([0, 1, 1, 0])
    assert LINKS["softmax"].validation_metrics(logits, labels) == {"valid_accuracy": 0.75}
    one_logit = logits[:, 1:] - logits[:, :1]
    assert LINKS["binary_sigmoid"].validation_metrics(one_logit, labels) == {"valid_accuracy": 0.75}
    indicator = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0]])
    assert LINKS["sigmoid"].validation_metrics(logits, indicator) == {"valid_accuracy": 0.75}
    y = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    assert LINKS["identity"].validation_metrics(y, y) == {"valid_r2": 1.0}
    assert LINKS["exp"].validation_metrics(torch.log(y), y)["valid_r2"] == pytest.approx(1.0)
    # A constant target scores as scikit-learn's r2_score does: 1 if exact, else 0.
    assert LINKS["identity"].validation_metrics(y, torch.ones(4, 1)) == {"valid_r2": 0.0}
    assert LINKS["identity"].validation_metrics(torch.ones(4, 1), torch.ones(4, 1)) == {
        "valid_r2": 1.0
    }


def test_validation_metrics_weight_rows_as_scikit_learn_does():
    from sklearn.metrics import accuracy_score, r2_score

    rng = np.random.RandomState(0)
    y, predictions = rng.randn(30, 2), rng.randn(30, 2)
    weight = rng.uniform(0, 2, size=30)
    weight[:5] = 0
    metrics = LINKS["identity"].validation_metrics(
        torch.tensor(predictions), torch.tensor(y), torch.tensor(weight)
    )
    assert metrics["valid_r2"] == pytest.approx(r2_score(y, predictions, sample_weight=weight))
    logits, labels = torch.tensor(rng.randn(30, 3)), torch.tensor(rng.randint(0, 3, 30))
    accuracy = LINKS["softmax"].validation_metrics(logits, labels, torch.tensor(weight))
    expected = accuracy_score(labels, logits.argmax(dim=1), sample_weight=weight)
    assert accuracy["valid_accuracy"] == pytest.approx(expected)


def test_links_pickle_and_compare_by_kind():
    for link in LINKS.values():
        assert isinstance(link, Link)
        assert pickle.loads(pickle.dumps(link)) == link
    assert LINKS["softmax"] != LINKS["sigmoid"]


def _classification_run():
    """A two-class problem of 64 rows and a linear network's trainer for it."""
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(64, 3, generator=generator)
    y = (X[:, 0] > 0).long()
    module = torch.nn.Linear(3, 2)
    trainer = Trainer(
        module,
        classification_loss("log_loss", {}, multilabel=False, n_classes=2),
        torch.optim.SGD(module.parameters(), lr=0.1),
        device=torch.device("cpu"),
        batch_size=16,
        shuffle=True,
        generator=generator,
    )
    return X, y, trainer


def test_trainer_takes_the_validation_metric_from_the_loss():
    # The trainer asks the loss spec's link, not the estimator, for metrics.
    X, y, trainer = _classification_run()
    trainer.fit(TensorData(X[:48], y[:48]), TensorData(X[48:], y[48:]), n_epochs=2)
    assert set(trainer.history[-1]) >= {"valid_loss", "valid_accuracy"}


def test_validation_rows_that_all_weigh_nothing_are_scored_without_weights():
    # Their weighted loss was 0/0: NaN, which stopped training as a divergence.
    X, y, trainer = _classification_run()
    valid = TensorData(X[48:], y[48:], weight=torch.zeros(16))
    with pytest.warns(UserWarning, match="All 16 validation rows have a sample weight of zero"):
        trainer.fit(TensorData(X[:48], y[:48], weight=torch.ones(48)), valid, n_epochs=3)
    assert trainer.epoch == 3
    assert all(np.isfinite(row["valid_loss"]) for row in trainer.history)
