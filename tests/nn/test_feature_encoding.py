"""The shared input encoder: numeric/categorical split, embeddings, output layout."""

import pytest
import torch

from skneural.nn import FeatureEncoder, compute_bin_edges
from skneural.nn._feature_encoding import default_embedding_dim


def _mixed_X(n_rows=8):
    """Columns: numeric, categorical (3 codes), numeric, categorical (5 codes)."""
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(n_rows, 4, generator=generator)
    X[:, 1] = torch.arange(n_rows) % 3
    X[:, 3] = torch.arange(n_rows) % 5
    return X


CARDINALITIES = {1: 3, 3: 5}


@pytest.mark.parametrize(
    "cardinality, dim", [(1, 2), (2, 2), (3, 3), (10, 6), (100, 21), (10_000, 32)]
)
def test_default_embedding_dim(cardinality, dim):
    assert default_embedding_dim(cardinality) == dim


def test_without_categories_or_embeddings_the_input_passes_through():
    encoder = FeatureEncoder(4)
    X = torch.randn(3, 4)
    assert encoder(X) is X
    assert encoder.out_features == 4
    assert list(encoder.parameters()) == []


@pytest.mark.parametrize(
    "kwargs, width",
    [
        ({}, 2 + 3 + 4),  # raw numeric columns + default dims 3 (3 codes) and 4 (5 codes)
        ({"categorical_embedding_dim": 2}, 2 + 2 + 2),
        ({"numeric_embedding": "periodic", "d_embedding": 5}, 2 * 5 + 3 + 4),
    ],
)
def test_flat_output_width(kwargs, width):
    encoder = FeatureEncoder(4, categorical_cardinalities=CARDINALITIES, **kwargs)
    assert encoder.numeric_columns == [0, 2] and encoder.categorical_columns == [1, 3]
    assert encoder.out_features == width
    assert encoder(_mixed_X()).shape == (8, width)


def test_flat_output_keeps_raw_numeric_values_first():
    X = _mixed_X()
    out = FeatureEncoder(4, categorical_cardinalities=CARDINALITIES)(X)
    torch.testing.assert_close(out[:, :2], X[:, [0, 2]])


def test_flat_piecewise_linear_encoding_then_categorical_embeddings():
    X = _mixed_X()
    edges = compute_bin_edges(X.numpy(), n_bins=3, categorical_columns=CARDINALITIES)
    encoder = FeatureEncoder(
        4,
        categorical_cardinalities=CARDINALITIES,
        numeric_embedding="piecewise_linear_encoding",
        bin_edges=edges,
    )
    n_bins = sum(len(edges[j]) - 1 for j in (0, 2))
    assert encoder.out_features == n_bins + default_embedding_dim(3) + default_embedding_dim(5)
    assert encoder(X).shape == (8, encoder.out_features)


@pytest.mark.parametrize("numeric_embedding", [None, "periodic", "piecewise_linear"])
def test_tokens_one_per_feature(numeric_embedding):
    X = _mixed_X()
    edges = compute_bin_edges(X.numpy(), n_bins=3, categorical_columns=CARDINALITIES)
    encoder = FeatureEncoder(
        4,
        categorical_cardinalities=CARDINALITIES,
        numeric_embedding=numeric_embedding,
        d_embedding=6,
        bin_edges=edges,
        tokens=True,
    )
    assert encoder(X).shape == (8, 4, 6)
    assert {k: tuple(v.shape) for k, v in encoder.categorical_embeddings().items()} == {
        1: (3, 6),
        3: (5, 6),
    }


def test_categorical_tokens_are_embedding_rows():
    X = _mixed_X()
    encoder = FeatureEncoder(4, categorical_cardinalities=CARDINALITIES, tokens=True)
    tokens = encoder(X)
    tables = encoder.categorical_embeddings()
    torch.testing.assert_close(tokens[:, 2], tables[1][X[:, 1].long()])
    torch.testing.assert_close(tokens[:, 3], tables[3][X[:, 3].long()])


def test_all_columns_categorical():
    X = torch.tensor([[0.0, 1.0], [2.0, 0.0]])
    encoder = FeatureEncoder(
        2, categorical_cardinalities={0: 3, 1: 2}, numeric_embedding="periodic"
    )
    assert encoder(X).shape == (2, encoder.out_features)
    assert encoder.numeric is None


@pytest.mark.parametrize("bad_value", [3.0, -1.0, 1.5, float("nan")])
def test_codes_outside_the_cardinality_are_rejected(bad_value):
    X = _mixed_X()
    X[2, 1] = bad_value
    encoder = FeatureEncoder(4, categorical_cardinalities=CARDINALITIES)
    with pytest.raises(ValueError, match=r"Categorical column 1 has 3 categories.*0 to 2"):
        encoder(X)


@pytest.mark.parametrize(
    "cardinalities, error, message",
    [
        ({4: 2}, ValueError, r"keys must be column indices in \[0, 4\)"),
        ({-1: 2}, ValueError, "keys must be column indices"),
        ({"a": 2}, ValueError, "keys must be column indices"),
        ({0: 0}, ValueError, "cardinality of column 0 must be an integer >= 1"),
        ({0: 2.5}, ValueError, "cardinality of column 0"),
        ([(0, 2)], TypeError, "must be a dict"),
    ],
)
def test_bad_cardinalities(cardinalities, error, message):
    with pytest.raises(error, match=message):
        FeatureEncoder(4, categorical_cardinalities=cardinalities)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"numeric_embedding": "fourier"}, "numeric_embedding must be one of"),
        ({"numeric_embedding": "piecewise_linear"}, "needs bin_edges"),
        ({"numeric_embedding": "piecewise_linear", "bin_edges": [[0, 1]]}, "one entry per"),
        ({"numeric_embedding": "piecewise_linear_encoding"}, "needs bin_edges"),
        (
            {
                "numeric_embedding": "piecewise_linear_encoding",
                "bin_edges": [[0, 1]] * 4,
                "tokens": True,
            },
            "cannot make tokens",
        ),
        ({"d_embedding": 0}, "d_embedding"),
        ({"categorical_embedding_dim": 4, "tokens": True}, "must be None for tokens"),
    ],
)
def test_bad_encoder_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FeatureEncoder(4, categorical_cardinalities={1: 3}, **kwargs)


def test_wrong_number_of_columns():
    with pytest.raises(ValueError, match=r"shape \(batch, 4\), got \(2, 3\)"):
        FeatureEncoder(4)(torch.zeros(2, 3))


def test_embedding_tables_learn():
    X = _mixed_X()
    encoder = FeatureEncoder(4, categorical_cardinalities=CARDINALITIES)
    before = {k: v.clone() for k, v in encoder.categorical_embeddings().items()}
    optimizer = torch.optim.SGD(encoder.parameters(), lr=0.1)
    encoder(X).square().sum().backward()
    optimizer.step()
    after = encoder.categorical_embeddings()
    for column in CARDINALITIES:
        assert not torch.equal(before[column], after[column])
