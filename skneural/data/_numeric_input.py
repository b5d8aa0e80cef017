"""The numeric case: numeric arrays, sparse matrices and all-numeric DataFrames."""

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import StandardScaler

from ..nn._feature_encoding import check_categorical_cardinalities
from ._input_layer import InputLayer, _common_arguments
from ._integer_codes import encode_codes, find_code_columns, finds_code_columns
from ._sequence_input import check_table_shape
from ._validation import (
    MISSING_HINT,
    PREPROCESSING_HINT,
    check_finite,
    check_numeric_array,
    check_numeric_columns,
    to_float32_dense,
)

#: ``X`` is converted, checked and standardised in row blocks of about this
#: many values (32 MB in float64), which bounds the memory these steps add.
BLOCK_VALUES = 2**22
#: Blocks are a multiple of this many rows (the CPU forward chunk).
_BLOCK_ROW_MULTIPLE = 1024


class NumericInput(InputLayer):
    """Numeric ``X`` as float32, standardised (``preprocessing="standard"`` or
    ``"auto"``) or as it is (``preprocessing=None``).

    The standardisation is weighted (a weight of k counts like k copies of a
    row); declared integer-code columns stay unscaled. It works block by
    block: the statistics are accumulated in float64 with
    :meth:`~sklearn.preprocessing.StandardScaler.partial_fit` (a single block
    gives exactly ``StandardScaler.fit``), and the float32 tensor is scaled
    in place, so ``fit_transform`` holds one float32 copy of ``X`` and
    :meth:`transform_in_chunks` one block. The user's array is never written.

    Bin edges given in ``module_params["bin_edges"]`` are in the units of
    ``X``: the layer scales them like the columns before the module gets them.

    Under ``numeric_encoding="auto"`` on a large table, columns of integers
    that the target shows to be codes (ids), not quantities, become
    integer-code columns for embeddings: code ``k + 1`` for the ``k``-th of
    their values seen in fit, 0 for a value not seen
    (:func:`~skneural.data._integer_codes.find_code_columns` says how they
    are found).

    Parameters
    ----------
    standardize : bool
        Standardise the columns (``preprocessor_`` is then a fitted
        :class:`~sklearn.preprocessing.StandardScaler`).
    bin_edges : sequence of array-like, default=None
        The user's bin edges of piecewise-linear embeddings, one entry per
        column, in the units of ``X``; :meth:`rewritten_module_params` gives
        them to the module in the units of its input.
    find_codes : bool, default=False
        Look for columns of integer codes in :meth:`fit_transform`.
    **common
        See :class:`InputLayer`.

    Attributes
    ----------
    code_values_ : dict of int to ndarray
        The columns found to hold codes, to their values seen in fit (in
        increasing order; value ``k`` of them is code ``k + 1``).
    """

    kind = "numeric"
    priority = 0
    x_validation = {
        "accept_sparse": ("csr", "csc", "coo"),
        "dtype": (np.float32, np.float64),
        "ensure_all_finite": False,
    }
    consumed_module_params = ("bin_edges",)
    bin_edges = None  # for layers pickled before user edges were scaled here
    code_values_ = None  # for layers pickled before code columns were found

    def __init__(self, *, standardize: bool, bin_edges=None, find_codes=False, **common):
        super().__init__(**common)
        self.standardize = standardize
        self.bin_edges = bin_edges
        self.find_codes = find_codes
        self._fitted = False  # error messages advise differently after fit

    @classmethod
    def accepts(cls, params: dict, X) -> bool:
        preprocessing = params.get("preprocessing")
        return preprocessing is None or isinstance(preprocessing, str)

    @classmethod
    def from_params(cls, params: dict, X, *, owner: str, random_state: int):
        return cls(
            standardize=params.get("preprocessing") is not None,
            bin_edges=(params.get("module_params") or {}).get("bin_edges"),
            find_codes=finds_code_columns(params, X, cls.kind),
            **_common_arguments(params, X, owner),
        )

    def check_input(self, X, *, fitting: bool) -> None:
        # After fit, advice to change the preprocessing would not help: the
        # fitted model prepares columns as they were in fit.
        check_table_shape(X, self.owner)
        hint = PREPROCESSING_HINT if fitting else self._refit_hint("encode")
        check_numeric_columns(X, self.owner, hint)
        check_numeric_array(X, self.owner, hint)

    def fit_transform(self, X, y=None, sample_weight=None) -> np.ndarray:
        X = _row_sliceable(X)
        n_rows, n_columns = X.shape
        self.input_shape_ = (n_columns,)
        self.code_columns_ = check_categorical_cardinalities(self.declared_codes, n_columns)
        self.code_values_ = {}
        if self.find_codes and not sp.issparse(X):
            self.code_values_ = find_code_columns(X, y, sample_weight)
            self.code_columns_ = {c: len(v) + 1 for c, v in self.code_values_.items()}
        if not self.standardize:
            self.preprocessor_ = None
            tensor = self.transform(X)
            self._fitted = True
            return tensor
        # The estimator's own scaler: arrays whatever sklearn's global
        # transform_output setting says.
        self.preprocessor_ = StandardScaler().set_output(transform="default")
        tensor = np.empty((n_rows, n_columns), dtype=np.float32)
        for rows in self._blocks(n_rows):
            tensor[rows] = self._float32_block(X, rows)
            weights = None if sample_weight is None else sample_weight[rows]
            if weights is None or weights.sum() > 0:  # a block of zero weight adds nothing
                self.preprocessor_.partial_fit(tensor[rows], sample_weight=weights)
        for rows in self._blocks(n_rows):
            self._scale(tensor[rows])
        self._fitted = True
        return tensor

    def transform(self, X) -> np.ndarray:
        X = _row_sliceable(X)
        if self.preprocessor_ is None and not self.code_values_ and _is_float32_array(X):
            for rows in self._blocks(X.shape[0]):
                check_finite(X[rows], self.owner, self._missing_hint)
            return X  # already the network's input
        tensor = np.empty(X.shape, dtype=np.float32)
        for rows, block in zip(self._blocks(X.shape[0]), self.transform_in_chunks(X), strict=True):
            tensor[rows] = block
        return tensor

    def transform_in_chunks(self, X):
        X = _row_sliceable(X)
        for rows in self._blocks(X.shape[0]):
            block = self._float32_block(X, rows)
            yield block if self.preprocessor_ is None else self._scale(block)

    def rewritten_module_params(self) -> dict:
        """The user's ``bin_edges`` (when given) standardised like the
        columns they bin."""
        return {} if self.bin_edges is None else {"bin_edges": self._network_bin_edges()}

    def _network_bin_edges(self):
        """The user's bin edges in the units of the network's input.

        Edges of code columns stay as given (those columns stay unscaled and
        their edges unused), and so do edges that are not one entry per
        column: the module refuses them with the reason.
        """
        edges = self.bin_edges
        if self.preprocessor_ is None or not _one_entry_per_column(edges, self.input_shape_[0]):
            return edges
        mean, scale = self.preprocessor_.mean_, self.preprocessor_.scale_
        return [
            column_edges
            if column_edges is None or column in self.code_columns_
            else (np.asarray(column_edges, dtype=np.float64) - mean[column]) / scale[column]
            for column, column_edges in enumerate(edges)
        ]

    # ------------------------------------------------------------------ blocks
    def _blocks(self, n_rows: int) -> list:
        """Consecutive row slices of about :data:`BLOCK_VALUES` values."""
        rows = max(1, BLOCK_VALUES // max(1, self.input_shape_[0]))
        rows = -(-rows // _BLOCK_ROW_MULTIPLE) * _BLOCK_ROW_MULTIPLE
        return [slice(start, min(start + rows, n_rows)) for start in range(0, n_rows, rows)]

    def _float32_block(self, X, rows: slice) -> np.ndarray:
        """Rows of ``X`` as a new, checked float32 array."""
        block = X[rows]
        check_finite(block, self.owner, self._missing_hint)
        tensor = to_float32_dense(block, copy=True)
        for column, values in (self.code_values_ or {}).items():
            tensor[:, column] = encode_codes(tensor[:, column], values)
        return tensor

    def code_labels(self) -> dict:
        """Declared code columns as in :meth:`InputLayer.code_labels`; found
        ones labelled by their values (``"<unknown>"`` for code 0)."""
        labels = super().code_labels()
        for column, values in (self.code_values_ or {}).items():
            name = labels[column][0]
            labels[column] = (name, ["<unknown>", *_plain_numbers(values)])
        return labels

    @property
    def _missing_hint(self) -> str:
        return self._refit_hint("impute") if self._fitted else MISSING_HINT

    def _refit_hint(self, verb: str) -> str:
        return (
            f"it was fitted on numeric data without missing values and cannot {verb} "
            "them: pass the columns as they were in fit, or refit on data like these (as "
            f"a DataFrame, with preprocessing='auto', which {verb}s them)"
        )

    def _scale(self, block: np.ndarray) -> np.ndarray:
        """Standardise a float32 block in place, integer-code columns excepted."""
        codes = list(self.code_columns_)
        kept = block[:, codes]
        scaled = self.preprocessor_.transform(block, copy=False)
        if not np.shares_memory(scaled, block):
            block[...] = scaled
        block[:, codes] = kept  # integer codes for embeddings stay unscaled
        return block


def _plain_numbers(values: np.ndarray) -> list:
    """Integral float values as Python ints."""
    return [int(value) for value in values]


def _one_entry_per_column(edges, n_columns: int) -> bool:
    """Whether ``edges`` is a sequence of ``n_columns`` entries."""
    is_sequence = isinstance(edges, Sequence | np.ndarray) and not isinstance(edges, str)
    return is_sequence and len(edges) == n_columns


def _is_float32_array(X) -> bool:
    return isinstance(X, np.ndarray) and X.dtype == np.float32 and X.flags.c_contiguous


def _row_sliceable(X):
    """``X`` with row slicing: COO matrices become CSR."""
    return X.tocsr() if sp.issparse(X) and X.format == "coo" else X
