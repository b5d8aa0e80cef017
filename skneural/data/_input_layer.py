"""The input layer: one fitted object turns an estimator's ``X`` into the network's tensor.

Like the bin mapper inside scikit-learn's HistGradientBoosting, the estimator
picks an :class:`InputLayer` for a fit with :func:`select_input_layer`, fits
it once (:meth:`InputLayer.fit_transform`) and asks it for tensors
(:meth:`InputLayer.transform`). Each kind of input is one subclass in its own
module, made selectable by :func:`register_input_layer`; the estimator never
switches on the kind.
"""

from collections.abc import Iterator
from typing import ClassVar

import numpy as np

from ..nn._feature_encoding import check_cardinalities_type
from ..utils._sklearn_compat import _get_feature_names

_CASES: list = []


class InputLayer:
    """Base class of the input cases: one kind of ``X`` to the network's tensor.

    A subclass sets the class attributes, implements :meth:`accepts`,
    :meth:`fit_transform` and :meth:`transform`, sets the fitted attributes in
    :meth:`fit_transform`, and is registered with :func:`register_input_layer`.

    Parameters
    ----------
    owner : str
        Name of the estimator, used in error messages.
    declared_codes : dict of int to int, default=None
        Integer-code columns declared by the user
        (``module_params["categorical_cardinalities"]``): input column of the
        network tensor to its number of codes. They win over the layer's own.
    feature_names : ndarray of str, default=None
        Column names of the training ``X`` (when they are all strings).

    Attributes
    ----------
    kind : str
        Name of the case (class attribute), e.g. ``"numeric"``.
    priority : int
        Cases are tried from the highest priority down (class attribute);
        at equal priority, cases defined outside skneural come before the
        built-in ones, so a new case left at the default 0 is tried before
        the numeric case, which takes whatever the others decline.
    x_validation : dict or None
        Keyword arguments the estimator passes to scikit-learn's
        ``validate_data`` for ``X`` before the layer sees it (class
        attribute); ``None``: ``X`` reaches the layer as given, and the
        estimator only checks its number of features and column names.
    layout : tuple of str
        Names of the axes of the network tensor (class attribute), the
        sample axis first, e.g. ``("sample", "feature")``.
    consumed_module_params : tuple of str
        Entries of ``module_params`` this layer reads (class attribute): the
        estimator passes them to the module only as the layer rewrites them,
        in :attr:`module_kwargs` (where the module accepts them: the
        description of ``X``) or :meth:`rewritten_module_params` (always:
        module settings in the units of ``X``).
    preprocessor_ : transformer or None
        The fitted transformer behind the tensor, if any (the estimator's
        ``preprocessor_``).
    input_shape_ : tuple of int
        Shape of one sample of the network tensor (``(n_columns,)`` for tables).
    code_columns_ : dict of int to int
        Input columns of the network tensor that hold integer category codes,
        to their number of codes (the size of their embedding table).
    """

    kind: ClassVar[str] = ""
    priority: ClassVar[int] = 0
    x_validation: ClassVar[dict | None] = None
    layout: ClassVar[tuple] = ("sample", "feature")
    consumed_module_params: ClassVar[tuple] = ()

    def __init__(self, *, owner: str, declared_codes=None, feature_names=None):
        self.owner = owner
        check_cardinalities_type(declared_codes)
        self.declared_codes = None if declared_codes is None else dict(declared_codes)
        self.feature_names = feature_names

    # ------------------------------------------------------------ selection
    @classmethod
    def accepts(cls, params: dict, X) -> bool:
        """Whether this case handles a fit with the estimator parameters
        ``params`` (``get_params(deep=False)``) on the training inputs ``X``."""
        raise NotImplementedError

    @classmethod
    def from_params(cls, params: dict, X, *, owner: str, random_state: int):
        """The unfitted layer for a fit with ``params`` on ``X``.

        ``random_state`` seeds any randomness of the preprocessing.
        Subclasses that read more parameters extend this.
        """
        return cls(**_common_arguments(params, X, owner))

    # -------------------------------------------------------------- tensors
    def features_view(self, X):
        """What the estimator reads ``n_features_in_`` and column names from,
        when :attr:`x_validation` is ``None``: ``X`` itself by default."""
        return X

    def check_input(self, X, *, fitting: bool) -> None:
        """Reject inputs this case cannot take, with a clear error, before
        ``X`` is validated (nothing by default)."""

    def fit_transform(self, X, y=None, sample_weight=None) -> np.ndarray:
        """Fit the layer on the training inputs and return their tensor.

        Parameters
        ----------
        X : array-like
            The training inputs, validated as :attr:`x_validation` says.
        y : ndarray or torch.Tensor, default=None
            The targets as the network learns them: class indices (int64),
            0/1 indicator columns of multilabel targets, or standardised
            regression targets (float32). The numeric and tabular cases
            read them to tell integer codes from quantities.
        sample_weight : ndarray of shape (n_samples,), default=None
            Row weights; a weight of k counts like k copies of a row.

        Returns
        -------
        ndarray
            The network's input, of shape ``(n_samples, *input_shape_)``:
            C-contiguous and finite, float32 for the built-in cases (a case
            may return what its modules take, e.g. int64 token ids). It may
            be ``X`` itself when no conversion is needed; the estimator never
            writes to it.
        """
        raise NotImplementedError

    def transform(self, X) -> np.ndarray:
        """The network tensor of ``X`` (validated as in :meth:`fit_transform`)."""
        raise NotImplementedError

    def transform_in_chunks(self, X) -> Iterator[np.ndarray]:
        """The network tensor of ``X`` as consecutive blocks of rows.

        ``predict`` uses it, so that a case whose transform works row by row
        can bound its memory by the block instead of the data. By default
        one block: :meth:`transform` of all of ``X``.
        """
        yield self.transform(X)

    # -------------------------------------------------- for the network builder
    @property
    def module_kwargs(self) -> dict:
        """What the network builder passes to a module constructor that
        accepts it: ``n_features_in``, ``input_shape`` and
        ``categorical_cardinalities`` (``None`` without code columns)."""
        return {
            "n_features_in": int(np.prod(self.input_shape_)),
            "input_shape": tuple(self.input_shape_),
            "categorical_cardinalities": dict(self.code_columns_) or None,
        }

    def rewritten_module_params(self) -> dict:
        """Entries of ``module_params`` the layer rewrote for the network's
        input (none here), passed to the module like the user's own."""
        return {}

    def code_labels(self) -> dict:
        """``{input column: (name, labels of its codes)}`` for the code columns.

        Declared code columns are named after the training columns (``x<i>``
        without names) and labelled ``0 .. n_codes - 1``.
        """
        names = self.feature_names
        return {
            column: (str(names[column]) if names is not None else f"x{column}", list(range(card)))
            for column, card in self.code_columns_.items()
        }


def _common_arguments(params: dict, X, owner: str) -> dict:
    """The :class:`InputLayer` constructor arguments every case shares."""
    return {
        "owner": owner,
        "declared_codes": (params.get("module_params") or {}).get("categorical_cardinalities"),
        "feature_names": _get_feature_names(X),
    }


def register_input_layer(layer_class: type) -> type:
    """Make an :class:`InputLayer` subclass selectable by :func:`select_input_layer`.

    Cases are tried from the highest :attr:`~InputLayer.priority` down. At
    equal priority a case defined outside skneural comes before the built-in
    ones (the numeric case accepts any table at priority 0, the default), and
    such cases keep their order of registration.

    Parameters
    ----------
    layer_class : type
        The :class:`InputLayer` subclass.

    Returns
    -------
    type
        ``layer_class``, so that this also works as a class decorator.
    """
    if not (isinstance(layer_class, type) and issubclass(layer_class, InputLayer)):
        raise TypeError(f"Expected an InputLayer subclass, got {layer_class!r}.")
    if layer_class not in _CASES:
        _CASES.append(layer_class)
    return layer_class


def pretrained_input_layer(params: dict, X) -> InputLayer | None:
    """The fitted input layer that a pretrained ``module`` brings for ``X``, or ``None``.

    A module with a ``fitted_input_layer(X)`` method (a
    :class:`~skneural.zoo.PretrainedBackbone` of a table model) gives a
    copy of its source's input layer, so fine-tuning turns the new data into
    network inputs as pretraining did (same scaling, same category codes).
    Not when the estimator sets its own ``preprocessing``: that one is
    fitted instead.
    """
    provider = _pretrained_source(params, "fitted_input_layer")
    return None if provider is None else provider(X)


def pretrained_channel_statistics(params: dict) -> tuple | None:
    """The channel standardisation that a pretrained ``module`` was trained with.

    For image and sequence inputs, whose layout is fitted to the new data:
    ``(channel_mean_, channel_scale_)`` of the input layer of a module with
    a ``source_input_layer`` method (a
    :class:`~skneural.zoo.PretrainedBackbone`), ``(None, None)`` when that
    layer did not standardise, so the fine-tuned network sees its inputs
    scaled as in pretraining. ``None`` (fit the statistics on the new data,
    as ``preprocessing`` says) for other modules, or when the estimator sets
    its own ``preprocessing``.
    """
    provider = _pretrained_source(params, "source_input_layer")
    if provider is None:
        return None
    source = provider()
    return getattr(source, "channel_mean_", None), getattr(source, "channel_scale_", None)


def _pretrained_source(params: dict, method: str):
    """The ``method`` of a pretrained ``module`` (a backbone) when the estimator
    leaves ``preprocessing`` at "auto"; ``None`` otherwise."""
    if params.get("preprocessing", "auto") != "auto":
        return None
    return getattr(params.get("module"), method, None)


def matching_channel_statistics(statistics: tuple | None, n_channels: int) -> tuple | None:
    """``statistics`` (see :func:`pretrained_channel_statistics`) when they
    are for ``n_channels`` channels or standardise nothing, else ``None``:
    data of another channel count is refused later, with the backbone's
    message about the pretrained shape."""
    if statistics is None or statistics[0] is None or len(statistics[0]) == n_channels:
        return statistics
    return None


def select_input_layer(params: dict, X, *, owner: str, random_state: int) -> InputLayer:
    """The unfitted input layer for a fit.

    Parameters
    ----------
    params : dict
        The estimator's parameters (``get_params(deep=False)``).
    X : array-like
        The training inputs, as the user passed them.
    owner : str
        Name of the estimator, for error messages.
    random_state : int
        Seed for preprocessing that subsamples.

    Returns
    -------
    InputLayer
        An instance of the first registered case, in the order of
        :func:`register_input_layer`, that accepts ``params`` and ``X``.
    """
    for case in sorted(_CASES, key=_selection_order):
        if case.accepts(params, X):
            return case.from_params(params, X, owner=owner, random_state=random_state)
    raise ValueError(f"No input layer of {owner} accepts this X.")


def _selection_order(case: type) -> tuple:
    """The sort key of the cases: highest priority first and, at equal
    priority, a user's case before skneural's own (the sort keeps the order
    of registration within each)."""
    return -case.priority, _is_builtin(case)


def _is_builtin(case: type) -> bool:
    """Whether ``case`` is defined in skneural itself."""
    return case.__module__.partition(".")[0] == __name__.partition(".")[0]
