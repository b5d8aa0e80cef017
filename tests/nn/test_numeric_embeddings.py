"""Numeric feature embeddings and the quantile bin edges they use."""

import numpy as np
import pytest
import torch

from skneural.nn import (
    PeriodicEmbedding,
    PiecewiseLinearEmbedding,
    PiecewiseLinearEncoding,
    compute_bin_edges,
)
from skneural.nn._numeric_embeddings import LinearEmbedding


def test_bin_edges_are_quantiles_and_skip_categorical_columns():
    X = np.column_stack([np.arange(9.0), np.zeros(9), np.arange(9.0) % 3])
    edges = compute_bin_edges(X, n_bins=4, categorical_columns=[2])
    np.testing.assert_allclose(edges[0], [0.0, 2.0, 4.0, 6.0, 8.0])
    np.testing.assert_allclose(edges[1], [-0.5, 0.5])  # a constant column keeps one bin
    assert edges[2] is None


def test_repeated_quantiles_are_merged():
    X = np.array([[0.0]] * 5 + [[1.0]])
    (edges,) = compute_bin_edges(X, n_bins=4)
    np.testing.assert_allclose(edges, [0.0, 1.0])


def test_bin_edges_stay_distinct_in_float32():
    # Distinct in float64, but all 1e8 in float32: the bins fell together to
    # zero width and the embedding gave NaN.
    X = np.array([[1e8], [1e8 + 1], [1e8 + 2], [1e8 + 3]])
    edges = compute_bin_edges(X, n_bins=4)
    assert (np.diff(edges[0].astype(np.float32)) > 0).all()
    out = PiecewiseLinearEmbedding(edges, 2)(torch.tensor(X, dtype=torch.float32))
    assert torch.isfinite(out).all()


def test_bin_edges_merge_only_what_float32_merges():
    X = np.array([[0.0], [1e8], [1e8 + 1], [1e8 + 2], [2e8]])
    (edges,) = compute_bin_edges(X, n_bins=4)
    np.testing.assert_array_equal(edges, [0.0, 1e8, 2e8])


@pytest.mark.parametrize(
    "X, n_bins, message",
    [
        (np.array([[np.nan], [1.0]]), 4, "NaN or infinity"),
        (np.zeros(3), 4, "2-D"),
        (np.zeros((3, 1)), 0, "n_bins"),
    ],
)
def test_bin_edges_reject_bad_input(X, n_bins, message):
    with pytest.raises(ValueError, match=message):
        compute_bin_edges(X, n_bins=n_bins)


def test_piecewise_linear_encoding_values():
    embedding = PiecewiseLinearEmbedding([[0.0, 1.0, 3.0], [0.0, 2.0]], d_embedding=4)
    X = torch.tensor([[-1.0, 1.0], [0.5, 3.0], [2.0, -2.0], [5.0, 0.0]])
    expected = torch.tensor(
        [
            # feature 0: bins [0, 1] and [1, 3]; the first extrapolates below, the last above
            [[-1.0, 0.0], [0.5, 0.0]],
            [[0.5, 0.0], [1.5, 0.0]],
            [[1.0, 0.5], [-1.0, 0.0]],
            [[1.0, 2.0], [0.0, 0.0]],
        ]
    )
    # feature 1 has one bin, extrapolated on both sides; its missing second bin is 0
    torch.testing.assert_close(embedding.encode(X), expected)
    assert embedding(X).shape == (4, 2, 4)


def test_piecewise_linear_encoding_is_the_embeddings_bins_flat_and_standardised():
    edges = [[0.0, 1.0, 3.0], [0.0, 2.0]]
    encoding = PiecewiseLinearEncoding(edges)
    X = torch.tensor([[-1.0, 1.0], [0.5, 3.0], [2.0, -2.0], [5.0, 0.0]])
    bins = PiecewiseLinearEmbedding(edges, d_embedding=4).encode(X)
    # one column per bin a feature has: no column for feature 1's missing second bin
    expected = torch.cat([bins[:, 0, :2], bins[:, 1, :1]], dim=1)
    assert encoding.out_features == 3
    encoding.train()
    out = encoding(X)
    mean, var = expected.mean(0), expected.var(0, unbiased=False)
    torch.testing.assert_close(out, (expected - mean) / torch.sqrt(var + 1e-5))
    # eval mode: the running statistics, the same output for a row alone or in a batch
    encoding.eval()
    alone = torch.cat([encoding(X[i : i + 1]) for i in range(len(X))])
    torch.testing.assert_close(alone, encoding(X))
    assert not list(encoding.parameters())


@pytest.mark.parametrize("layer", [PiecewiseLinearEmbedding, PiecewiseLinearEncoding])
@pytest.mark.parametrize(
    "edges, message",
    [
        ([[0.0, 0.0]], "strictly increasing"),
        ([[1.0]], "at least two"),
        ([None], "None"),
        ([[1e8, 1e8 + 1]], "once rounded to float32"),
        ([[0.0, 1e39]], "once rounded to float32"),
        ([], "at least one feature"),
    ],
)
def test_piecewise_linear_rejects_bad_edges(layer, edges, message):
    with pytest.raises(ValueError, match=message):
        layer(edges, d_embedding=2) if layer is PiecewiseLinearEmbedding else layer(edges)


@pytest.mark.parametrize(
    "embedding",
    [
        LinearEmbedding(1, 4),
        PeriodicEmbedding(1, 4, n_frequencies=2),
        PiecewiseLinearEmbedding([[0.0, 1.0]], 4),
        PiecewiseLinearEncoding([[0.0, 1.0]]),
    ],
    ids=["linear", "periodic", "piecewise_linear", "piecewise_linear_encoding"],
)
@pytest.mark.parametrize("shape", [(3, 2), (3,), (3, 1, 1)])
def test_embeddings_refuse_another_number_of_features(embedding, shape):
    with pytest.raises(ValueError, match=r"Expected input of shape \(batch, 1\)"):
        embedding(torch.randn(shape))


@pytest.mark.parametrize(
    "embedding",
    [
        LinearEmbedding(3, 5),
        PeriodicEmbedding(3, 5, n_frequencies=4),
        PiecewiseLinearEmbedding([[-1.0, 0.0, 1.0]] * 3, 5),
    ],
    ids=["linear", "periodic", "piecewise_linear"],
)
def test_embeddings_shape_and_gradients(embedding):
    X = torch.randn(6, 3, generator=torch.Generator().manual_seed(0))
    out = embedding(X)
    assert out.shape == (6, 3, 5)
    out.square().sum().backward()
    for name, parameter in embedding.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


def test_periodic_features_are_independent():
    # Each feature has its own frequencies and weights: changing feature 0
    # changes only its own vector.
    torch.manual_seed(0)
    embedding = PeriodicEmbedding(2, 4, n_frequencies=8, frequency_scale=1.0)
    a = embedding(torch.tensor([[0.3, 1.0]]))
    b = embedding(torch.tensor([[-0.7, 1.0]]))
    assert not torch.equal(a[:, 0], b[:, 0])
    torch.testing.assert_close(a[:, 1], b[:, 1])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_frequencies": 0}, "n_frequencies"),
        ({"frequency_scale": 0.0}, "frequency_scale"),
        ({"frequency_scale": float("inf")}, "frequency_scale must be a positive finite"),
    ],
)
def test_periodic_rejects_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PeriodicEmbedding(2, 4, **kwargs)
