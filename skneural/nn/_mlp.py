"""Multi-layer perceptron built from configurable dense blocks."""

from collections.abc import Mapping, Sequence

from torch import nn

from ._checks import check_int, check_layer_sizes, check_probability
from ._feature_encoding import FLAT_ENCODING_DOC, FeatureEncoder, TabularModule

ACTIVATIONS = {
    "relu": nn.ReLU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "selu": nn.SELU,
    "elu": nn.ELU,
    "leaky_relu": nn.LeakyReLU,
    "tanh": nn.Tanh,
    "logistic": nn.Sigmoid,
    "identity": nn.Identity,
}


def make_activation(name: str) -> nn.Module:
    """Return a fresh activation layer for ``name`` (a key of ``ACTIVATIONS``)."""
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(
            f"Unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}."
        ) from None


class DenseBlock(nn.Sequential):
    """Linear layer, optional batch norm, activation and optional dropout.

    Parameters
    ----------
    in_features, out_features : int
        Width of the input and of the output.
    activation : str, default="relu"
        Name of the non-linearity (see ``ACTIVATIONS``).
    dropout : float, default=0.0
        Dropout probability applied after the activation.
    batch_norm : bool, default=False
        Insert ``BatchNorm1d`` between the linear layer and the activation.
    layer_norm : bool, default=False
        Insert ``LayerNorm`` there instead (not both).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        activation: str = "relu",
        dropout: float = 0.0,
        batch_norm: bool = False,
        layer_norm: bool = False,
    ):
        if batch_norm and layer_norm:
            raise ValueError("Use batch_norm or layer_norm, not both.")
        layers = [nn.Linear(in_features, out_features)]
        if batch_norm:
            layers.append(nn.BatchNorm1d(out_features))
        if layer_norm:
            layers.append(nn.LayerNorm(out_features))
        layers.append(make_activation(activation))
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        super().__init__(*layers)


class MLP(TabularModule):
    """Feed-forward network: a stack of :class:`DenseBlock` and a linear head.

    Parameters
    ----------
    n_features_in : int
        Number of input features.
    n_outputs : int
        Number of outputs (logits for classifiers, targets for regressors).
    hidden_layer_sizes : sequence of int, default=(128, 128)
        Width of each hidden layer; its length is the depth. An empty
        sequence gives a linear model.
    activation : str, default="relu"
        Non-linearity between layers.
    dropout : float, default=0.0
        Dropout probability after each hidden activation.
    batch_norm : bool, default=False
        Batch normalisation in every hidden block.
    layer_norm : bool, default=False
        Layer normalisation in every hidden block (set it from an estimator
        with ``module_params={{"layer_norm": True}}``).
    {encoding}

    Attributes
    ----------
    encoder : FeatureEncoder
        Input encoding; it passes the input through unchanged without
        categorical columns and numeric embeddings.
    """

    def __init__(
        self,
        n_features_in: int,
        n_outputs: int,
        hidden_layer_sizes: Sequence[int] = (128, 128),
        activation: str = "relu",
        dropout: float = 0.0,
        batch_norm: bool = False,
        layer_norm: bool = False,
        *,
        categorical_cardinalities: Mapping[int, int] | None = None,
        categorical_embedding_dim: int | None = None,
        numeric_embedding: str | None = None,
        d_embedding: int = 16,
        n_frequencies: int = 48,
        frequency_scale: float = 0.1,
        bin_edges: Sequence | None = None,
    ):
        super().__init__()
        hidden_layer_sizes = check_layer_sizes("hidden_layer_sizes", hidden_layer_sizes)
        dropout = check_probability("dropout", dropout)
        n_outputs = check_int("n_outputs", n_outputs, 1)
        self.encoder = FeatureEncoder(
            n_features_in,
            categorical_cardinalities=categorical_cardinalities,
            categorical_embedding_dim=categorical_embedding_dim,
            numeric_embedding=numeric_embedding,
            d_embedding=d_embedding,
            n_frequencies=n_frequencies,
            frequency_scale=frequency_scale,
            bin_edges=bin_edges,
        )
        widths = [self.encoder.out_features, *hidden_layer_sizes]
        self.hidden = nn.Sequential(
            *(
                DenseBlock(w_in, w_out, activation, dropout, batch_norm, layer_norm)
                for w_in, w_out in zip(widths[:-1], widths[1:], strict=True)
            )
        )
        self.head = nn.Linear(widths[-1], n_outputs)

    def forward(self, X):
        return self.head(self.hidden(self.encoder(X)))


MLP.__doc__ = MLP.__doc__.format(encoding=FLAT_ENCODING_DOC)
