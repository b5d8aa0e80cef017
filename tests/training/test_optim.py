"""The optimizer factory: names, classes, fused Adam/AdamW."""

import pytest
import torch
from torch import nn

from skneural.training._optim import build_optimizer


def _build(optimizer, optimizer_params=None, dtype=torch.float32):
    module = nn.Linear(3, 2).to(dtype)
    return build_optimizer(
        optimizer,
        module,
        lr=1e-3,
        weight_decay=0.0,
        optimizer_params=optimizer_params or {},
    )


@pytest.mark.parametrize("name", ["adam", "adamw"])
def test_adam_variants_run_fused_by_default(name):
    assert _build(name).defaults["fused"] is True


@pytest.mark.parametrize("params", [{"foreach": True}, {"fused": False}])
def test_an_explicit_implementation_choice_is_kept(params):
    defaults = _build("adamw", params).defaults
    assert defaults["fused"] is (False if "fused" in params else None)


def test_other_optimizers_are_not_fused():
    assert not _build("sgd").defaults.get("fused")


def test_fused_step_matches_the_loop_step():
    torch.manual_seed(0)
    data, target = torch.randn(16, 3), torch.randn(16, 2)
    results = []
    for params in [{}, {"foreach": False}]:
        torch.manual_seed(1)
        module = nn.Linear(3, 2)
        optimizer = build_optimizer(
            "adamw", module, lr=1e-2, weight_decay=0.1, optimizer_params=params
        )
        for _ in range(5):
            optimizer.zero_grad()
            nn.functional.mse_loss(module(data), target).backward()
            optimizer.step()
        results.append(module.weight.detach().clone())
    torch.testing.assert_close(results[0], results[1])


def test_bad_arguments_name_the_optimizer():
    with pytest.raises(TypeError, match="Could not build optimizer AdamW"):
        _build("adamw", {"nonsense": 1})


def test_a_module_s_parameter_groups_get_scaled_learning_rates():
    class TwoParts(nn.Module):
        def __init__(self):
            super().__init__()
            self.body, self.out = nn.Linear(3, 3), nn.Linear(3, 2)

        def parameter_groups(self):
            return [
                {"params": self.out.parameters(), "lr_scale": 1.0},
                {"params": self.body.parameters(), "lr_scale": 0.25},
            ]

    optimizer = build_optimizer("adamw", TwoParts(), lr=1e-2, weight_decay=0.1, optimizer_params={})
    assert [group["lr"] for group in optimizer.param_groups] == [1e-2, 2.5e-3]
    assert [group["weight_decay"] for group in optimizer.param_groups] == [0.1, 0.1]
    assert [len(group["params"]) for group in optimizer.param_groups] == [2, 2]


@pytest.mark.parametrize("params", [{"lr": 0.5}, {"weight_decay": 0.0, "momentum": 0.9}])
def test_settings_of_the_estimator_are_refused_in_optimizer_params(params):
    # optimizer_params={"lr": ...} was silently overridden by each group's lr.
    (name,) = set(params) - {"momentum"}
    with pytest.raises(ValueError, match=rf"may not set \['{name}'\].*Pass {name}="):
        _build("sgd", params)
