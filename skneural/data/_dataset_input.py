"""The dataset case: samples read from a torch ``Dataset``, batch by batch.

For data that does not fit in memory: ``X`` is a
:class:`torch.utils.data.Dataset` whose items are single samples, or a
wrapper that holds one in its ``dataset`` attribute, such as
``skorch.helper.SliceDataset`` (which scikit-learn can index, so the
estimator also works in ``cross_val_score`` and ``GridSearchCV``). The
estimator never holds the data: a :class:`DatasetRows` stands in for the
network tensor, and training, validation and predict read the rows they need
through a :class:`torch.utils.data.DataLoader` with ``num_workers``
processes, which read the next batches while the network trains on the
current one.
"""

import sys
from collections.abc import Iterator, Sequence

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from ._image_input import IMAGE_MODULES
from ._input_layer import InputLayer, _common_arguments
from ._sequence_input import module_input_kind

#: Rows a worker reads as one batch at validation and predict.
READ_ROWS = 256
#: Predict blocks hold about this many values (16 MB of float32).
_BLOCK_VALUES = 2**22
_LAYOUTS = {
    1: ("sample", "feature"),
    2: ("sample", "channel", "time"),
    3: ("sample", "channel", "height", "width"),
}


def is_dataset(X) -> bool:
    """Whether ``X`` is a torch ``Dataset`` or wraps one in ``X.dataset``."""
    return isinstance(X, Dataset) or isinstance(getattr(X, "dataset", None), Dataset)


def _expected_rank(module) -> int | None:
    """The rank of one sample a built-in module takes (``None``: any)."""
    if isinstance(module, str) and module in IMAGE_MODULES:
        return 3
    if module_input_kind(module) == "sequence":
        return 2
    return 1 if isinstance(module, str) else None


class DatasetInput(InputLayer):
    """Samples of a torch ``Dataset`` as float32 batches, read on demand.

    Each item of the dataset is one sample: a numpy array or a tensor of
    the same shape for every item - ``(n_features,)`` for the tabular
    modules, ``(n_channels, n_timesteps)`` for the sequence modules,
    ``(C, H, W)`` or ``(H, W)`` (one channel) for the image modules, any
    shape for a user's module. ``uint8`` samples are read as ``value /
    255``, others as float32; the values reach the network as they are
    (normalise them in the dataset: ``preprocessing`` must be ``"auto"`` or
    ``None``). Items that are tuples such as ``(x, y)`` are refused: wrap the
    dataset as ``SliceDataset(dataset, idx=0)`` and pass the targets as ``y``.

    At predict, the samples must have the training shape and kind of
    values (``uint8`` or not).

    Parameters
    ----------
    module : str or callable
        The estimator's ``module`` (decides the sample shapes it takes).
    preprocessing : object
        The estimator's ``preprocessing`` (checked).
    num_workers : int
        Worker processes of the ``DataLoader`` (0: read in the main process).
    **common
        See :class:`InputLayer`.

    Attributes
    ----------
    sample_shape_ : tuple of int
        Shape of one item of the training dataset.
    uint8_pixels_ : bool
        Whether the training items were ``uint8`` (read as ``value / 255``).
    """

    kind = "dataset"
    priority = 100
    x_validation = None

    def __init__(self, *, module, preprocessing, num_workers: int, **common):
        super().__init__(**common)
        self.module = module
        self.preprocessing = preprocessing
        self.num_workers = num_workers

    @classmethod
    def accepts(cls, params: dict, X) -> bool:
        return is_dataset(X)

    @classmethod
    def from_params(cls, params: dict, X, *, owner: str, random_state: int):
        return cls(
            module=params.get("module"),
            preprocessing=params.get("preprocessing"),
            num_workers=params.get("num_workers", 0),
            **_common_arguments(params, X, owner),
        )

    # ------------------------------------------------------------- checks
    def check_input(self, X, *, fitting: bool) -> None:
        if not is_dataset(X):
            raise TypeError(
                f"{self.owner} was fitted on a torch Dataset, so predict needs one too "
                f"(e.g. wrapped in skorch's SliceDataset); got {type(X).__name__}."
            )
        if len(X) == 0:
            raise ValueError(f"{self.owner} got an empty dataset: X has 0 samples.")
        if fitting and self.preprocessing not in ("auto", None):
            raise ValueError(
                f"{self.owner} reads a torch Dataset as it is, so preprocessing must be "
                f"'auto' or None, got {self.preprocessing!r}: normalise the samples in the "
                "dataset's __getitem__ instead."
            )
        sample = _as_tensor(X[0], self.owner)
        if fitting:
            self._check_rank(sample)
        else:
            self._check_like_training(sample)

    def _check_rank(self, sample: torch.Tensor) -> None:
        rank = _expected_rank(self.module)
        shape = tuple(sample.shape)
        if rank == 3 and len(shape) == 2:
            return  # one-channel images (H, W)
        if rank is not None and len(shape) != rank:
            wanted = {1: "(n_features,)", 2: "(n_channels, n_timesteps)", 3: "(C, H, W) or (H, W)"}
            raise ValueError(
                f"module={self.module!r} takes samples of shape {wanted[rank]}, but the "
                f"dataset's items have shape {shape}."
            )

    def _check_like_training(self, sample: torch.Tensor) -> None:
        if tuple(sample.shape) != self.sample_shape_:
            raise ValueError(
                f"The dataset's items have shape {tuple(sample.shape)}, but {self.owner} was "
                f"fitted on items of shape {self.sample_shape_}."
            )
        if (sample.dtype == torch.uint8) != self.uint8_pixels_:
            raise ValueError(
                f"The dataset's items are {sample.dtype}, but {self.owner} was fitted on "
                f"{'uint8' if self.uint8_pixels_ else 'non-uint8'} items; the network would "
                "see them on another scale."
            )

    def features_view(self, X):
        """A one-row stand-in with the number of features of one sample."""
        return np.zeros((1, int(np.prod(_as_tensor(X[0], self.owner).shape))), np.float32)

    # ------------------------------------------------------------ tensors
    def fit_transform(self, X, y=None, sample_weight=None) -> "DatasetRows":
        sample = _as_tensor(X[0], self.owner)
        self.sample_shape_ = tuple(sample.shape)
        self.uint8_pixels_ = sample.dtype == torch.uint8
        one_channel = _expected_rank(self.module) == 3 and sample.ndim == 2
        self.input_shape_ = (1, *self.sample_shape_) if one_channel else self.sample_shape_
        self.layout = _LAYOUTS.get(len(self.input_shape_), ("sample",) * (1 + sample.ndim))
        self.code_columns_ = {}
        self.preprocessor_ = None
        return self.transform(X)

    def transform(self, X) -> "DatasetRows":
        return DatasetRows(X, _SampleReader(self), self.num_workers)

    def transform_in_chunks(self, X) -> Iterator[np.ndarray]:
        """The samples in blocks of about 16 MB, read by the workers."""
        rows = self.transform(X)
        block_rows = max(READ_ROWS, _BLOCK_VALUES // int(np.prod(self.input_shape_)))
        spans = [slice(start, start + block_rows) for start in range(0, len(rows), block_rows)]
        for block in rows.iter_rows(spans):
            yield block.numpy()

    @property
    def module_kwargs(self) -> dict:
        kwargs = super().module_kwargs
        if len(self.input_shape_) > 1:  # channels, as the image and sequence modules take
            kwargs["n_features_in"] = self.input_shape_[0]
        return kwargs


class _SampleReader:
    """Turns the items of one batch into the network's float32 tensor.

    Runs in the ``DataLoader`` workers, so it holds plain values only.
    """

    def __init__(self, layer: DatasetInput):
        self.owner = layer.owner
        self.sample_shape = layer.sample_shape_
        self.input_shape = layer.input_shape_
        self.uint8 = layer.uint8_pixels_

    def __call__(self, items: list) -> torch.Tensor:
        batch = []
        for item in items:
            sample = _as_tensor(item, self.owner)
            if tuple(sample.shape) != self.sample_shape or (
                (sample.dtype == torch.uint8) != self.uint8
            ):
                raise ValueError(
                    f"The dataset's items must all be like the first one ({self.sample_shape}, "
                    f"{'uint8' if self.uint8 else 'not uint8'}); one has shape "
                    f"{tuple(sample.shape)} and dtype {sample.dtype}."
                )
            batch.append(sample)
        tensor = torch.stack(batch).to(torch.float32)
        if self.uint8:
            tensor /= 255
        if not torch.isfinite(tensor).all():
            raise ValueError(
                f"The dataset holds samples with NaN or infinite values; {self.owner} needs "
                "finite values: fill or drop them in the dataset."
            )
        return tensor.reshape(len(batch), *self.input_shape)


class DatasetRows:
    """The rows of a torch dataset as the network reads them, on demand.

    What :class:`DatasetInput` gives the estimator in place of the network
    tensor: indexing reads the rows in this process (for a few rows), and
    :meth:`iter_rows` reads a sequence of batches through a ``DataLoader``
    whose workers read ahead (for training, validation and predict).

    Parameters
    ----------
    dataset : Dataset or SliceDataset
    reader : callable
        Stacks the items of a batch into a float32 tensor.
    num_workers : int
    device : torch.device, default=None
        Where :meth:`iter_rows` puts the batches (the CPU by default).
    """

    def __init__(self, dataset, reader, num_workers: int, device=None):
        self.dataset = dataset
        self.reader = reader
        self.num_workers = num_workers
        self.device = torch.device("cpu") if device is None else device

    @property
    def shape(self) -> tuple:
        return (len(self.dataset), *self.reader.input_shape)

    def __len__(self) -> int:
        return len(self.dataset)

    def to(self, device) -> "DatasetRows":
        """These rows, with :meth:`iter_rows` putting the batches on ``device``."""
        return DatasetRows(self.dataset, self.reader, self.num_workers, torch.device(device))

    def __getitem__(self, positions) -> np.ndarray:
        """The rows at ``positions`` (a slice, an integer array or an index
        tensor), read in this process, as a float32 array."""
        return self.reader(
            [self.dataset[int(i)] for i in _row_numbers(positions, len(self))]
        ).numpy()

    def iter_rows(self, batches: Sequence) -> Iterator[torch.Tensor]:
        """The rows of each entry of ``batches`` (slices or index tensors), in
        order, on the device; read by ``num_workers`` processes, larger
        entries in reads of :data:`READ_ROWS` rows joined again."""
        reads, pieces = [], []
        for positions in batches:
            numbers = _row_numbers(positions, len(self))
            parts = [numbers[s : s + READ_ROWS] for s in range(0, len(numbers), READ_ROWS)]
            reads += parts
            pieces.append(len(parts))
        loader = DataLoader(
            self.dataset,
            batch_sampler=reads,
            num_workers=self.num_workers,
            collate_fn=self.reader,
            pin_memory=self.device.type == "cuda",
            # The loader draws its workers' seed from this generator rather
            # than from torch's global one, which drives dropout.
            generator=torch.Generator().manual_seed(0),
            multiprocessing_context=_worker_start_method() if self.num_workers else None,
        )
        parts = iter(loader)
        for count in pieces:
            read = [next(parts) for _ in range(count)]
            batch = read[0] if count == 1 else torch.cat(read)
            yield batch.to(self.device, non_blocking=True)


def _worker_start_method() -> str | None:
    """How the loader starts its workers: forked on Linux (fast, and right
    also inside joblib's loky workers, which change the default start method
    of their process to one the loader cannot use); elsewhere the default."""
    return "fork" if sys.platform.startswith("linux") else None


def _row_numbers(positions, n_rows: int) -> list:
    """``positions`` (a slice, an array or a tensor of indices) as a list of ints."""
    if isinstance(positions, slice):
        return list(range(n_rows)[positions])
    if isinstance(positions, torch.Tensor):
        return positions.cpu().tolist()
    return np.asarray(positions).tolist()


def _as_tensor(item, owner: str) -> torch.Tensor:
    """One item of the dataset as a numeric tensor (no copy when it is one)."""
    if isinstance(item, tuple):
        raise ValueError(
            f"The dataset's items are tuples of {len(item)} values (such as (x, y)), but "
            f"{owner} reads one sample per item: wrap it as "
            "skorch.helper.SliceDataset(dataset, idx=0) and pass y separately."
        )
    try:
        tensor = torch.as_tensor(item)
    except (TypeError, ValueError, RuntimeError) as error:
        raise ValueError(
            f"{owner} could not read an item of the dataset as a numeric array "
            f"({type(item).__name__}): {error}"
        ) from None
    if tensor.dtype == torch.bool or tensor.is_complex() or tensor.ndim == 0:
        raise ValueError(
            f"The dataset's items must be real numeric arrays of one sample each, got "
            f"{tensor.dtype} of shape {tuple(tensor.shape)}."
        )
    return tensor
