"""What every sequence module shares: the input contract, masking, pooling and head.

A sequence batch reaches a module as one float tensor of shape ``(n, C, T)``
(channels first). Rows shorter than ``T`` are padded at the end with NaN: a
row's length is one past its last step that has at least one non-NaN
channel, and everything after it is padding. Inside the valid part a NaN is
a missing value and reads as 0 (the mean of a standardised channel). Token
sequences arrive as ``(n, 1, T)`` holding integer ids as floats (exact up to
``2**24``), NaN for padding, and are embedded.

Every module computes only from the valid steps of each row, so a padded row
gives the output of the same row unpadded, and a module accepts sequences of
any length, whatever length it was trained on.
"""

from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_int, check_layer_sizes, check_option, check_probability
from ._head import FineTunableModule
from ._mlp import ACTIVATIONS, DenseBlock

# Float32 represents every integer up to 2**24 exactly, so token ids up to
# that size survive the float input contract.
MAX_VOCAB_SIZE = 2**24

LAYOUT = "(n_samples, n_channels, n_timesteps)"


SHAPE_DOC = """n_features_in : int
        Number of channels ``C`` of the ``(n, C, T)`` input (1 for tokens).
    n_outputs : int
        Number of outputs (logits for classifiers, targets for regressors).
    hidden_layer_sizes : sequence of int, default=()
        Widths of the hidden layers of the dense head after pooling; empty
        for a linear head (the estimators pass their ``hidden_layer_sizes``).
    activation : str, default="relu"
        Non-linearity of the head's hidden layers.
    batch_norm : bool, default=False
        Batch normalisation in the head's hidden layers."""

INPUT_DOC = """input_shape : tuple of (int, int) or None, default=None
        ``(C, T)`` of the training data. ``C`` must equal ``n_features_in``;
        ``T`` is recorded and not enforced, since the module takes
        sequences of any length.
    vocab_size : int or None, default=None
        Read the input ``(n, 1, T)`` as token ids in ``[0, vocab_size)``
        (floats holding integers, NaN for padding) and embed them; an id
        outside the range raises a ``ValueError``.
    embedding_dim : int, default=32
        Length of each token embedding (with ``vocab_size``)."""

PATCH_DOC = """patch_size : int, default={default}
        Steps per input token: each non-overlapping patch of
        ``patch_size`` steps (all channels) becomes one step of the
        network, which shortens the sequence it runs over by that factor.
        The last patch of a row is completed with zeros; a patch is valid
        when its first step is."""

PADDING_DOC = """The input is ``(n, C, T)``, channels first, rows shorter than ``T``
    padded at the end with NaN (a step is padding when all its channels are
    NaN and no valid step follows; a NaN inside a row reads as 0). The
    output of a padded row equals the output of the same row unpadded, and
    the module accepts any length ``T``, whatever the training length was."""


def sequence_lengths(X: torch.Tensor) -> torch.Tensor:
    """Length of each row of a NaN-padded batch ``(n, C, T)``: one past its
    last step with a non-NaN channel (0 for a row that is all padding).

    Parameters
    ----------
    X : torch.Tensor of shape (n, C, T)

    Returns
    -------
    torch.Tensor of int64, shape (n,)
    """
    has_value = ~torch.isnan(X).all(dim=1)
    steps = torch.arange(1, X.shape[-1] + 1, device=X.device)
    return (has_value * steps).amax(dim=1)


def valid_steps(lengths: torch.Tensor, n_steps: int) -> torch.Tensor:
    """Boolean mask ``(n, n_steps)``, True on the first ``lengths[i]`` steps of row ``i``."""
    return torch.arange(n_steps, device=lengths.device) < lengths[:, None]


def to_patches(values: torch.Tensor, lengths: torch.Tensor, patch_size: int):
    """Group the steps of ``values`` ``(n, C, T)`` into non-overlapping patches.

    Returns ``(patches, patch_lengths)``: ``patches`` is ``(n, C * patch_size,
    ceil(T / patch_size))`` (channel after channel within a patch), the last
    patch completed with zeros, and ``patch_lengths`` counts the patches
    whose first step is valid.
    """
    if patch_size == 1:
        return values, lengths
    n_patches = (values.shape[-1] + patch_size - 1) // patch_size
    padded = F.pad(values, (0, patch_size - 1))[..., : n_patches * patch_size]
    patches = padded.unflatten(2, (n_patches, patch_size)).transpose(2, 3).flatten(1, 2)
    return patches, torch.div(lengths - 1, patch_size, rounding_mode="floor") + 1


def masked_mean(values: torch.Tensor, mask: torch.Tensor, dim: int) -> torch.Tensor:
    """Mean of ``values`` over the valid steps along ``dim``.

    ``mask`` is ``(n, T)``; ``values`` is ``(n, T, D)`` (``dim=1``) or
    ``(n, D, T)`` (``dim=2``).
    """
    weights = mask.to(values.dtype).unsqueeze(-1 if dim == 1 else 1)
    return (values * weights).sum(dim) / weights.sum(dim).clamp_min(1)


def gather_step(values: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """``values[i, index[i]]`` for ``values`` of shape ``(n, T, D)``: ``(n, D)``."""
    # [:, 0], not squeeze(1): the ONNX export then needs no branch on the batch size.
    return values.gather(1, index.view(-1, 1, 1).expand(-1, 1, values.shape[-1]))[:, 0]


class AttentionPooling(nn.Module):
    """Weighted mean of the valid steps, with learned weights.

    Each step ``h_t`` gets the score ``v . tanh(W h_t + b)``; padding gets no
    weight, and the softmax of the scores over the valid steps weights the
    mean.

    Parameters
    ----------
    width : int
        Number of features per step.
    """

    def __init__(self, width: int):
        super().__init__()
        self.project = nn.Linear(width, width)
        self.score = nn.Linear(width, 1, bias=False)

    def forward(self, values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Pool ``values`` ``(n, T, D)`` over the steps where ``mask`` ``(n, T)`` is True."""
        scores = self.score(torch.tanh(self.project(values))).squeeze(-1)
        weights = torch.softmax(scores.masked_fill(~mask, -torch.inf), dim=1)
        return torch.einsum("nt,ntd->nd", weights, values)


class SequenceInput(nn.Module):
    """Check a batch against the ``(n, C, T)`` contract, find its padding, embed tokens.

    Parameters
    ----------
    n_channels : int
        Number of channels ``C`` the batch must have (1 with ``vocab_size``).
    vocab_size : int or None, default=None
        Embed the input as token ids in ``[0, vocab_size)``.
    embedding_dim : int, default=32
        Length of each token's embedding (with ``vocab_size``).

    Attributes
    ----------
    out_channels : int
        Channels of the output: ``n_channels``, or ``embedding_dim`` for tokens.
    embedding : torch.nn.Embedding or None
        The token embedding.
    """

    def __init__(self, n_channels: int, vocab_size: int | None = None, embedding_dim: int = 32):
        super().__init__()
        self.n_channels = check_int("n_features_in (the number of channels)", n_channels, 1)
        self.embedding = None
        self.out_channels = self.n_channels
        if vocab_size is not None:
            vocab_size = check_int("vocab_size", vocab_size, 1)
            if vocab_size > MAX_VOCAB_SIZE:
                raise ValueError(
                    f"vocab_size must be at most 2**24 = {MAX_VOCAB_SIZE}: token ids arrive as "
                    f"float32, which is exact only up to there; got {vocab_size}."
                )
            if self.n_channels != 1:
                raise ValueError(
                    "Token sequences have one channel of ids, shape (n_samples, 1, n_timesteps); "
                    f"got n_features_in={self.n_channels} with vocab_size={vocab_size}."
                )
            self.embedding = nn.Embedding(vocab_size, check_int("embedding_dim", embedding_dim, 1))
            self.out_channels = self.embedding.embedding_dim

    def check_shape(self, X: torch.Tensor) -> None:
        """Raise a ``ValueError`` naming the expected layout if ``X`` does not fit it."""
        if X.ndim == 2:
            raise ValueError(
                f"Expected a sequence batch of shape {LAYOUT}, got a 2-D array of shape "
                f"{tuple(X.shape)}; a univariate batch (n_samples, n_timesteps) must be "
                "reshaped to (n_samples, 1, n_timesteps) by the input layer."
            )
        if X.ndim != 3:
            raise ValueError(
                f"Expected a sequence batch of shape {LAYOUT}, got {X.ndim} dimensions "
                f"(shape {tuple(X.shape)})."
            )
        if X.shape[1] != self.n_channels:
            raise ValueError(
                f"Expected a sequence batch of shape {LAYOUT} with {self.n_channels} channel(s) "
                f"on axis 1, got shape {tuple(X.shape)}."
            )
        if X.shape[2] == 0:
            raise ValueError(f"Expected at least one time step, got shape {tuple(X.shape)}.")

    def forward(self, X: torch.Tensor, dtype: torch.dtype):
        """Return ``(values (n, out_channels, T) with padding at 0, lengths (n,))``."""
        self.check_shape(X)
        if not torch.is_floating_point(X):
            X = X.to(dtype)
        lengths = sequence_lengths(X).clamp_min(1)
        if self.embedding is None:
            return torch.nan_to_num(X.to(dtype), nan=0.0), lengths
        ids = X[:, 0]
        missing = torch.isnan(ids)
        ids = ids.masked_fill(missing, 0)
        if not torch.compiler.is_exporting():  # an export traces no data-dependent branch
            self._check_ids(ids)
        embedded = self.embedding(ids.long()).masked_fill(missing[..., None], 0.0)
        return embedded.transpose(1, 2).to(dtype), lengths

    def _check_ids(self, ids: torch.Tensor) -> None:
        vocab_size = self.embedding.num_embeddings
        invalid = (ids < 0) | (ids >= vocab_size) | (ids != torch.floor(ids))
        if invalid.any():
            bad = ids[invalid].unique()[:5].tolist()
            raise ValueError(
                f"Token ids must be integers in [0, {vocab_size}) (vocab_size={vocab_size}); "
                f"the batch contains {bad}."
            )


class DenseHead(nn.Sequential):
    """Dropout, hidden dense layers, then the linear output layer.

    Parameters
    ----------
    in_features : int
        Width of the pooled sequence representation.
    n_outputs : int
        Number of outputs.
    hidden_layer_sizes : sequence of int
        Width of each hidden :class:`DenseBlock`; empty for a linear head.
    activation : str
        Non-linearity of the hidden layers.
    dropout : float
        Dropout of the pooled representation and after each hidden layer.
    batch_norm : bool
        Batch normalisation in each hidden layer.
    """

    def __init__(
        self,
        in_features: int,
        n_outputs: int,
        hidden_layer_sizes: Sequence[int],
        activation: str,
        dropout: float,
        batch_norm: bool,
    ):
        widths = [in_features, *check_layer_sizes("hidden_layer_sizes", hidden_layer_sizes)]
        layers = [nn.Dropout(dropout)] if dropout > 0 else []
        layers += [
            DenseBlock(w_in, w_out, activation, dropout, batch_norm)
            for w_in, w_out in zip(widths[:-1], widths[1:], strict=True)
        ]
        layers.append(nn.Linear(widths[-1], n_outputs))
        super().__init__(*layers)


class SequenceModule(FineTunableModule):
    """Base of the built-in sequence modules: input, encoder, pooling, head.

    A subclass builds its encoder in ``__init__`` (after calling this one)
    and implements :meth:`encode`, which maps the checked batch to one vector
    per row; the head then maps that vector to the outputs.

    Parameters
    ----------
    n_features_in : int
        Number of channels ``C`` of the ``(n, C, T)`` input (1 for tokens).
    n_outputs : int
        Number of outputs.
    hidden_layer_sizes, activation, batch_norm, dropout
        The :class:`DenseHead` after pooling.
    input_shape : tuple of (int, int or None) or None
        ``(C, T)``; ``C`` must equal ``n_features_in``. ``T`` (the training
        length) is recorded but not enforced: the modules accept any length.
    vocab_size : int or None
        Embed token ids in ``[0, vocab_size)``.
    embedding_dim : int
        Length of each token's embedding.

    Attributes
    ----------
    input_kind : str
        ``"sequence"`` (class attribute): the estimators read a 2-D ``X``
        as univariate sequences ``(n, T)`` for these modules. A user's
        module class declares the same to get sequence inputs.
    accepts_any_length : bool
        True (class attribute): the module takes sequences of any length,
        so the estimators predict on lengths other than the training one. A
        user's sequence module without it must get the training length.
    """

    input_kind = "sequence"
    accepts_any_length = True

    def __init__(
        self,
        n_features_in: int,
        n_outputs: int,
        hidden_layer_sizes: Sequence[int],
        activation: str,
        batch_norm: bool,
        dropout: float,
        input_shape: tuple | None,
        vocab_size: int | None,
        embedding_dim: int,
    ):
        super().__init__()
        if input_shape is not None:
            if len(input_shape) != 2 or input_shape[0] != n_features_in:
                raise ValueError(
                    "input_shape must be (n_channels, n_timesteps) with n_channels equal to "
                    f"n_features_in={n_features_in}; got {tuple(input_shape)!r}."
                )
            input_shape = tuple(input_shape)
        self.input_shape = input_shape
        self.input = SequenceInput(n_features_in, vocab_size, embedding_dim)
        check_option("activation", activation, ACTIVATIONS)
        self.head_params = {
            "n_outputs": check_int("n_outputs", n_outputs, 1),
            "hidden_layer_sizes": check_layer_sizes("hidden_layer_sizes", hidden_layer_sizes),
            "activation": activation,
            "dropout": check_probability("dropout", dropout),
            "batch_norm": bool(batch_norm),
        }

    def build_head(self, in_features: int) -> None:
        """Create ``self.head`` for pooled vectors of ``in_features`` values."""
        self.head = DenseHead(in_features, **self.head_params)

    def reset_head(self, n_outputs: int) -> None:
        """Replace the output layer (see :class:`FineTunableModule`) and
        record the new ``n_outputs`` in ``head_params``.

        Parameters
        ----------
        n_outputs : int
            Number of outputs of the new layer.
        """
        super().reset_head(n_outputs)
        self.head_params["n_outputs"] = n_outputs

    def encode(self, values: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Map ``values`` ``(n, C', T)`` (padding at 0) and ``lengths`` to ``(n, D)``."""
        raise NotImplementedError

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Outputs ``(n, n_outputs)`` of a batch ``(n, C, T)`` (NaN-padded at the end)."""
        values, lengths = self.input(X, self.head[-1].weight.dtype)
        return self.head(self.encode(values, lengths))
