"""The one place where skneural imports scikit-learn's private API.

Keeping these imports together means a scikit-learn upgrade that moves a
private helper breaks exactly one file.
"""

from sklearn.base import _fit_context
from sklearn.ensemble._base import _set_random_states
from sklearn.utils import _safe_indexing

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9 has no callback API

    class CallbackSupportMixin:
        """Stand-in for scikit-learn < 1.9: no ``set_callbacks``."""


from sklearn.model_selection._search import BaseSearchCV
from sklearn.model_selection._validation import _fit_and_score
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import (
    _check_feature_names,
    _check_feature_names_in,
    _check_n_features,
    _check_sample_weight,
    _get_feature_names,
    _num_features,
    _num_samples,
    validate_data,
)

__all__ = [
    "BaseSearchCV",
    "CallbackSupportMixin",
    "HasMethods",
    "Hidden",
    "Interval",
    "InvalidParameterError",
    "Options",
    "RealNotInt",
    "StrOptions",
    "_check_feature_names",
    "_check_feature_names_in",
    "_check_n_features",
    "_check_sample_weight",
    "_fit_and_score",
    "_get_feature_names",
    "_num_features",
    "_num_samples",
    "_fit_context",
    "_safe_indexing",
    "_set_random_states",
    "validate_data",
    "validate_parameter_constraints",
]
