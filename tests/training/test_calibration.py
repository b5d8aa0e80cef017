"""Temperature scaling: the fitted temperature and its bounds."""

import pytest
import torch

from skneural.training._calibration import TEMPERATURE_BOUNDS, fit_temperature
from skneural.training._links import LINKS


def _labels_drawn_at_temperature(logits, temperature, link, generator):
    if link == "softmax":
        probabilities = torch.softmax(logits / temperature, dim=1)
        return torch.multinomial(probabilities, 1, generator=generator)[:, 0]
    probabilities = torch.sigmoid(logits / temperature)
    labels = (torch.rand(probabilities.shape, generator=generator) < probabilities).long()
    return labels[:, 0] if link == "binary_sigmoid" else labels


@pytest.mark.parametrize(
    ("link", "n_outputs"), [("softmax", 4), ("binary_sigmoid", 1), ("sigmoid", 3)]
)
@pytest.mark.parametrize("true_temperature", [0.5, 2.0])
def test_recovers_the_temperature_the_labels_were_drawn_at(link, n_outputs, true_temperature):
    generator = torch.Generator().manual_seed(0)
    logits = 3 * torch.randn(20_000, n_outputs, generator=generator)
    y = _labels_drawn_at_temperature(logits, true_temperature, link, generator)
    assert fit_temperature(logits, y, LINKS[link]) == pytest.approx(true_temperature, rel=0.08)


def test_zero_weight_rows_are_ignored():
    generator = torch.Generator().manual_seed(1)
    logits = torch.randn(2_000, 3, generator=generator)
    y = _labels_drawn_at_temperature(logits, 0.5, "softmax", generator)
    weight = (torch.arange(2_000) % 2).double()
    on_half = fit_temperature(logits[1::2], y[1::2], LINKS["softmax"])
    assert fit_temperature(logits, y, LINKS["softmax"], weight) == pytest.approx(on_half, rel=1e-4)
    # Weights are relative: scaling them all changes nothing.
    doubled = fit_temperature(logits, y, LINKS["softmax"], 2 * weight)
    assert doubled == pytest.approx(on_half, rel=1e-4)


def test_no_rows_or_no_weight_leave_the_temperature_at_one():
    logits, y = torch.randn(3, 2), torch.tensor([0, 1, 1])
    assert fit_temperature(logits[:0], y[:0], LINKS["softmax"]) == 1.0
    assert fit_temperature(logits, y, LINKS["softmax"], torch.zeros(3)) == 1.0


def test_few_separable_rows_sharpen_little():
    # Without the prior, separable rows would drive T to its lower bound.
    logits = torch.tensor([[2.0, -2.0], [-2.0, 2.0]] * 5)
    y = torch.tensor([0, 1] * 5)
    temperature = fit_temperature(logits, y, LINKS["softmax"])
    assert 0.3 < temperature < 1
    many = fit_temperature(logits.repeat(100, 1), y.repeat(100), LINKS["softmax"])
    assert TEMPERATURE_BOUNDS[0] <= many < temperature


def test_rejects_a_link_without_probabilities():
    with pytest.raises(ValueError, match="softmax or sigmoid"):
        fit_temperature(torch.randn(4, 1), torch.randn(4), LINKS["identity"])
