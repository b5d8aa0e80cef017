"""The built-in modules as plain torch modules: shapes, gradients, determinism."""

import pytest
import torch

from skneural.nn import MLP, FTTransformer, ResNet, compute_bin_edges
from skneural.nn._factory import BUILTIN_MODULES

# Tiny settings per architecture; the test parameters combine them with the
# input encodings.
TINY = {
    "mlp": {"hidden_layer_sizes": (8,)},
    "resnet": {"n_blocks": 2, "d_block": 8},
    "ft_transformer": {"d_token": 8, "n_heads": 2, "n_blocks": 2},
}
CARDINALITIES = {1: 3, 4: 6}
ENCODINGS = [
    {},
    {"categorical_cardinalities": CARDINALITIES},
    {"numeric_embedding": "periodic", "n_frequencies": 4},
    {"categorical_cardinalities": CARDINALITIES, "numeric_embedding": "piecewise_linear"},
]


def _X(n_rows=10):
    X = torch.randn(n_rows, 5, generator=torch.Generator().manual_seed(0))
    X[:, 1] = torch.arange(n_rows) % 3
    X[:, 4] = torch.arange(n_rows) % 6
    return X


def _build(name, encoding, seed=0, **overrides):
    kwargs = {**TINY[name], **encoding, **overrides}
    if kwargs.get("numeric_embedding") == "piecewise_linear":
        kwargs["bin_edges"] = compute_bin_edges(
            _X().numpy(), n_bins=4, categorical_columns=kwargs.get("categorical_cardinalities", ())
        )
    torch.manual_seed(seed)
    return BUILTIN_MODULES[name](n_features_in=5, n_outputs=3, **kwargs)


ARCHITECTURES = pytest.mark.parametrize("name", list(TINY))
ENCODING = pytest.mark.parametrize(
    "encoding", ENCODINGS, ids=["plain", "categorical", "periodic", "categorical+pwl"]
)


def test_registry():
    tabular = {name: BUILTIN_MODULES[name] for name in ("mlp", "resnet", "ft_transformer")}
    assert tabular == {"mlp": MLP, "resnet": ResNet, "ft_transformer": FTTransformer}


@ARCHITECTURES
@ENCODING
def test_output_shape_and_every_parameter_gets_a_gradient(name, encoding):
    net = _build(name, encoding)
    out = net(_X())
    assert out.shape == (10, 3)
    out.square().sum().backward()
    for parameter_name, parameter in net.named_parameters():
        grad = parameter.grad
        assert grad is not None and torch.isfinite(grad).all(), parameter_name
        assert grad.abs().sum() > 0, parameter_name


@ARCHITECTURES
@ENCODING
def test_same_seed_same_network_and_outputs(name, encoding):
    first, second = _build(name, encoding, seed=3), _build(name, encoding, seed=3)
    for (key, a), b in zip(first.state_dict().items(), second.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0, msg=key)
    first.train(), second.train()  # dropout included
    torch.manual_seed(7)
    out_first = first(_X())
    torch.manual_seed(7)
    torch.testing.assert_close(out_first, second(_X()), rtol=0, atol=0)
    other = _build(name, encoding, seed=4).train()
    torch.manual_seed(7)
    assert not torch.equal(out_first, other(_X()))


@ARCHITECTURES
def test_rows_are_predicted_independently_in_eval_mode(name):
    net = _build(name, {"categorical_cardinalities": CARDINALITIES}).eval()
    X = _X()
    with torch.no_grad():
        together = net(X)
        one_by_one = torch.cat([net(X[i : i + 1]) for i in range(len(X))])
    torch.testing.assert_close(together, one_by_one, rtol=1e-5, atol=1e-6)


@ARCHITECTURES
def test_categorical_embeddings_per_column(name):
    net = _build(name, {"categorical_cardinalities": CARDINALITIES})
    tables = net.categorical_embeddings()
    assert sorted(tables) == [1, 4]
    assert [tables[1].shape[0], tables[4].shape[0]] == [3, 6]
    assert not tables[1].requires_grad
    assert _build(name, {}).categorical_embeddings() == {}


@ARCHITECTURES
def test_code_beyond_cardinality_is_a_clear_error(name):
    net = _build(name, {"categorical_cardinalities": CARDINALITIES})
    X = _X()
    X[0, 4] = 6
    with pytest.raises(ValueError, match="Categorical column 4 has 6 categories"):
        net(X)


def test_plain_mlp_keeps_its_parameters_and_layout():
    net = MLP(5, 2, hidden_layer_sizes=(4, 3), batch_norm=True)
    assert [k for k in net.state_dict() if not k.startswith("hidden")] == [
        "head.weight",
        "head.bias",
    ]
    assert net.hidden[0][0].in_features == 5


def test_resnet_depth_and_width():
    net = ResNet(5, 2, n_blocks=3, d_block=12, d_hidden_factor=1.5)
    assert len(net.blocks) == 3
    assert net.stem.out_features == 12
    assert net.blocks[0].branch[0].out_features == 18
    assert isinstance(net.blocks[0].norm, torch.nn.LayerNorm)
    assert isinstance(ResNet(5, 2, batch_norm=True).blocks[0].norm, torch.nn.BatchNorm1d)
    assert ResNet(5, 2, n_blocks=0)(torch.zeros(2, 5)).shape == (2, 2)


def test_resnet_blocks_are_residual():
    # A block whose branch outputs zero is the identity: the skip connection.
    block = ResNet(5, 2, n_blocks=1, d_block=4).blocks[0]
    torch.nn.init.zeros_(block.branch[3].weight)
    torch.nn.init.zeros_(block.branch[3].bias)
    X = torch.randn(3, 4)
    torch.testing.assert_close(block(X), X)


def test_ft_transformer_reads_the_cls_token_after_full_attention():
    # The last block updates only the CLS token; that must equal running it
    # over every token and reading token 0.
    net = _build("ft_transformer", {"categorical_cardinalities": CARDINALITIES}).eval()
    X = _X()
    with torch.no_grad():
        tokens = net.encoder(X)
        tokens = torch.cat([net.cls_token.expand(len(X), 1, -1), tokens], dim=1)
        for block in net.blocks:
            tokens = block(tokens)
        expected = net.head(tokens[:, 0])
        torch.testing.assert_close(net(X), expected, rtol=1e-5, atol=1e-6)


def test_ft_transformer_attention_mixes_features():
    # The CLS output depends on every feature, through attention.
    net = _build("ft_transformer", {}).eval()
    X = _X(2)
    with torch.no_grad():
        base = net(X)
        for column in (0, 2, 3):
            changed = X.clone()
            changed[:, column] += 1.0
            assert not torch.allclose(net(changed), base)


@pytest.mark.parametrize(
    "factory, kwargs, message",
    [
        (FTTransformer, {"d_token": 10, "n_heads": 4}, "multiple of n_heads"),
        (FTTransformer, {"n_blocks": 0}, "n_blocks"),
        (FTTransformer, {"attention_dropout": 1.0}, "attention_dropout"),
        (FTTransformer, {"ffn_activation": "swish"}, "ffn_activation must be one of"),
        (ResNet, {"n_blocks": -1}, "n_blocks"),
        (ResNet, {"d_hidden_factor": 0}, "d_hidden_factor"),
        (ResNet, {"activation": "swish"}, "Unknown activation"),
        (MLP, {"numeric_embedding": "piecewise_linear"}, "needs bin_edges"),
        (MLP, {"hidden_layer_sizes": (0,)}, "each entry of hidden_layer_sizes"),
        (MLP, {"hidden_layer_sizes": (8, -1)}, "each entry of hidden_layer_sizes"),
        (MLP, {"dropout": -0.5}, "dropout must be a number in"),
        (MLP, {"dropout": 1.0}, "dropout must be a number in"),
        (ResNet, {"d_block": 1}, "d_block must be an integer >= 2"),
        (ResNet, {"d_hidden_factor": float("inf")}, "d_hidden_factor must be a positive finite"),
        (FTTransformer, {"d_token": 1, "n_heads": 1}, "d_token must be an integer >= 2"),
    ],
)
def test_bad_constructor_arguments(factory, kwargs, message):
    with pytest.raises(ValueError, match=message):
        factory(5, 2, **kwargs)


@pytest.mark.parametrize("factory", [MLP, ResNet, FTTransformer])
def test_zero_outputs_are_refused(factory):
    with pytest.raises(ValueError, match="n_outputs must be an integer >= 1"):
        factory(5, 0)


@pytest.mark.parametrize("sizes", [5, "16"])
def test_mlp_hidden_layer_sizes_must_be_a_sequence(sizes):
    with pytest.raises(TypeError, match="hidden_layer_sizes must be a sequence of layer widths"):
        MLP(5, 2, hidden_layer_sizes=sizes)


@pytest.mark.parametrize("activation", ["reglu", "geglu", "gelu"])
def test_ft_transformer_feed_forward_activations(activation):
    net = FTTransformer(3, 1, d_token=8, n_heads=2, n_blocks=1, ffn_activation=activation)
    assert net(torch.randn(4, 3)).shape == (4, 1)
