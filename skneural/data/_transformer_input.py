"""The transformer case: a user's scikit-learn transformer prepares the raw ``X``."""

import numpy as np
from sklearn.base import clone

from ._input_layer import InputLayer, _common_arguments
from ._validation import to_float32


class TransformerInput(InputLayer):
    """``X`` as given to a scikit-learn transformer, whose output is the tensor.

    The transformer (the estimator's ``preprocessing``) is cloned and fitted
    on the raw training ``X``; its output must be numeric, 2-D and finite.

    Parameters
    ----------
    transformer : transformer
        Unfitted; fitted in :meth:`fit_transform`.
    **common
        See :class:`InputLayer`.
    """

    kind = "transformer"
    priority = 10
    x_validation = None

    def __init__(self, *, transformer, **common):
        super().__init__(**common)
        self.transformer = transformer

    @classmethod
    def accepts(cls, params: dict, X) -> bool:
        return hasattr(params.get("preprocessing"), "transform")

    @classmethod
    def from_params(cls, params: dict, X, *, owner: str, random_state: int):
        return cls(
            transformer=clone(params["preprocessing"]), **_common_arguments(params, X, owner)
        )

    def fit_transform(self, X, y=None, sample_weight=None) -> np.ndarray:
        self.preprocessor_ = self.transformer
        tensor = to_float32(self.preprocessor_.fit_transform(X), self._what)
        self.input_shape_ = tensor.shape[1:]
        self.code_columns_ = self._code_columns()
        return tensor

    def transform(self, X) -> np.ndarray:
        return to_float32(self.preprocessor_.transform(X), self._what)

    def _code_columns(self) -> dict:
        """The integer-code columns of the tensor: the declared ones only."""
        return dict(self.declared_codes or {})

    @property
    def _what(self) -> str:
        return f"the preprocessing {type(self.preprocessor_).__name__}"
