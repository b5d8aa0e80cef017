"""The numeric case: numeric arrays, sparse matrices and all-numeric DataFrames."""

import numpy as np
from sklearn.preprocessing import StandardScaler

from ._input_layer import InputLayer, _common_arguments
from ._validation import check_finite, check_numeric_columns, to_float32_dense


class NumericInput(InputLayer):
    """Numeric ``X`` as float32, standardised (``preprocessing="standard"`` or
    ``"auto"``) or as it is (``preprocessing=None``).

    The standardisation is weighted (a weight of k counts like k copies of a
    row); declared integer-code columns stay unscaled.

    Parameters
    ----------
    standardize : bool
        Standardise the columns with a :class:`~sklearn.preprocessing.StandardScaler`.
    preprocessing : {"auto", "standard"} or None
        The estimator's parameter, for the advice in error messages.
    **common
        See :class:`InputLayer`.
    """

    kind = "numeric"
    priority = 0
    x_validation = {
        "accept_sparse": ("csr", "csc", "coo"),
        "dtype": (np.float32, np.float64),
        "ensure_all_finite": False,
    }

    def __init__(self, *, standardize: bool, preprocessing, **common):
        super().__init__(**common)
        self.standardize = standardize
        self.preprocessing = preprocessing

    @classmethod
    def accepts(cls, params: dict, X) -> bool:
        preprocessing = params.get("preprocessing")
        return preprocessing is None or isinstance(preprocessing, str)

    @classmethod
    def from_params(cls, params: dict, X, *, owner: str, random_state: int):
        preprocessing = params.get("preprocessing")
        return cls(
            standardize=preprocessing is not None,
            preprocessing=preprocessing,
            **_common_arguments(params, X, owner),
        )

    def check_input(self, X, *, fitting: bool) -> None:
        check_numeric_columns(X, self.owner)

    def fit_transform(self, X, y=None, sample_weight=None) -> np.ndarray:
        self.preprocessor_ = StandardScaler() if self.standardize else None
        if self.preprocessor_ is not None:
            self.preprocessor_.set_output(transform="default")
        check_finite(X, self.owner)
        X = to_float32_dense(X)
        self.input_shape_ = (X.shape[1],)
        self.code_columns_ = dict(self.declared_codes or {})
        if self.preprocessor_ is not None:
            self.preprocessor_.fit(X, sample_weight=sample_weight)
        return self._scaled(X)

    def transform(self, X) -> np.ndarray:
        check_finite(X, self.owner)
        return self._scaled(to_float32_dense(X))

    def _scaled(self, X: np.ndarray) -> np.ndarray:
        if self.preprocessor_ is None:
            return X
        scaled = self.preprocessor_.transform(X).astype(np.float32, copy=False)
        codes = list(self.code_columns_)
        scaled[:, codes] = X[:, codes]  # integer codes for embeddings stay unscaled
        return scaled
