"""The head convention of the built-in modules: output layer, new heads, layer groups."""

import doctest

import pytest
import torch
from torch import nn

from skneural.nn import FineTunableModule, _head
from skneural.nn._factory import BUILTIN_MODULES

IMAGES = ("cnn", "resnet_cnn")
TABLES = ("mlp", "resnet", "ft_transformer")


def _small(name):
    kwargs = {"n_features_in": 2, "n_outputs": 4}
    if name in IMAGES:
        kwargs.update(input_shape=(2, 6, 6), channels=(4, 8))
    elif name == "ft_transformer":
        kwargs.update(d_token=8, n_heads=2, n_blocks=1)
    elif name in TABLES:
        kwargs.update(hidden_layer_sizes=(8,)) if name == "mlp" else kwargs.update(d_block=8)
    return BUILTIN_MODULES[name](**kwargs)


def _batch(name):
    if name in IMAGES:
        return torch.randn(3, 2, 6, 6)
    return torch.randn(3, 2) if name in TABLES else torch.randn(3, 2, 7)


@pytest.mark.parametrize("name", sorted(BUILTIN_MODULES))
def test_every_builtin_module_has_an_output_layer_at_the_end_of_its_head(name):
    torch.manual_seed(0)
    net = _small(name)
    assert isinstance(net, FineTunableModule)
    layer = net.output_layer()
    assert isinstance(layer, nn.Linear) and layer.out_features == 4
    # It makes the outputs: zeroing it zeroes them.
    with torch.no_grad():
        layer.weight.zero_()
        layer.bias.zero_()
    net.eval()
    assert torch.count_nonzero(net(_batch(name))) == 0


@pytest.mark.parametrize("name", sorted(BUILTIN_MODULES))
def test_reset_head_changes_only_the_output_layer(name):
    torch.manual_seed(0)
    net = _small(name)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    old = net.output_layer()
    net.reset_head(7)
    new = net.output_layer()
    assert new is not old and (new.in_features, new.out_features) == (old.in_features, 7)
    net.eval()
    assert net(_batch(name)).shape == (3, 7)
    changed = {
        k for k, v in net.state_dict().items() if k not in before or v.shape != before[k].shape
    }
    assert changed and all(k.startswith("head") for k in changed)
    for key, value in net.state_dict().items():
        if key not in changed:
            assert torch.equal(value, before[key]), key


@pytest.mark.parametrize("name", sorted(BUILTIN_MODULES))
def test_layer_groups_cover_every_parameter_once_and_end_with_the_head(name):
    net = _small(name)
    groups = net.layer_groups()
    assert groups[-1][0] == "head" and len(groups) >= 2
    ids = [id(p) for _, params in groups for p in params]
    assert sorted(ids) == sorted(id(p) for p in net.parameters())
    assert {id(p) for p in groups[-1][1]} == {id(p) for p in net.head.parameters()}


def test_parameter_groups_scale_the_backbone():
    net = _small("cnn")
    assert len(net.parameter_groups()) == 1
    net.backbone_lr_scale = 0.25
    head, rest = net.parameter_groups()
    assert head["lr_scale"] == 1.0 and rest["lr_scale"] == 0.25
    assert {id(p) for p in head["params"]} == {id(p) for p in net.head.parameters()}
    assert len(head["params"]) + len(rest["params"]) == len(list(net.parameters()))


def test_a_module_without_a_linear_head_says_so():
    class Headless(FineTunableModule):
        def __init__(self):
            super().__init__()
            self.head = nn.ReLU()

    with pytest.raises(TypeError, match="has no output layer"):
        Headless().reset_head(3)


def test_docstring_examples_run():
    result = doctest.testmod(_head, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
