"""The sequence modules as plain torch modules: padding, lengths, tokens, bad inputs."""

import doctest

import numpy as np
import pytest
import torch

from skneural.nn import (
    GRUNet,
    InceptionTime,
    LSTMNet,
    MaskedBatchNorm1d,
    SequenceTransformer,
    _inception_time,
    _recurrent,
    _sequence_transformer,
    _tcn,
    sequence_lengths,
)
from skneural.nn._factory import BUILTIN_MODULES, build_module

NAN = float("nan")

# Tiny settings per module, and the variants whose code paths differ.
TINY = {
    "gru": {"hidden_size": 6},
    "lstm": {"hidden_size": 6},
    "inception_time": {
        "n_filters": 3,
        "depth": 3,
        "kernel_sizes": (5, 3),
        "bottleneck_channels": 4,
    },
    "tcn": {"n_filters": 4, "depth": 2, "kernel_size": 3},
    "sequence_transformer": {"d_model": 8, "n_heads": 2, "num_layers": 2},
}
VARIANTS = [
    ("gru", {"pooling": "last", "bidirectional": False, "patch_size": 1}),
    ("gru", {"pooling": "last", "num_layers": 2}),
    ("gru", {"pooling": "mean", "num_layers": 2}),
    ("gru", {"pooling": "attention"}),
    ("lstm", {"pooling": "last", "patch_size": 1}),
    ("lstm", {"pooling": "attention", "bidirectional": False, "num_layers": 2}),
    ("inception_time", {}),
    ("inception_time", {"depth": 4, "bottleneck_channels": 0}),
    ("tcn", {"pooling": "mean"}),
    ("tcn", {"pooling": "last"}),
    ("sequence_transformer", {"pooling": "mean"}),
    ("sequence_transformer", {"pooling": "cls", "patch_size": 3}),
]
VARIANT = pytest.mark.parametrize(
    "name, variant", VARIANTS, ids=[f"{n}-{'-'.join(map(str, v.values()))}" for n, v in VARIANTS]
)
MODULE = pytest.mark.parametrize("name", list(TINY))


def _build(name, n_channels=2, n_outputs=3, seed=0, **overrides):
    torch.manual_seed(seed)
    kwargs = {"hidden_layer_sizes": (5,), **TINY[name], **overrides}
    return BUILTIN_MODULES[name](n_features_in=n_channels, n_outputs=n_outputs, **kwargs)


def _series(n_rows=4, n_channels=2, n_steps=17, seed=0):
    return torch.randn(n_rows, n_channels, n_steps, generator=torch.Generator().manual_seed(seed))


def _pad(rows, n_steps):
    """Stack rows ``(C, T_i)`` into ``(n, C, n_steps)``, NaN after each row's end."""
    batch = torch.full((len(rows), rows[0].shape[0], n_steps), NAN)
    for i, row in enumerate(rows):
        batch[i, :, : row.shape[-1]] = row
    return batch


def _trained_a_little(net, X):
    """One optimisation step in training mode, so batch-norm statistics are not at their init."""
    net.train()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    net(X).square().mean().backward()
    optimizer.step()
    return net.eval()


def test_registry_has_the_sequence_modules():
    for name in TINY:
        assert name in BUILTIN_MODULES
    assert BUILTIN_MODULES["gru"] is GRUNet and BUILTIN_MODULES["lstm"] is LSTMNet


def test_sequence_lengths_come_from_trailing_all_nan_steps():
    X = _series(3, 2, 6)
    X[0, :, 4:] = NAN  # padding
    X[1, 0, 2] = NAN  # one missing channel inside the row: not padding
    X[1, :, 3] = NAN  # a missing step followed by valid ones: not padding
    X[2, 1, 5] = NAN  # last step has one channel: still valid
    assert sequence_lengths(X).tolist() == [4, 6, 6]


@VARIANT
def test_padded_rows_give_the_outputs_of_the_unpadded_rows(name, variant):
    rows = [_series(1, 2, n)[0] for n in (17, 9, 1, 12)]
    rows[3][1, 4] = NAN  # a missing value inside a row reads as 0 in both
    padded = _pad(rows, 17)
    net = _trained_a_little(_build(name, dropout=0.2, **variant), padded)
    with torch.no_grad():
        together = net(padded)
        alone = torch.cat([net(row[None]) for row in rows])
    torch.testing.assert_close(together, alone, rtol=1e-5, atol=1e-5)


@VARIANT
def test_output_shape_and_every_parameter_gets_a_gradient(name, variant):
    net = _build(name, **variant).train()
    X = _pad([_series(1, 2, n, seed=n)[0] for n in (17, 11, 14, 6, 17, 9)], 17)
    out = net(X)
    assert out.shape == (6, 3)
    out.square().sum().backward()
    for parameter_name, parameter in net.named_parameters():
        grad = parameter.grad
        assert grad is not None and torch.isfinite(grad).all(), parameter_name
        assert grad.abs().sum() > 0, parameter_name


@MODULE
def test_any_length_is_accepted_at_prediction(name):
    net = _trained_a_little(_build(name, input_shape=(2, 17)), _series(4, 2, 17))
    for n_steps in (1, 5, 40):
        assert net(_series(3, 2, n_steps)).shape == (3, 3)


@MODULE
def test_same_seed_same_network_and_outputs(name):
    first, second = _build(name, dropout=0.3, seed=3), _build(name, dropout=0.3, seed=3)
    for (key, a), b in zip(first.state_dict().items(), second.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0, msg=key)
    torch.manual_seed(7)
    out = first.train()(_series())
    torch.manual_seed(7)
    torch.testing.assert_close(out, second.train()(_series()), rtol=0, atol=0)
    other = _build(name, dropout=0.3, seed=4).train()
    torch.manual_seed(7)
    assert not torch.equal(out, other(_series()))


@MODULE
def test_float64_and_integer_batches_are_cast(name):
    net = _build(name).eval()
    X = _series()
    torch.testing.assert_close(net(X.double()), net(X))
    ids = torch.randint(0, 5, (2, 1, 9))
    tokens = _build(name, n_channels=1, vocab_size=5, embedding_dim=4).eval()
    torch.testing.assert_close(tokens(ids), tokens(ids.float()))


@VARIANT
def test_token_sequences_are_embedded_and_padding_is_exact(name, variant):
    rows = [torch.tensor([[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0]]), torch.tensor([[6.0, 5.0, 3.0]])]
    padded = _pad(rows, 7)
    net = _build(name, n_channels=1, vocab_size=10, embedding_dim=4, **variant)
    net = _trained_a_little(net, padded)
    with torch.no_grad():
        together = net(padded)
        alone = torch.cat([net(row[None]) for row in rows])
    torch.testing.assert_close(together, alone, rtol=1e-5, atol=1e-5)
    assert net.input.embedding.num_embeddings == 10


@MODULE
@pytest.mark.parametrize("bad", [10.0, -1.0, 2.5])
def test_token_id_outside_the_vocabulary_is_a_clear_error(name, bad):
    net = _build(name, n_channels=1, vocab_size=10, embedding_dim=4)
    ids = torch.tensor([[[1.0, 2.0, bad, NAN]]])
    with pytest.raises(ValueError, match=r"Token ids must be integers in \[0, 10\).*\[" + str(bad)):
        net(ids)


def test_token_settings_are_checked():
    with pytest.raises(ValueError, match="one channel of ids"):
        GRUNet(n_features_in=2, n_outputs=1, vocab_size=5)
    with pytest.raises(ValueError, match="at most 2\\*\\*24"):
        GRUNet(n_features_in=1, n_outputs=1, vocab_size=2**24 + 1)


@MODULE
def test_two_dimensional_input_names_the_layout_and_the_reshape(name):
    net = _build(name, n_channels=1)
    with pytest.raises(ValueError, match=r"\(n_samples, n_channels, n_timesteps\).*2-D.*reshaped"):
        net(torch.randn(4, 17))


@MODULE
def test_wrong_rank_channels_or_length_are_clear_errors(name):
    net = _build(name)
    with pytest.raises(ValueError, match=r"shape \(n_samples, n_channels, n_timesteps\).*4 dim"):
        net(torch.randn(2, 2, 5, 1))
    with pytest.raises(ValueError, match=r"2 channel\(s\) on axis 1, got shape \(4, 3, 17\)"):
        net(torch.randn(4, 3, 17))
    with pytest.raises(ValueError, match="at least one time step"):
        net(torch.randn(4, 2, 0))


def test_input_shape_must_agree_with_n_features_in():
    with pytest.raises(ValueError, match="n_channels equal to n_features_in=2"):
        InceptionTime(n_features_in=2, n_outputs=1, input_shape=(3, 50))
    assert InceptionTime(n_features_in=3, n_outputs=1, input_shape=[3, 50]).input_shape == (3, 50)


def test_kernel_sizes_may_be_numpy_integers():
    net = InceptionTime(n_features_in=1, n_outputs=1, kernel_sizes=np.array([7, 3]), depth=1)
    assert [conv.kernel_size for conv in net.blocks[0].convs] == [(7,), (3,)]


@pytest.mark.parametrize(
    "name, kwargs, message",
    [
        ("gru", {"pooling": "max"}, "pooling must be one of"),
        ("gru", {"hidden_size": 0}, "hidden_size must be an integer >= 1"),
        ("tcn", {"pooling": "cls"}, "pooling must be one of"),
        ("inception_time", {"kernel_sizes": (4, 3)}, "odd positive integers"),
        ("inception_time", {"kernel_sizes": ()}, "non-empty"),
        ("sequence_transformer", {"d_model": 10, "n_heads": 4}, "multiple of n_heads"),
        ("sequence_transformer", {"patch_size": 0}, "patch_size must be"),
        ("lstm", {"dropout": 1.0}, "dropout must be a number in"),
        ("tcn", {"activation": "swish"}, "activation must be one of"),
        ("sequence_transformer", {"hidden_layer_sizes": (4, 0)}, "entry of hidden_layer_sizes"),
    ],
)
def test_bad_constructor_arguments_are_clear_errors(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        _build(name, **kwargs)


def test_hidden_layer_sizes_must_be_a_sequence():
    with pytest.raises(TypeError, match="hidden_layer_sizes must be a sequence of layer widths"):
        _build("gru", hidden_layer_sizes=5)


@VARIANT
def test_an_empty_batch_gives_empty_outputs(name, variant):
    # With gradients: torch's fast path without them took an empty batch.
    assert _build(name, **variant).eval()(torch.zeros(0, 2, 9)).shape == (0, 3)


def test_last_pooling_reads_the_last_valid_forward_state_and_the_first_backward_state():
    net = _build("gru", pooling="last", patch_size=1, hidden_layer_sizes=()).eval()
    row = _series(1, 2, 9)
    forward_cell, backward_cell = net.layers[0]
    steps = row.transpose(1, 2)
    with torch.no_grad():
        expected = torch.cat(
            [forward_cell(steps)[1][0], backward_cell(steps.flip(1))[1][0]], dim=-1
        )
        padded = _pad([row[0]], 14)
        values, lengths = net.input(padded, torch.float32)
        torch.testing.assert_close(net.encode(values, lengths), expected)


def test_masked_batch_norm_skips_a_batch_without_valid_steps():
    norm = MaskedBatchNorm1d(3).train()
    X = _series(2, 3, 8)
    norm(X, torch.ones(2, 1, 8))
    running = norm.running_mean.clone(), norm.running_var.clone()
    out = norm(X * 0, torch.zeros(2, 1, 8))
    assert torch.isfinite(out).all()
    torch.testing.assert_close((norm.running_mean, norm.running_var), running, rtol=0, atol=0)
    assert int(norm.num_batches_tracked) == 1


@pytest.mark.parametrize("momentum", [-0.1, 2.0, float("nan"), "0.1"])
def test_masked_batch_norm_momentum_must_be_in_the_unit_interval(momentum):
    with pytest.raises(ValueError, match=r"momentum must be a number in \[0, 1\]"):
        MaskedBatchNorm1d(3, momentum=momentum)


def test_masked_batch_norm_uses_only_valid_steps_in_training():
    norm = MaskedBatchNorm1d(3).train()
    X = _series(2, 3, 8)
    keep = torch.ones(2, 1, 8)
    keep[1, :, 5:] = 0
    valid = torch.cat([X[0], X[1, :, :5]], dim=1)  # (C, 13) valid steps
    out = norm(X * keep, keep)
    mean, var = valid.mean(dim=1), valid.var(dim=1, unbiased=False)
    expected = (valid - mean[:, None]) / torch.sqrt(var[:, None] + norm.eps)
    torch.testing.assert_close(torch.cat([out[0], out[1, :, :5]], dim=1), expected)
    torch.testing.assert_close(norm.running_mean, 0.1 * mean)
    torch.testing.assert_close(norm.running_var, 0.9 + 0.1 * valid.var(dim=1, unbiased=True))


def test_transformer_positions_are_defined_for_any_length():
    net = SequenceTransformer(n_features_in=1, n_outputs=1, d_model=8, n_heads=2).eval()
    long = net(torch.randn(1, 1, 3000))
    assert torch.isfinite(long).all()


def test_build_module_passes_the_estimator_parameters_and_input_shape():
    net = build_module(
        "inception_time",
        n_features_in=2,
        n_outputs=4,
        architecture_params={
            "hidden_layer_sizes": (7,),
            "activation": "gelu",
            "dropout": 0.1,
            "batch_norm": False,
            "categorical_cardinalities": None,
        },
        module_params={"input_shape": (2, 30), "n_filters": 4, "depth": 3},
    )
    assert isinstance(net, InceptionTime) and net.input_shape == (2, 30)
    assert net.head[1][0].out_features == 7 and isinstance(net.head[1][1], torch.nn.GELU)
    assert net(_series(3, 2, 30)).shape == (3, 4)


@pytest.mark.parametrize(
    "module", [_recurrent, _inception_time, _tcn, _sequence_transformer], ids=lambda m: m.__name__
)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
