"""The image case: pixel arrays to ``(n, C, H, W)`` float32 batches.

A fit takes this case when its module is an image module (``"cnn"``,
``"resnet_cnn"``, or a callable with ``input_kind = "image"``), when
``module_params`` holds a 3-entry ``input_shape`` ``(C, H, W)``, or when
``X`` is 4-D. A 3-D ``X`` for a user's own module is a time series
``(n, C, T)`` (the sequence case), so a grayscale image batch for a user's
module is passed as ``(n, 1, H, W)``.
"""

from collections.abc import Sequence
from numbers import Integral

import numpy as np
import scipy.sparse as sp

from ._input_layer import (
    InputLayer,
    _common_arguments,
    matching_channel_statistics,
    pretrained_channel_statistics,
)

#: Built-in module names that take image batches.
IMAGE_MODULES = ("cnn", "resnet_cnn")
LAYOUTS = (
    "images of shape (n_samples, height, width) or (n_samples, channels, height, width), "
    "or flattened pixels of shape (n_samples, channels * height * width) with "
    "module_params={'input_shape': (channels, height, width)}"
)
#: Pixels are converted in row blocks of about this many values (16 MB of float32).
_BLOCK_VALUES = 2**22


def _declared_shape(params: dict):
    """``module_params["input_shape"]`` when it has 3 entries, else ``None``."""
    shape = (params.get("module_params") or {}).get("input_shape")
    if isinstance(shape, np.ndarray) and shape.ndim == 1:
        shape = shape.tolist()
    if isinstance(shape, Sequence) and not isinstance(shape, str) and len(shape) == 3:
        return tuple(shape)
    return None


def _raise_for_ragged_images(X, owner: str) -> None:
    """Name the first image of a list whose shape differs from the first one's."""
    first = np.shape(X[0])
    for i, image in enumerate(X):
        try:
            shape = np.shape(image)
        except ValueError:  # an image that is itself a ragged nested list
            shape = None
        if shape != first:
            raise ValueError(
                f"X is a list of images of different shapes: X[0] has shape {first} and "
                f"X[{i}] {'a ragged one' if shape is None else shape}. {owner} trains and "
                "predicts on images of one size and channels: resize or crop them first."
            )


def _shape(X):
    """The shape of an array, sparse matrix, DataFrame or nested list (else ``None``)."""
    if hasattr(X, "shape"):
        return tuple(X.shape)
    if isinstance(X, list | tuple):
        try:
            return np.shape(X)
        except ValueError:  # ragged nested lists
            return None
    return None


class ImageInput(InputLayer):
    """Images as float32 ``(n, C, H, W)`` batches, channels first (torch's layout).

    ``X`` may be ``(n, H, W)`` (one channel), ``(n, C, H, W)``, or 2-D
    flattened pixels (row-major, as ``X.reshape(n, -1)`` gives, and as a
    scikit-learn ``Pipeline`` passes them) with ``module_params={"input_shape":
    (C, H, W)}``, where one entry may be -1 (inferred from the number of
    columns, as in ``numpy.reshape``). ``uint8`` pixels are read as
    ``value / 255`` (in [0, 1]); other numeric pixels as they are. With
    ``preprocessing="standard"`` each channel is then standardised by its
    mean and standard deviation over the training pixels (sample-weighted);
    ``"auto"`` and ``None`` leave the values as read, so that 0 stays the
    background a shift or a cutout of :class:`~skneural.augmentation.ImageAugment`
    fills in. A scikit-learn transformer as ``preprocessing`` is refused:
    put it in a ``Pipeline`` before the estimator, on flattened pixels.

    At predict, ``X`` must have the layout, the image shape and the kind of
    pixels (``uint8`` or not) of the training ``X``.

    Parameters
    ----------
    module : str or callable
        The estimator's ``module`` (named in error messages; a built-in
        module that does not take images is refused).
    declared_shape : tuple of 3 int or None
        ``module_params["input_shape"]``.
    standardize : bool
        Standardise each channel.
    channel_statistics : tuple of 2 (ndarray or None), default=None
        ``(channel_mean_, channel_scale_)`` to use instead of statistics of
        the training data (those of a pretrained network, see
        :func:`~skneural.data._input_layer.pretrained_channel_statistics`);
        ``(None, None)`` standardises nothing.
    **common
        See :class:`InputLayer`.

    Attributes
    ----------
    channel_mean_, channel_scale_ : ndarray of shape (C,) or None
        The channel statistics (``None`` without standardisation).
    uint8_pixels_ : bool
        Whether the training pixels were ``uint8`` (read as ``value / 255``).
    """

    kind = "image"
    priority = 30
    x_validation = {"allow_nd": True, "dtype": "numeric", "ensure_all_finite": False}
    layout = ("sample", "channel", "height", "width")
    #: ``module_params`` entries this case reads itself; the network gets
    #: the resolved ``input_shape`` through :attr:`module_kwargs` instead.
    consumed_module_params = ("input_shape",)

    def __init__(
        self,
        *,
        module,
        declared_shape,
        standardize: bool,
        preprocessing,
        channel_statistics=None,
        **common,
    ):
        super().__init__(**common)
        self.module = module
        self.declared_shape = declared_shape
        self.standardize = standardize
        self.preprocessing = preprocessing
        self.channel_statistics = channel_statistics

    @classmethod
    def accepts(cls, params: dict, X) -> bool:
        module = params.get("module")
        shape = _shape(X)
        return (
            (isinstance(module, str) and module in IMAGE_MODULES)
            or getattr(module, "input_kind", None) == "image"
            or _declared_shape(params) is not None
            or (shape is not None and len(shape) == 4)
        )

    @classmethod
    def from_params(cls, params: dict, X, *, owner: str, random_state: int):
        preprocessing = params.get("preprocessing")
        return cls(
            module=params.get("module"),
            declared_shape=_declared_shape(params),
            standardize=preprocessing == "standard",
            preprocessing=preprocessing,
            channel_statistics=pretrained_channel_statistics(params),
            **_common_arguments(params, X, owner),
        )

    # ------------------------------------------------------------- checks
    def check_input(self, X, *, fitting: bool) -> None:
        if fitting:
            self._check_settings()
        if sp.issparse(X):
            raise TypeError(
                f"{self.owner} takes images as dense arrays, got a sparse matrix; "
                "convert it with X.toarray()."
            )
        shape = _shape(X)
        if shape is None and isinstance(X, list | tuple):
            _raise_for_ragged_images(X, self.owner)
        if shape is not None:  # else validate_data explains what is wrong with X
            self._check_shape(shape, fitting=fitting)

    def _check_shape(self, shape, *, fitting: bool) -> None:
        """Raise unless ``X`` of this shape has a layout this case takes (in
        fit) or the training layout (after fit). Empty and 1-D inputs are
        left to scikit-learn's own messages."""
        if 0 in shape[:2]:
            return
        if fitting:
            self._check_training_shape(shape)
        elif len(shape) < 2:
            return
        elif len(shape) != len(self._fit_shape):
            raise ValueError(
                f"X has shape {shape}, but {self.owner} was fitted on "
                f"{self._describe(self._fit_shape)}; pass X in that layout."
            )
        elif len(shape) > 2 and shape[1:] != self._fit_shape[1:]:
            raise ValueError(
                f"X has shape {shape}, but {self.owner} was fitted on "
                f"{self._describe(self._fit_shape)}: other channels or another image size. "
                "Pass images of the training size and channels (resize or crop them "
                "first: the network was trained at that size only)."
            )

    def _check_settings(self) -> None:
        module = self.module
        if isinstance(module, str) and module not in IMAGE_MODULES:
            raise ValueError(
                f"module={module!r} does not take images; use module='cnn' or "
                "'resnet_cnn' (or your own torch.nn.Module) for them, or flatten the "
                "images with X.reshape(len(X), -1) for a tabular network."
            )
        if not (self.preprocessing is None or isinstance(self.preprocessing, str)):
            raise ValueError(
                f"{self.owner} takes images with preprocessing='auto', 'standard' or None; "
                f"a transformer ({type(self.preprocessing).__name__}) belongs in a Pipeline "
                "before the estimator, on flattened pixels with "
                "module_params={'input_shape': (C, H, W)}."
            )
        if self.declared_shape is not None:
            entries = self.declared_shape
            valid = all(
                isinstance(s, Integral) and not isinstance(s, bool) and (s >= 1 or s == -1)
                for s in entries
            )
            if not valid or list(entries).count(-1) > 1:
                raise ValueError(
                    "module_params['input_shape'] must be (channels, height, width): "
                    f"positive integers, one of them -1 at most; got {entries!r}."
                )

    def _check_training_shape(self, shape) -> None:
        rank = len(shape)
        if rank not in (2, 3, 4) or (rank == 2 and self.declared_shape is None):
            raise ValueError(f"{self.owner} needs {LAYOUTS}; got X of shape {shape}.")
        if self.declared_shape is None:
            return
        if rank == 2:
            self._resolved_shape(shape[1])
            return
        image = (1, *shape[1:]) if rank == 3 else shape[1:]
        if len(image) != 3 or any(
            d not in (-1, s) for d, s in zip(self.declared_shape, image, strict=True)
        ):
            raise ValueError(
                f"X holds images of shape (C, H, W) = {image}, but module_params"
                f"['input_shape'] is {self.declared_shape}; make them agree (input_shape "
                "is needed only for flattened 2-D pixels)."
            )

    def _resolved_shape(self, n_columns: int) -> tuple:
        """``declared_shape`` with its -1 resolved for ``n_columns`` pixels."""
        known = int(np.prod([s for s in self.declared_shape if s != -1]))
        if -1 in self.declared_shape and n_columns % known == 0 and n_columns >= known:
            return tuple(n_columns // known if s == -1 else s for s in self.declared_shape)
        if -1 not in self.declared_shape and known == n_columns:
            return self.declared_shape
        raise ValueError(
            f"X has {n_columns} columns, which cannot be reshaped to images of shape "
            f"module_params['input_shape']={self.declared_shape} "
            f"({'a multiple of ' if -1 in self.declared_shape else ''}{known} pixels per row)."
        )

    def _describe(self, shape) -> str:
        if len(shape) == 2:
            return f"flattened pixels with {shape[1]} columns (images {self.input_shape_})"
        axes = "(n_samples, height, width)" if len(shape) == 3 else "(n_samples, C, H, W)"
        return f"images of shape {axes} = (n_samples, {', '.join(map(str, shape[1:]))})"

    # ------------------------------------------------------------ tensors
    def fit_transform(self, X, y=None, sample_weight=None) -> np.ndarray:
        X = np.asarray(X)
        self._check_shape(X.shape, fitting=True)
        self._fit_shape = X.shape
        self.uint8_pixels_ = X.dtype == np.uint8
        if X.ndim == 2:
            self.input_shape_ = self._resolved_shape(X.shape[1])
        else:
            self.input_shape_ = (1, *X.shape[1:]) if X.ndim == 3 else X.shape[1:]
        self.input_shape_ = tuple(int(s) for s in self.input_shape_)
        self.code_columns_ = {}
        self.preprocessor_ = None
        self.channel_mean_ = self.channel_scale_ = None
        tensor = self._pixels(X)
        pretrained = matching_channel_statistics(self.channel_statistics, tensor.shape[1])
        if pretrained is not None:
            self.channel_mean_, self.channel_scale_ = pretrained
        elif self.standardize:
            self.channel_mean_, self.channel_scale_ = _channel_statistics(tensor, sample_weight)
        if self.channel_mean_ is not None:
            tensor -= self.channel_mean_[:, None, None]
            tensor /= self.channel_scale_[:, None, None]
        return tensor

    def transform(self, X) -> np.ndarray:
        blocks = list(self.transform_in_chunks(X))
        return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)

    def transform_in_chunks(self, X):
        X = np.asarray(X)
        self._check_shape(X.shape, fitting=False)
        if (X.dtype == np.uint8) != self.uint8_pixels_:
            fitted = (
                "uint8 pixels (read as value / 255)"
                if self.uint8_pixels_
                else (f"non-uint8 pixels (read as they are), not {X.dtype} ones")
            )
            raise ValueError(
                f"X has {X.dtype} pixels, but {self.owner} was fitted on {fitted}; pass "
                "pixels of the training dtype, or the model would see them on another scale."
            )
        rows = max(1, _BLOCK_VALUES // int(np.prod(self.input_shape_)))
        for start in range(0, max(len(X), 1), rows):
            block = self._pixels(X[start : start + rows])
            if self.standardize:
                block -= self.channel_mean_[:, None, None]
                block /= self.channel_scale_[:, None, None]
            yield block

    @property
    def module_kwargs(self) -> dict:
        """``n_features_in`` is the number of channels ``C`` (what the image
        modules take), ``input_shape`` the ``(C, H, W)`` of one image."""
        return {
            "n_features_in": self.input_shape_[0],
            "input_shape": tuple(self.input_shape_),
            "categorical_cardinalities": None,
        }

    def affine_steps(self) -> list:
        """The element-wise steps :meth:`transform` applies to the pixels, in order.

        For code that rebuilds the transform elsewhere (the ONNX export):
        :meth:`transform` casts ``X`` to float32, reshapes each row to
        :attr:`input_shape_` and applies these steps.

        Returns
        -------
        list of (str, ndarray)
            ``(operation, operand)`` pairs, ``operation`` ``"divide"`` or
            ``"subtract"`` and ``operand`` a float32 array that broadcasts
            against one image ``(C, H, W)``: the division by 255 of ``uint8``
            pixels, then the channel standardisation (empty when neither applies).
        """
        steps = [("divide", np.float32(255))] if self.uint8_pixels_ else []
        if self.standardize:
            steps += [
                ("subtract", self.channel_mean_[:, None, None]),
                ("divide", self.channel_scale_[:, None, None]),
            ]
        return steps

    def _pixels(self, X: np.ndarray) -> np.ndarray:
        """``X`` as a new, finite float32 ``(n, C, H, W)`` array."""
        with np.errstate(over="ignore", invalid="ignore"):
            tensor = np.array(X, dtype=np.float32, order="C", copy=True)
        if X.dtype == np.uint8:
            tensor /= 255
        if not np.isfinite(tensor).all():
            what = "NaN" if np.isnan(tensor).any() else "infinite or too large (for float32)"
            raise ValueError(
                f"X contains {what} pixels; {self.owner} needs finite pixel values: fill "
                "or drop the incomplete images first."
            )
        return tensor.reshape(len(tensor), *self.input_shape_)


def _channel_statistics(tensor: np.ndarray, sample_weight) -> tuple:
    """Weighted mean and standard deviation (1 where it is 0) of each channel."""
    per_image = tensor.astype(np.float64).mean(axis=(2, 3))
    per_image_sq = np.square(tensor, dtype=np.float64).mean(axis=(2, 3))
    weights = np.ones(len(tensor)) if sample_weight is None else sample_weight
    mean = np.average(per_image, axis=0, weights=weights)
    var = np.maximum(np.average(per_image_sq, axis=0, weights=weights) - mean**2, 0)
    scale = np.sqrt(var)
    scale[scale == 0] = 1
    return mean.astype(np.float32), scale.astype(np.float32)
