"""Embeddings of numeric features: each scalar becomes a learned vector.

Periodic and piecewise-linear embeddings follow Gorishniy, Rubachev and
Babenko, "On Embeddings for Numerical Features in Tabular Deep Learning"
(NeurIPS 2022). The embeddings map ``(batch, n_features)`` to
``(batch, n_features, d_embedding)`` with parameters of their own per
feature; :class:`PiecewiseLinearEncoding` is the fixed encoding alone, a flat
``(batch, total bins)``.
"""

import math
from collections.abc import Collection, Sequence

import numpy as np
import torch
from torch import nn

from ._checks import check_int, check_positive


class PerFeatureLinear(nn.Module):
    """An independent linear layer for each feature.

    Parameters
    ----------
    n_features : int
        Number of features, each with its own weights.
    in_features, out_features : int
        Width of each feature's input and output vectors.
    """

    def __init__(self, n_features: int, in_features: int, out_features: int):
        super().__init__()
        bound = 1 / math.sqrt(in_features)  # nn.Linear's default initialisation
        self.weight = nn.Parameter(
            torch.empty(n_features, in_features, out_features).uniform_(-bound, bound)
        )
        self.bias = nn.Parameter(torch.empty(n_features, out_features).uniform_(-bound, bound))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_features, in_features)`` to ``(batch, n_features, out_features)``."""
        return torch.einsum("bfi,fio->bfo", X, self.weight) + self.bias


class LinearEmbedding(nn.Module):
    """``x_j * w_j + b_j``: the feature tokenizer of the FT-Transformer.

    Parameters
    ----------
    n_features : int
        Number of numeric features.
    d_embedding : int
        Length of each feature's vector.
    """

    def __init__(self, n_features: int, d_embedding: int):
        super().__init__()
        bound = 1 / math.sqrt(d_embedding)
        self.weight = nn.Parameter(torch.empty(n_features, d_embedding).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(n_features, d_embedding).uniform_(-bound, bound))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_features)`` to ``(batch, n_features, d_embedding)``."""
        check_features(X, len(self.weight))
        return X.unsqueeze(-1) * self.weight + self.bias


class PeriodicEmbedding(nn.Module):
    """Sines and cosines of learned frequencies, then a linear layer and ReLU.

    For feature ``j`` with frequencies ``c_j`` (``n_frequencies`` of them,
    initialised from ``N(0, frequency_scale**2)`` and trained), the vector is
    ``ReLU(W_j [cos(2 pi c_j x), sin(2 pi c_j x)] + b_j)`` (the "PLR"
    embedding of Gorishniy et al., 2022).

    Parameters
    ----------
    n_features : int
        Number of numeric features.
    d_embedding : int
        Length of each feature's vector.
    n_frequencies : int, default=48
        Number of frequencies per feature.
    frequency_scale : float, default=0.1
        Standard deviation of the initial frequencies. Small values give
        smooth functions of the feature; larger ones let the network fit
        high-frequency detail (and overfit). It matters most; tune it.
    """

    def __init__(
        self,
        n_features: int,
        d_embedding: int,
        n_frequencies: int = 48,
        frequency_scale: float = 0.1,
    ):
        super().__init__()
        n_frequencies = check_int("n_frequencies", n_frequencies, 1)
        frequency_scale = check_positive("frequency_scale", frequency_scale)
        self.frequencies = nn.Parameter(
            torch.empty(n_features, n_frequencies).normal_(0.0, frequency_scale)
        )
        self.linear = PerFeatureLinear(n_features, 2 * n_frequencies, d_embedding)
        self.activation = nn.ReLU()

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_features)`` to ``(batch, n_features, d_embedding)``."""
        check_features(X, len(self.frequencies))
        angles = 2 * math.pi * self.frequencies * X.unsqueeze(-1)
        return self.activation(self.linear(torch.cat([torch.cos(angles), torch.sin(angles)], -1)))


class PiecewiseLinearEncoding(nn.Module):
    """The piecewise-linear encoding alone: each bin of each feature becomes
    one input column, without learned parameters.

    Feature ``j`` with bin edges ``e_0 < e_1 < ... < e_T`` becomes ``T``
    columns: bin ``t`` gives 1 when ``x >= e_t``, 0 when ``x < e_{t-1}`` and
    ``(x - e_{t-1}) / (e_t - e_{t-1})`` inside it; the first and the last bin
    extrapolate linearly beyond the edges (the "Q" encoding of Gorishniy et
    al., 2022). A feature of one bin (a binary or constant column) stays one
    column. Every column is then standardised by batch normalisation without
    learned scale or shift (batch statistics in training, their running
    averages in eval mode): a bin that few rows reach would otherwise feed
    the first layer a column of mostly zeros, which slowed training. The
    network's first layer then learns a piecewise-linear function of every
    feature, which on large tables makes a plain MLP learn far more per epoch
    than from the standardised value (``benchmarks/README.md``, "Large
    tables").

    Parameters
    ----------
    bin_edges : sequence of array-like
        One strictly increasing 1-D array of at least two edges per feature,
        usually training-data quantiles from :func:`compute_bin_edges`.

    Attributes
    ----------
    out_features : int
        Number of output columns: the bins of all features.
    """

    def __init__(self, bin_edges: Sequence):
        super().__init__()
        edges = _as_feature_edges(bin_edges)
        self.n_features = len(edges)
        feature, left, width, lower, upper = [], [], [], [], []
        for j, e in enumerate(edges):
            n_bins = len(e) - 1
            feature += [j] * n_bins
            left.append(e[:-1])
            width.append(e[1:] - e[:-1])
            lower += [-math.inf] + [0.0] * (n_bins - 1)
            upper += [1.0] * (n_bins - 1) + [math.inf]
        self.out_features = len(feature)
        self.register_buffer("feature", torch.tensor(feature, dtype=torch.long))
        self.register_buffer("left", torch.cat(left))
        self.register_buffer("inverse_width", 1.0 / torch.cat(width))
        self.register_buffer("lower", torch.tensor(lower))
        self.register_buffer("upper", torch.tensor(upper))
        self.standardize = nn.BatchNorm1d(self.out_features, affine=False)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_features)`` to ``(batch, out_features)``."""
        check_features(X, self.n_features)
        # In place on the gathered copy: one temporary of the (wide) encoding, not four.
        position = X.index_select(1, self.feature).sub_(self.left).mul_(self.inverse_width)
        return self.standardize(position.clamp_(self.lower, self.upper))


class PiecewiseLinearEmbedding(nn.Module):
    """Piecewise-linear encoding over fixed bins, then a linear layer and ReLU.

    Feature ``j`` with bin edges ``e_0 < e_1 < ... < e_T`` is first encoded
    as ``T`` numbers: bin ``t`` gives 1 when ``x >= e_t``, 0 when
    ``x < e_{t-1}`` and ``(x - e_{t-1}) / (e_t - e_{t-1})`` inside it; the
    first and the last bin extrapolate linearly beyond the edges. A linear
    layer and ReLU of the feature's own then give its vector (the "Q-LR"
    embedding of Gorishniy et al., 2022).

    Parameters
    ----------
    bin_edges : sequence of array-like
        One strictly increasing 1-D array of at least two edges per feature,
        usually training-data quantiles from :func:`compute_bin_edges`.
        Features may have different numbers of bins.
    d_embedding : int
        Length of each feature's vector.
    """

    def __init__(self, bin_edges: Sequence, d_embedding: int):
        super().__init__()
        edges = _as_feature_edges(bin_edges)
        n_bins = max(len(e) - 1 for e in edges)
        left = torch.zeros(len(edges), n_bins)
        width = torch.ones(len(edges), n_bins)
        is_bin = torch.zeros(len(edges), n_bins, dtype=torch.bool)
        last = torch.zeros(len(edges), n_bins, dtype=torch.bool)
        for j, e in enumerate(edges):
            left[j, : len(e) - 1] = e[:-1]
            width[j, : len(e) - 1] = e[1:] - e[:-1]
            is_bin[j, : len(e) - 1] = True
            last[j, len(e) - 2] = True
        first = torch.zeros_like(last)
        first[:, 0] = True
        self.register_buffer("left", left)
        self.register_buffer("width", width)
        self.register_buffer("mask", is_bin.float())
        # Clamp every bin to [0, 1], except below the first and above the last.
        self.register_buffer("lower", torch.where(first, -math.inf, 0.0))
        self.register_buffer("upper", torch.where(last, math.inf, 1.0))
        self.linear = PerFeatureLinear(len(edges), n_bins, d_embedding)
        self.activation = nn.ReLU()

    def encode(self, X: torch.Tensor) -> torch.Tensor:
        """The piecewise-linear encoding, ``(batch, n_features, n_bins)``.

        Bins a feature does not have (features may have fewer bins than
        others) are zero.
        """
        position = (X.unsqueeze(-1) - self.left) / self.width
        return torch.clamp(position, self.lower, self.upper) * self.mask

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_features)`` to ``(batch, n_features, d_embedding)``."""
        check_features(X, len(self.left))
        return self.activation(self.linear(self.encode(X)))


def check_features(X: torch.Tensor, n_features: int) -> None:
    """Raise a ``ValueError`` unless ``X`` is ``(batch, n_features)``."""
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(
            f"Expected input of shape (batch, {n_features}), one column per feature of the "
            f"embedding, got {tuple(X.shape)}."
        )


def _as_feature_edges(bin_edges: Sequence) -> list[torch.Tensor]:
    """Each feature's checked edges, as float32 tensors."""
    edges = [_as_edges(e, j) for j, e in enumerate(bin_edges)]
    if not edges:
        raise ValueError(
            "bin_edges must hold the edges of at least one feature, got none; compute them "
            "with compute_bin_edges(X_train)."
        )
    return edges


def _as_edges(edges, index: int) -> torch.Tensor:
    """The edges of feature ``index`` as a float32 tensor, checked where the
    network uses them: in float32, where close edges may fall together."""
    if edges is None:
        raise ValueError(f"bin_edges has no edges (None) for numeric feature {index}.")
    values = np.asarray(edges, dtype=np.float64)
    with np.errstate(over="ignore"):  # beyond float32's range: refused below
        as_float32 = values.astype(np.float32)
    if (
        values.ndim != 1
        or len(values) < 2
        or not np.isfinite(as_float32).all()
        or not (np.diff(as_float32) > 0).all()
    ):
        raise ValueError(
            f"The bin edges of feature {index} must be a 1-D array of at least two "
            "finite, strictly increasing values, also once rounded to float32 (the "
            f"network's precision); got {edges!r}. compute_bin_edges gives such edges."
        )
    return torch.from_numpy(as_float32)


def compute_bin_edges(
    X, n_bins: int = 16, categorical_columns: Collection[int] = ()
) -> list[np.ndarray | None]:
    """Quantile bin edges of each numeric column, for piecewise-linear embeddings.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training inputs (only the training rows, to keep validation data
        unseen).
    n_bins : int, default=16
        Number of quantile bins per column. Columns with fewer distinct
        values get fewer bins (repeated quantiles are merged).
    categorical_columns : collection of int, default=()
        Indices of columns that are category codes; they get ``None``.

    Returns
    -------
    list of ndarray or None
        One entry per column of ``X``: the sorted edges, distinct in
        float32 (the network's precision; at least two: a constant column
        ``v`` gets ``[v - 0.5, v + 0.5]``, wider where float32 cannot tell
        these from ``v``), or ``None`` for a categorical column. Pass it
        as ``bin_edges`` to a module built with
        ``numeric_embedding="piecewise_linear"``, or to an estimator in
        ``module_params`` (which scales the edges like ``X``).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 2.0]])
    >>> edges = compute_bin_edges(X, n_bins=2, categorical_columns=[1])
    >>> edges[0], edges[1]
    (array([0. , 1.5, 3. ]), None)
    """
    n_bins = check_int("n_bins", n_bins, 1)
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be a non-empty 2-D array, got shape {X.shape}.")
    categorical = set(categorical_columns)
    quantiles = np.linspace(0.0, 1.0, n_bins + 1)
    edges = []
    for j in range(X.shape[1]):
        if j in categorical:
            edges.append(None)
            continue
        column = np.asarray(X[:, j], dtype=np.float64)  # one column at a time in float64
        if not np.isfinite(column).all():
            raise ValueError("X contains NaN or infinity; bin edges need finite values.")
        column_edges = _distinct_in_float32(np.unique(np.quantile(column, quantiles)))
        if len(column_edges) == 1:
            column_edges = _edges_around(column_edges[0])
        edges.append(column_edges)
    return edges


def _distinct_in_float32(edges: np.ndarray) -> np.ndarray:
    """The sorted ``edges`` less those that round to the same float32 as an
    earlier one: the network computes in float32, where a bin of zero width
    would divide by zero."""
    _, first = np.unique(edges.astype(np.float32), return_index=True)
    return edges[first]


def _edges_around(value: float) -> np.ndarray:
    """Two edges around ``value`` (one bin for a constant column):
    ``value -/+ 0.5``, or the float32 neighbours of ``value`` where 0.5 is
    below float32's resolution."""
    center = np.float32(value)
    lower = min(value - 0.5, float(np.nextafter(center, np.float32(-np.inf))))
    upper = max(value + 0.5, float(np.nextafter(center, np.float32(np.inf))))
    return np.array([lower, upper])
