"""The sequence case: time series and token sequences, NaN-padded at the end.

``X`` is ``(n, T)`` (univariate), ``(n, C, T)`` (the "numpy3D" layout of
sktime and aeon) or a list of ``(C, T_i)`` (or ``(T_i,)``) arrays of
different lengths; the tensor is always ``(n, C, T)`` float32, shorter rows
padded at the end with NaN, as the sequence modules of :mod:`skneural.nn`
read it.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

from ..nn._factory import BUILTIN_MODULES
from ._input_layer import (
    InputLayer,
    _common_arguments,
    matching_channel_statistics,
    pretrained_channel_statistics,
)

SEQUENCE_LAYOUT = "(n_samples, n_channels, n_timesteps)"
SEQUENCE_MODULE_NAMES = tuple(
    name for name, cls in BUILTIN_MODULES.items() if getattr(cls, "input_kind", None) == "sequence"
)
_CHOOSE_SEQUENCE_MODULE = (
    "module="
    + ", ".join(repr(name) for name in SEQUENCE_MODULE_NAMES[:-1])
    + f" or {SEQUENCE_MODULE_NAMES[-1]!r}"
)


def module_input_kind(module) -> str | None:
    """The ``input_kind`` class attribute of ``module`` (a built-in name or a
    callable), e.g. ``"sequence"``; ``None`` when it declares none."""
    factory = BUILTIN_MODULES.get(module) if isinstance(module, str) else module
    return getattr(factory, "input_kind", None)


def is_list_of_arrays(X) -> bool:
    """Whether ``X`` is a list or tuple whose first entry is an array (sequences of
    their own lengths), not a nested list of numbers."""
    return isinstance(X, list | tuple) and len(X) > 0 and hasattr(X[0], "ndim")


def check_table_shape(X, owner: str) -> None:
    """Reject sequences and images given to a tabular module, naming the
    modules that take them."""
    ndim = getattr(X, "ndim", None)
    ragged = is_list_of_arrays(X) and any(
        np.ndim(x) != 1 or np.shape(x) != np.shape(X[0]) for x in X
    )
    if ndim is None or ndim < 3:
        if not ragged:
            return
        what = "a list of arrays of different shapes (sequences of their own lengths)"
    else:
        what = f"a {ndim}-D array of shape {X.shape}"
    raise ValueError(
        f"{owner}'s module takes a 2-D table (n_samples, n_features), but X is {what}. "
        f"For sequences {SEQUENCE_LAYOUT} choose a sequence module, "
        f"{_CHOOSE_SEQUENCE_MODULE}; for images choose module='cnn' or 'resnet_cnn'; "
        "to use the values as table columns, pass X.reshape(len(X), -1)."
    )


def _declares_image(params: dict, X) -> bool:
    """Signals of image inputs: an image module, a 3-entry ``input_shape`` or a 4-D ``X``."""
    shape = (params.get("module_params") or {}).get("input_shape")
    return (
        module_input_kind(params.get("module")) == "image"
        or (shape is not None and len(shape) == 3)
        or getattr(X, "ndim", None) == 4
    )


class SequenceInput(InputLayer):
    """Sequences as one NaN-padded float32 tensor ``(n, C, T)``, scaled per channel.

    Chosen when ``module`` is a sequence module (``"gru"``, ``"lstm"``,
    ``"inception_time"``, ``"tcn"``, ``"sequence_transformer"``, or a class
    with ``input_kind = "sequence"``), or when a user's module (not a
    built-in name) gets a 3-D array or a list of arrays, unless
    ``module_params["input_shape"]`` has three entries (an image).

    ``X`` may be

    - a 2-D array ``(n, T)``: univariate sequences of one length ``T``
      (``n_features_in_`` is then ``T`` and predict needs the same ``T``);
    - a 3-D array ``(n, C, T)``, channels first (``n_features_in_`` is
      ``C``). The ``(n, T, C)`` layout of tslearn and Keras must be
      transposed first, ``X.transpose(0, 2, 1)``;
    - a list of ``(C, T_i)`` arrays, or of 1-D ``(T_i,)`` arrays for one
      channel, of any lengths.

    Rows shorter than the longest are padded at the end with NaN (a step is
    padding when all its channels are NaN and no valid step follows); a
    NaN inside a row is a missing value. A row without any value is an
    error.

    Float sequences are standardised channel by channel with the mean and
    standard deviation of the training rows' valid steps (weighted by
    ``sample_weight``; NaN ignored), with ``preprocessing="auto"`` (the
    default) or ``"standard"``; ``preprocessing=None`` passes them as they
    are. The statistics come from the training rows only and are reused at
    predict. Token sequences (``module_params={"vocab_size": V}``, or a
    module callable with a ``vocab_size`` attribute, such as a fine-tuning
    backbone of a token model) are never
    scaled: they must hold integer ids in ``[0, V)``, NaN for padding.

    Sequences of another length than in fit are accepted at predict by the
    modules with ``accepts_any_length = True`` (all built-in sequence
    modules); for other modules, shorter rows are padded to the training
    length and longer ones are an error.

    Parameters
    ----------
    standardize : bool
        Standardise float sequences per channel.
    channel_statistics : tuple of 2 (ndarray or None), default=None
        ``(channel_mean_, channel_scale_)`` to use instead of statistics of
        the training data (those of a pretrained network, see
        :func:`~skneural.data._input_layer.pretrained_channel_statistics`);
        ``(None, None)`` standardises nothing.
    vocab_size : int or None
        Read ``X`` as token ids in ``[0, vocab_size)``.
    any_length : bool
        The module takes sequences of any length.
    **common
        See :class:`InputLayer`.

    Attributes
    ----------
    channel_mean_, channel_scale_ : ndarray of shape (n_channels,) or None
        The per-channel standardisation (``None`` without it).
    two_dimensional_ : bool
        Whether fit got a 2-D array ``(n, T)``, which predict must match.
    """

    kind = "sequence"
    priority = 30
    x_validation = None
    layout = ("sample", "channel", "time")

    def __init__(
        self, *, standardize: bool, vocab_size, any_length: bool, channel_statistics=None, **common
    ):
        super().__init__(**common)
        self.standardize = standardize
        self.vocab_size = vocab_size
        self.any_length = any_length
        self.channel_statistics = channel_statistics

    @classmethod
    def accepts(cls, params: dict, X) -> bool:
        module = params.get("module")
        if module_input_kind(module) == "sequence":
            return True
        if isinstance(module, str) or _declares_image(params, X):
            return False  # built-in tabular or image modules have their own cases
        return getattr(X, "ndim", None) == 3 or is_list_of_arrays(X)

    @classmethod
    def from_params(cls, params: dict, X, *, owner: str, random_state: int):
        preprocessing = params.get("preprocessing")
        if preprocessing is not None and not isinstance(preprocessing, str):
            raise TypeError(
                f"{owner} reads X as sequences here (module={params.get('module')!r}), "
                "whose preprocessing is 'auto' or 'standard' (per-channel "
                "standardisation) or None (none); got the transformer "
                f"{type(preprocessing).__name__}. Transform the sequences before the "
                "estimator instead."
            )
        module = params.get("module")
        factory = BUILTIN_MODULES.get(module) if isinstance(module, str) else module
        return cls(
            standardize=preprocessing is not None,
            vocab_size=(params.get("module_params") or {}).get(
                "vocab_size", getattr(factory, "vocab_size", None)
            ),
            any_length=bool(getattr(factory, "accepts_any_length", False)),
            channel_statistics=pretrained_channel_statistics(params),
            **_common_arguments(params, X, owner),
        )

    # ------------------------------------------------------------- checks
    def features_view(self, X):
        """A list of 1-D sequences counts one channel, like its tensor."""
        if is_list_of_arrays(X) and X[0].ndim == 1:
            return [x[None] for x in X]
        return X

    def check_input(self, X, *, fitting: bool) -> None:
        if sp.issparse(X):
            raise TypeError(
                f"{self.owner} reads X as sequences {SEQUENCE_LAYOUT}, which must be dense; "
                "got a sparse matrix: pass X.toarray()."
            )
        if _ndim(X) == 1:  # scikit-learn's error, which tells how to reshape
            check_array(X, ensure_all_finite=False, dtype=None, input_name="X")
        if fitting:
            return
        if is_list_of_arrays(X):
            if self.two_dimensional_:
                raise ValueError(
                    f"{self.owner} was fitted on a 2-D X, univariate sequences (n_samples, "
                    f"n_timesteps) of {self.input_shape_[1]} steps; got a list of sequences: "
                    "pass np.stack(X) when they all have that length, or fit on a list or "
                    f"a 3-D array {SEQUENCE_LAYOUT} to predict on sequences of any length."
                )
            first = X[0]
            self._check_channels(1 if first.ndim == 1 else first.shape[0], first.shape)
            return
        ndim = _ndim(X)
        if self.two_dimensional_ and ndim == 3:
            raise ValueError(
                f"{self.owner} was fitted on a 2-D X, univariate sequences (n_samples, "
                f"n_timesteps); got a 3-D array of shape {np.asarray(X).shape}: pass "
                "X.reshape(len(X), -1) for one channel, or refit on 3-D sequences."
            )
        if not self.two_dimensional_ and ndim == 2:
            raise ValueError(
                f"{self.owner} was fitted on sequences {SEQUENCE_LAYOUT} with "
                f"{self.input_shape_[0]} channel(s); got a 2-D array of shape {np.asarray(X).shape}"
                + (": pass X[:, None, :] for one channel." if self.input_shape_[0] == 1 else ".")
            )
        shape = np.asarray(X).shape if ndim in (2, 3) else None
        if ndim == 3:
            self._check_channels(shape[1], shape)
        elif ndim == 2 and self.any_length and shape[1] != self.input_shape_[1]:
            # The first sentence is scikit-learn's, which its checks look for.
            raise ValueError(
                f"X has {shape[1]} features, but {self.owner} is expecting "
                f"{self.input_shape_[1]} features as input. A 2-D X holds univariate "
                "sequences of the length seen in fit; to predict on other lengths, fit "
                f"and predict on 3-D arrays {SEQUENCE_LAYOUT} or lists of arrays."
            )

    def _check_channels(self, n_channels: int, shape) -> None:
        expected = self.input_shape_[0]
        if n_channels == expected:
            return
        hint = ""
        if len(shape) == 3 and shape[2] == expected:
            hint = (
                " It looks like (n_samples, n_timesteps, n_channels), the layout of "
                "tslearn and Keras: pass X.transpose(0, 2, 1)."
            )
        raise ValueError(
            f"X has sequences of {n_channels} channel(s), but {self.owner} was fitted on "
            f"{expected} channel(s); sequences are {SEQUENCE_LAYOUT}.{hint}"
        )

    # ------------------------------------------------------------ tensors
    def fit_transform(self, X, y=None, sample_weight=None) -> np.ndarray:
        self.two_dimensional_ = not is_list_of_arrays(X) and _ndim(X) == 2
        values = self._padded(X)
        self.input_shape_ = values.shape[1:]
        self.code_columns_ = {}
        self.preprocessor_ = None
        pretrained = matching_channel_statistics(self.channel_statistics, values.shape[1])
        if self.vocab_size is None and pretrained is not None:
            self.channel_mean_, self.channel_scale_ = pretrained
        elif self.vocab_size is None and self.standardize:
            self.channel_mean_, self.channel_scale_ = _channel_statistics(values, sample_weight)
        else:
            self.channel_mean_ = self.channel_scale_ = None
        return self._finish(values)

    def transform(self, X) -> np.ndarray:
        values = self._padded(X)
        n_channels, length = values.shape[1:]
        self._check_channels(n_channels, values.shape)
        train_length = self.input_shape_[1]
        if not self.any_length and length != train_length:
            if length > train_length:
                raise ValueError(
                    f"X has sequences of {length} steps, but {self.owner}'s module was "
                    f"trained on {train_length} steps and does not declare "
                    "accepts_any_length = True: crop them to the training length, or use a "
                    f"sequence module that takes any length ({_CHOOSE_SEQUENCE_MODULE})."
                )
            values = _pad(values, train_length)
        return self._finish(values)

    @property
    def module_kwargs(self) -> dict:
        """``n_features_in`` is the number of channels, ``input_shape`` ``(C, T)``."""
        return {
            "n_features_in": int(self.input_shape_[0]),
            "input_shape": tuple(self.input_shape_),
            "categorical_cardinalities": None,
        }

    def affine_steps(self) -> list:
        """The element-wise steps :meth:`transform` applies to the values, in order.

        For code that rebuilds the transform elsewhere (the ONNX export):
        :meth:`transform` casts a NaN-padded ``(n, C, T)`` array (``(n, 1,
        T)`` for a 2-D ``X``) to float32 and applies these steps.

        Returns
        -------
        list of (str, ndarray)
            ``(operation, operand)`` pairs, ``operation`` ``"subtract"`` or
            ``"divide"`` and ``operand`` a float32 array of shape ``(C, 1)``:
            the channel standardisation (empty without it).
        """
        if self.channel_mean_ is None:
            return []
        return [
            ("subtract", self.channel_mean_[:, None].astype(np.float32)),
            ("divide", self.channel_scale_[:, None].astype(np.float32)),
        ]

    def _padded(self, X) -> np.ndarray:
        """``X`` as a float array ``(n, C, T)``, NaN-padded, with every check
        that needs the values."""
        if is_list_of_arrays(X):
            values = self._stack(X)
        else:
            values = self._array(X)
        if 0 in values.shape[1:]:
            raise ValueError(
                f"{self.owner} needs sequences of at least one channel and one step; got "
                f"shape {values.shape}."
            )
        empty = np.isnan(values).all(axis=(1, 2))
        if empty.any():
            rows = np.flatnonzero(empty)
            raise ValueError(
                f"X has {len(rows)} sequence(s) without any value (all NaN), e.g. row "
                f"{rows[0]}; every sequence needs at least one non-NaN step: drop those rows."
            )
        if self.vocab_size is not None:
            self._check_token_ids(values)
        elif values.dtype == np.float64:
            _check_float32_range(values, self.owner)
        return values

    def _array(self, X) -> np.ndarray:
        integer = self.vocab_size is not None and np.asarray(X).dtype.kind in "iu"
        values = check_array(
            X,
            allow_nd=True,
            dtype=None if integer else (np.float64, np.float32),
            ensure_all_finite="allow-nan",
            input_name="X",
            estimator=self.owner,
        )
        if values.ndim > 3:
            raise ValueError(
                f"{self.owner} reads X as sequences, (n_samples, n_timesteps) or "
                f"{SEQUENCE_LAYOUT}; got {values.ndim} dimensions (shape {values.shape}). "
                "Images go to module='cnn' or 'resnet_cnn'."
            )
        # Integer token ids stay integers until the checks are done: float32
        # could round large ones.
        return values[:, None, :] if values.ndim == 2 else values

    def _stack(self, X) -> np.ndarray:
        rows = []
        for i, row in enumerate(X):
            row = check_array(
                row,
                ensure_2d=False,
                dtype=(np.float64, np.float32),
                ensure_all_finite="allow-nan",
                ensure_min_samples=0,
                input_name=f"X[{i}]",
            )
            if row.ndim not in (1, 2) or (rows and row.ndim != np.ndim(X[0])):
                raise ValueError(
                    "A list X holds one sequence per entry, all (n_channels, n_timesteps) "
                    f"arrays or all 1-D (n_timesteps,) arrays; X[0] has shape "
                    f"{np.shape(X[0])} and X[{i}] shape {row.shape}."
                )
            row = row[None] if row.ndim == 1 else row
            if rows and row.shape[0] != rows[0].shape[0]:
                raise ValueError(
                    "The sequences of X must have the same number of channels; X[0] has "
                    f"{rows[0].shape[0]} and X[{i}] {row.shape[0]}."
                )
            rows.append(row)
        values = np.full((len(rows), rows[0].shape[0], max(r.shape[1] for r in rows)), np.nan)
        for i, row in enumerate(rows):
            values[i, :, : row.shape[1]] = row
        return values

    def _check_token_ids(self, values: np.ndarray) -> None:
        ids = values[~np.isnan(values)] if values.dtype.kind == "f" else values.ravel()
        bad = ids[(ids < 0) | (ids >= self.vocab_size) | (ids != np.floor(ids))]
        if bad.size:
            raise ValueError(
                f"Token sequences must hold integer ids in [0, {self.vocab_size}) "
                f"(module_params['vocab_size']={self.vocab_size}), NaN for padding; X holds "
                f"{np.unique(bad)[:5].tolist()}. Raise vocab_size, or map rare and unknown "
                "tokens to a reserved id."
            )

    def _finish(self, values: np.ndarray) -> np.ndarray:
        """Scale (when fitted to) and return a C-contiguous float32 tensor."""
        tensor = np.array(values, dtype=np.float32, order="C")
        if self.channel_mean_ is not None:
            tensor -= self.channel_mean_[None, :, None].astype(np.float32)
            tensor /= self.channel_scale_[None, :, None].astype(np.float32)
        return tensor


def _check_float32_range(values: np.ndarray, owner: str) -> None:
    """Refuse finite values that float32, the networks' dtype, turns into infinity."""
    too_large = np.abs(values) > np.finfo(np.float32).max
    if too_large.any():
        row, channel, step = np.argwhere(too_large)[0]
        raise ValueError(
            f"X contains a value too large for float32 ({float(values[row, channel, step]):g} in "
            f"row {row}, channel {channel}, step {step}); {owner} computes in float32: "
            "rescale the sequences first."
        )


def _ndim(X):
    """Number of dimensions of an array-like, ``None`` when it is not one."""
    if hasattr(X, "ndim"):
        return X.ndim
    try:
        return np.asarray(X).ndim
    except ValueError:  # ragged nested lists
        return None


def _pad(values: np.ndarray, length: int) -> np.ndarray:
    """``values`` ``(n, C, T)`` padded at the end with NaN to ``length`` steps."""
    padded = np.full((*values.shape[:2], length), np.nan, dtype=values.dtype)
    padded[..., : values.shape[2]] = values
    return padded


def _channel_statistics(values: np.ndarray, sample_weight) -> tuple:
    """Weighted mean and standard deviation of each channel over the non-NaN
    values of ``values`` ``(n, C, T)``; a constant channel gets scale 1."""
    weights = np.ones(len(values)) if sample_weight is None else np.asarray(sample_weight, float)
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0).astype(np.float64)
    counts = np.einsum("n,nct->c", weights, present.astype(np.float64))
    if (counts == 0).any():
        channel = int(np.flatnonzero(counts == 0)[0])
        raise ValueError(
            f"Channel {channel} of X has no value in the training rows (all NaN, or only "
            "in rows of weight 0); it cannot be standardised: drop it."
        )
    mean = np.einsum("n,nct->c", weights, filled) / counts
    centred = np.where(present, filled - mean[None, :, None], 0.0)
    variance = np.einsum("n,nct->c", weights, centred**2) / counts
    scale = np.sqrt(variance)
    scale[scale < 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1)] = 1.0
    return mean, scale
