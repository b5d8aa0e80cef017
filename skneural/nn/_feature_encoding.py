"""Turn a raw input matrix of numeric and categorical columns into network inputs.

The built-in modules share one input contract: a float matrix whose
categorical columns hold integer codes ``0 .. cardinality - 1``, described by
``categorical_cardinalities`` (column index -> number of codes). The
:class:`FeatureEncoder` here splits the columns, embeds the categorical ones
with ``nn.Embedding`` and optionally embeds the numeric ones, then returns
either one flat vector per row (MLP, ResNet) or one token per feature (the
FT-Transformer).
"""

from collections.abc import Mapping, Sequence
from numbers import Integral

import torch
from torch import nn

from ._checks import check_int, check_option
from ._head import FineTunableModule
from ._numeric_embeddings import (
    LinearEmbedding,
    PeriodicEmbedding,
    PiecewiseLinearEmbedding,
    PiecewiseLinearEncoding,
    compute_bin_edges,
)

NUMERIC_EMBEDDINGS = (None, "periodic", "piecewise_linear", "piecewise_linear_encoding")
#: The numeric embeddings whose bin edges are computed from the training rows.
BINNED_EMBEDDINGS = ("piecewise_linear", "piecewise_linear_encoding")
_MAX_DEFAULT_EMBEDDING_DIM = 32


def default_embedding_dim(cardinality: int) -> int:
    """Embedding length for a categorical column with ``cardinality`` codes.

    ``min(32, round(1.6 * cardinality ** 0.56))``: grows slowly with the
    number of categories, and is at least 1.

    Parameters
    ----------
    cardinality : int

    Returns
    -------
    int
    """
    return max(1, min(_MAX_DEFAULT_EMBEDDING_DIM, round(1.6 * cardinality**0.56)))


def check_categorical_cardinalities(cardinalities, n_features_in: int) -> dict[int, int]:
    """Validate ``categorical_cardinalities`` and return it as a sorted ``dict``.

    Parameters
    ----------
    cardinalities : mapping of int to int or None
        Column index to number of integer codes in that column.
    n_features_in : int
        Number of columns of the input matrix.

    Returns
    -------
    dict of int to int
        Sorted by column index; empty when ``cardinalities`` is ``None``.
    """
    check_cardinalities_type(cardinalities)
    if cardinalities is None:
        return {}
    checked = {}
    for column, cardinality in cardinalities.items():
        if (
            isinstance(column, bool)
            or not isinstance(column, Integral)
            or not 0 <= column < n_features_in
        ):
            raise ValueError(
                "categorical_cardinalities keys must be column indices in "
                f"[0, {n_features_in}), got {column!r}."
            )
        checked[int(column)] = check_int(f"cardinality of column {column}", cardinality, 1)
    return dict(sorted(checked.items()))


def check_cardinalities_type(cardinalities) -> None:
    """Raise a ``TypeError`` unless ``categorical_cardinalities`` is ``None`` or a mapping.

    Parameters
    ----------
    cardinalities : object
        The ``categorical_cardinalities`` argument.
    """
    if cardinalities is not None and not isinstance(cardinalities, Mapping):
        raise TypeError(
            "categorical_cardinalities must be a dict mapping column indices to "
            f"numbers of categories, e.g. {{3: 10}}, got {type(cardinalities).__name__}."
        )


class CategoricalEmbeddings(nn.Module):
    """One ``nn.Embedding`` per categorical column.

    Parameters
    ----------
    cardinalities : dict of int to int
        Column index (in the full input matrix) to number of codes, sorted.
    dims : sequence of int
        Embedding length of each column, in the order of ``cardinalities``.
    """

    def __init__(self, cardinalities: dict[int, int], dims: Sequence[int]):
        super().__init__()
        self.columns = list(cardinalities)
        self.embeddings = nn.ModuleList(
            nn.Embedding(card, dim) for card, dim in zip(cardinalities.values(), dims, strict=True)
        )
        # Code 0 starts as the zero vector: TabularPreprocessor reserves it for
        # categories unseen in training, which then stay neutral; where 0 is an
        # ordinary category it is trained like any other row.
        with torch.no_grad():
            for table in self.embeddings:
                table.weight[0].zero_()
        self.register_buffer(
            "cardinalities",
            torch.tensor(list(cardinalities.values()), dtype=torch.float32),
            persistent=False,
        )

    def codes(self, values: torch.Tensor) -> torch.Tensor:
        """Check float-valued codes ``(batch, n_categorical)`` and cast them to ``long``."""
        invalid = (values < 0) | (values >= self.cardinalities) | (values != torch.floor(values))
        if invalid.any():
            position = int(invalid.any(dim=0).nonzero()[0])
            bad = values[:, position][invalid[:, position]].unique()[:5].tolist()
            cardinality = int(self.cardinalities[position])
            raise ValueError(
                f"Categorical column {self.columns[position]} has {cardinality} categories, "
                f"so its values must be integer codes 0 to {cardinality - 1}; it contains "
                f"{bad}. Encode categories as codes (e.g. with OrdinalEncoder) and count "
                "every code, including one for unknown categories, in "
                "categorical_cardinalities."
            )
        return values.long()

    def forward(self, values: torch.Tensor) -> list[torch.Tensor]:
        """Embed each column: a list of ``(batch, dim)`` tensors."""
        codes = self.codes(values)
        return [embedding(codes[:, i]) for i, embedding in enumerate(self.embeddings)]

    def weights(self) -> dict[int, torch.Tensor]:
        """Column index to its embedding table ``(cardinality, dim)`` (detached)."""
        return {
            column: embedding.weight.detach()
            for column, embedding in zip(self.columns, self.embeddings, strict=True)
        }


class FeatureEncoder(nn.Module):
    """Split numeric and categorical columns, embed them and join the results.

    Parameters
    ----------
    n_features_in : int
        Number of columns of the input matrix.
    categorical_cardinalities : dict of int to int, default=None
        Column index to number of integer codes; those columns are embedded
        with ``nn.Embedding``, every other column is numeric.
    categorical_embedding_dim : int, default=None
        Embedding length of every categorical column; ``None`` gives each
        column :func:`default_embedding_dim` of its cardinality. Must be
        ``None`` when ``tokens=True`` (every token has ``d_embedding``).
    numeric_embedding : {None, "periodic", "piecewise_linear", \
            "piecewise_linear_encoding"}, default=None
        How numeric columns are embedded. ``None`` passes them through
        unchanged (flat output) or embeds them linearly (tokens);
        ``"piecewise_linear_encoding"`` (flat output only) replaces each by
        the columns of its bins (:class:`PiecewiseLinearEncoding`).
    d_embedding : int, default=16
        Length of each numeric feature's embedding, and of every token.
    n_frequencies : int, default=48
        Frequencies per feature of the periodic embedding.
    frequency_scale : float, default=0.1
        Standard deviation of the periodic embedding's initial frequencies.
    bin_edges : sequence, default=None
        Required by the piecewise-linear embedding and encoding: one array of
        bin edges per input column (entries of categorical columns are
        ignored), in the units of ``X``, as returned by
        :func:`compute_bin_edges`.
    tokens : bool, default=False
        Return one ``d_embedding``-long token per feature, shape
        ``(batch, n_features_in, d_embedding)``, numeric features first,
        instead of a flat ``(batch, out_features)`` matrix.

    Attributes
    ----------
    numeric_columns, categorical_columns : list of int
        Input column indices of each kind.
    out_features : int
        Width of the flat output, or the token length when ``tokens=True``.
    """

    def __init__(
        self,
        n_features_in: int,
        *,
        categorical_cardinalities: Mapping[int, int] | None = None,
        categorical_embedding_dim: int | None = None,
        numeric_embedding: str | None = None,
        d_embedding: int = 16,
        n_frequencies: int = 48,
        frequency_scale: float = 0.1,
        bin_edges: Sequence | None = None,
        tokens: bool = False,
    ):
        super().__init__()
        self.n_features_in = check_int("n_features_in", n_features_in, 1)
        check_option("numeric_embedding", numeric_embedding, NUMERIC_EMBEDDINGS)
        d_embedding = check_int("d_embedding", d_embedding, 1)
        cardinalities = check_categorical_cardinalities(categorical_cardinalities, n_features_in)
        self.categorical_columns = list(cardinalities)
        self.numeric_columns = [j for j in range(n_features_in) if j not in cardinalities]
        self.tokens = tokens
        self.numeric = self._numeric_embedding(
            numeric_embedding, d_embedding, n_frequencies, frequency_scale, bin_edges
        )
        dims = self._categorical_dims(cardinalities, categorical_embedding_dim, d_embedding)
        self.categorical = CategoricalEmbeddings(cardinalities, dims) if cardinalities else None
        self._passthrough = self.numeric is None and self.categorical is None
        if tokens:
            self.out_features = d_embedding
        else:
            self.out_features = self._numeric_width(d_embedding) + sum(dims)
        for name, columns in [
            ("numeric_index", self.numeric_columns),
            ("categorical_index", self.categorical_columns),
        ]:
            self.register_buffer(name, torch.tensor(columns, dtype=torch.long), persistent=False)

    def _numeric_width(self, d_embedding):
        """Width of the numeric columns' part of the flat output."""
        if isinstance(self.numeric, PiecewiseLinearEncoding):
            return self.numeric.out_features
        return len(self.numeric_columns) * (1 if self.numeric is None else d_embedding)

    def _numeric_embedding(self, kind, d_embedding, n_frequencies, frequency_scale, bin_edges):
        n_numeric = len(self.numeric_columns)
        if n_numeric == 0:
            return None
        if kind == "periodic":
            return PeriodicEmbedding(n_numeric, d_embedding, n_frequencies, frequency_scale)
        if kind == "piecewise_linear":
            return PiecewiseLinearEmbedding(self._numeric_bin_edges(kind, bin_edges), d_embedding)
        if kind == "piecewise_linear_encoding":
            if self.tokens:
                raise ValueError(
                    'numeric_embedding="piecewise_linear_encoding" gives no vector per '
                    'feature, so it cannot make tokens; use "piecewise_linear" or '
                    '"periodic" here.'
                )
            return PiecewiseLinearEncoding(self._numeric_bin_edges(kind, bin_edges))
        return LinearEmbedding(n_numeric, d_embedding) if self.tokens else None

    def _numeric_bin_edges(self, kind, bin_edges):
        if bin_edges is None:
            raise ValueError(
                f"numeric_embedding={kind!r} needs bin_edges computed from the "
                "training data: pass bin_edges=compute_bin_edges(X_train, n_bins) "
                "(skneural.nn.compute_bin_edges)."
            )
        n_entries = None if isinstance(bin_edges, str | bytes) else len(bin_edges)
        if n_entries != self.n_features_in:
            raise ValueError(
                f"bin_edges must have one entry per input column ({self.n_features_in}), "
                f"got {'a string' if n_entries is None else n_entries}."
            )
        return [bin_edges[j] for j in self.numeric_columns]

    def _categorical_dims(self, cardinalities, embedding_dim, d_embedding):
        if self.tokens:
            if embedding_dim is not None:
                raise ValueError(
                    "categorical_embedding_dim must be None for tokens: every token has "
                    "d_embedding values."
                )
            return [d_embedding] * len(cardinalities)
        if embedding_dim is None:
            return [default_embedding_dim(card) for card in cardinalities.values()]
        return [check_int("categorical_embedding_dim", embedding_dim, 1)] * len(cardinalities)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Encode ``X`` of shape ``(batch, n_features_in)``.

        Returns
        -------
        torch.Tensor
            ``(batch, out_features)``, or ``(batch, n_features_in, out_features)``
            when ``tokens=True``.
        """
        if X.ndim != 2 or X.shape[1] != self.n_features_in:
            raise ValueError(
                f"Expected input of shape (batch, {self.n_features_in}), got {tuple(X.shape)}."
            )
        if self._passthrough:
            return X
        parts = []
        if self.numeric_columns:
            numeric = X if self.categorical is None else X.index_select(1, self.numeric_index)
            if self.numeric is None:
                parts.append(numeric)
            else:
                embedded = self.numeric(numeric)
                parts.append(embedded if self.tokens else embedded.flatten(1))
        if self.categorical is not None:
            embedded = self.categorical(X.index_select(1, self.categorical_index))
            parts.append(torch.stack(embedded, dim=1) if self.tokens else torch.cat(embedded, 1))
        return torch.cat(parts, dim=1)

    def categorical_embeddings(self) -> dict[int, torch.Tensor]:
        """Column index to its learned embedding table, ``(cardinality, dim)``.

        Row ``k`` of a table is the vector of code ``k``; the tensors are
        detached views of the weights. Empty without categorical columns.
        """
        return {} if self.categorical is None else self.categorical.weights()


class TabularModule(FineTunableModule):
    """Base of the built-in modules: an input :class:`FeatureEncoder` at ``self.encoder``."""

    encoder: FeatureEncoder

    @classmethod
    def needs_training_data(cls, kwargs: dict) -> bool:
        """Whether :meth:`data_dependent_kwargs` reads the training rows for
        these constructor arguments (only piecewise-linear embeddings and
        encodings without ``bin_edges`` do), so that the rows are gathered
        only then.

        Parameters
        ----------
        kwargs : dict
            The constructor arguments gathered so far.

        Returns
        -------
        bool
        """
        return (
            kwargs.get("numeric_embedding") in BINNED_EMBEDDINGS and kwargs.get("bin_edges") is None
        )

    @classmethod
    def data_dependent_kwargs(cls, X, kwargs: dict) -> dict:
        """Complete constructor arguments that depend on the training data.

        With a piecewise-linear ``numeric_embedding`` and no ``bin_edges``,
        the edges are computed from ``X`` (the training rows) with
        ``n_bins`` quantile bins per column (an extra entry, default 16,
        removed from the returned arguments).

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features_in) or None
            The training rows; ``None`` when :meth:`needs_training_data` is
            false.
        kwargs : dict
            The constructor arguments gathered so far.

        Returns
        -------
        dict
        """
        kwargs = dict(kwargs)
        n_bins = kwargs.pop("n_bins", 16)
        if cls.needs_training_data(kwargs):
            categorical = kwargs.get("categorical_cardinalities") or {}
            kwargs["bin_edges"] = compute_bin_edges(X, n_bins, categorical_columns=categorical)
        return kwargs

    def categorical_embeddings(self) -> dict[int, torch.Tensor]:
        """Learned embeddings of the categorical columns.

        Returns
        -------
        dict of int to torch.Tensor
            Input column index to its embedding table of shape
            ``(cardinality, dim)``; row ``k`` is the vector of code ``k``.
            Empty when the module has no categorical columns.
        """
        return self.encoder.categorical_embeddings()


_PARAMETER_DOCS = {
    "categorical_cardinalities": """\
categorical_cardinalities : dict of int to int, default=None
        Input column index to the number of categories in that column. Those
        columns must hold integer codes ``0 .. cardinality - 1`` (as floats)
        and are embedded with ``nn.Embedding``; the other columns are
        numeric. A code outside that range raises a ``ValueError``.""",
    "categorical_embedding_dim": """\
categorical_embedding_dim : int, default=None
        Embedding length of every categorical column; ``None`` gives each
        column ``min(32, round(1.6 * cardinality ** 0.56))``.""",
    "numeric_embedding": """\
numeric_embedding : {None, "periodic", "piecewise_linear", \
            "piecewise_linear_encoding"}, default=None
        Embedding of each numeric feature into a vector before the network
        (Gorishniy et al., 2022): ``"periodic"`` (sines and cosines of
        learned frequencies, then linear + ReLU), ``"piecewise_linear"``
        (encoding over quantile bins, then linear + ReLU) or
        ``"piecewise_linear_encoding"`` (the bins' encoding alone, one input
        column per bin: cheap, and what ``numeric_encoding="auto"`` of the
        estimators uses on large tables). The piecewise-linear ones need
        ``bin_edges``; an estimator computes them from (up to 10,000 of) its
        training rows (``n_bins`` quantile bins, default 16, another entry
        of ``module_params``).""",
    "numeric_embedding_tokens": """\
numeric_embedding : {None, "periodic", "piecewise_linear"}, default=None
        How numeric features become tokens: ``None`` is the linear
        ``x_j * w_j + b_j``; ``"periodic"`` and ``"piecewise_linear"`` are
        the embeddings of Gorishniy et al., 2022 (the latter needs
        ``bin_edges``).""",
    "d_embedding": """\
d_embedding : int, default=16
        Length of each numeric feature's embedding (with ``numeric_embedding``).""",
    "n_frequencies": """\
n_frequencies : int, default=48
        Frequencies per feature of the periodic embedding.""",
    "frequency_scale": """\
frequency_scale : float, default=0.1
        Standard deviation of the periodic embedding's initial frequencies
        (on standardised features); the setting that matters most for it.""",
    "bin_edges": """\
bin_edges : sequence of array-like, default=None
        Bin edges of the piecewise-linear embedding: one strictly increasing
        array per input column (entries of categorical columns are ignored)
        in the units of this module's input, usually
        ``compute_bin_edges(X_train, n_bins)``. In an estimator's
        ``module_params`` they are in the units of its numeric ``X``: the
        estimator standardises them like ``X``. With a ``preprocessing``
        transformer or a DataFrame it prepares, they are in the units of
        the prepared columns; leave them out to get them from those.""",
}


def _parameters_doc(*names: str) -> str:
    return "\n    ".join(_PARAMETER_DOCS[name] for name in names)


# The numpydoc text of the input-encoding parameters, spliced into the
# docstrings of the modules that take them: flat-input modules (MLP, ResNet)
# and token-input ones (FT-Transformer).
FLAT_ENCODING_DOC = _parameters_doc(
    "categorical_cardinalities",
    "categorical_embedding_dim",
    "numeric_embedding",
    "d_embedding",
    "n_frequencies",
    "frequency_scale",
    "bin_edges",
)
TOKEN_ENCODING_DOC = _parameters_doc(
    "categorical_cardinalities",
    "numeric_embedding_tokens",
    "n_frequencies",
    "frequency_scale",
    "bin_edges",
)
