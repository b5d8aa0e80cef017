"""``to_onnx``: a fitted estimator or pipeline as one verified ONNX graph."""

import os
import tempfile
from numbers import Integral

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..utils._files import replacing_file_mode
from ..utils._optional import import_optional
from ._converters import check_exportable, register_converters
from ._runtime import DEFAULT_OPSET, MIN_OPSET, inference_session

#: Default ``tolerance`` of the verification (float32 arithmetic).
TOLERANCE = 1e-5
#: The outputs of the graph of a classifier and of a regressor, in order.
OUTPUT_NAMES = {"classifier": ["label", "probabilities"], "regressor": ["variable"]}


def to_onnx(
    estimator,
    X_sample,
    *,
    path=None,
    check: bool = True,
    tolerance: float = TOLERANCE,
    target_opset: int | None = None,
):
    """Convert a fitted estimator or pipeline into one ONNX graph.

    The preprocessing steps of a :class:`~sklearn.pipeline.Pipeline` are
    converted by skl2onnx, the network by ``torch.onnx.export`` (with a
    dynamic batch axis), and skneural's own steps (the input standardisation,
    or for images and sequences the reshaping, ``uint8`` pixels / 255 and
    channel standardisation; temperature scaling, the link and the label
    decoding) are written around it, so the graph computes what ``predict``
    and ``predict_proba`` compute from the same ``X``.

    Parameters
    ----------
    estimator : estimator or Pipeline
        A fitted :class:`~skneural.NeuralClassifier`,
        :class:`~skneural.NeuralRegressor`, deep or snapshot ensemble of
        them (:mod:`skneural.ensemble`), or a fitted pipeline ending in one
        of them whose other steps skl2onnx converts.
    X_sample : {array-like, sparse matrix, DataFrame}
        Inputs like the ones the model will serve: they fix the graph's
        inputs and the verification runs on them. A numeric array (or a
        sparse matrix, served dense) gives one float32 input ``X`` of shape
        ``(n, n_features)``; a DataFrame one input per column, named after
        it, of shape ``(n, 1)``: float32 for numeric and boolean columns,
        string for text and category columns (see :func:`onnx_inputs`).
        A network fed images or sequences takes them in the layout of
        ``predict`` (``(n, C, H, W)``, ``(n, H, W)``, flattened pixels,
        ``(n, T)`` or ``(n, C, T)``), as one input ``X`` of that shape
        (``uint8`` when the network reads ``uint8`` pixels, else float32);
        sequences at the training length, shorter ones NaN-padded.
    path : str or path-like, default=None
        Also write the model there (atomically, and only once verified).
    check : bool, default=True
        Run the graph with onnxruntime on ``X_sample`` and on its first row
        alone, and raise unless the labels equal ``predict``'s and the
        probabilities (or predicted values) are within ``tolerance`` of
        ``predict_proba``'s (``predict``'s).
    tolerance : float, default=1e-5
        Largest absolute difference accepted for probabilities; for
        regression values, relative to ``max(1, largest |value|)``. The graph
        computes in float32, skneural in float64 after the network.
    target_opset : int, default=None
        Opset of the default ONNX domain, from 9 to the newest skl2onnx
        supports; ``None`` means 18.

    Returns
    -------
    onnx.ModelProto
        Outputs ``label`` and ``probabilities`` for classifiers (labels an
        int64 0/1 matrix for multilabel targets), ``variable`` of shape
        ``(n, n_outputs)`` for regressors.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        When the estimator is not fitted.
    ValueError
        When ``X_sample`` does not match the fitted columns (or images,
        sequences), onnxruntime cannot load the graph (a ``target_opset``
        too old for the network's operators), or the verification fails
        (nothing is written then).
    NotImplementedError
        For a step without an ONNX converter (the message names it and how
        to register one) or a part of skneural that does not export yet.
    RuntimeError
        When torch cannot export the network.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skneural import NeuralClassifier
    >>> from skneural.export import to_onnx
    >>> X, y = load_iris(return_X_y=True)
    >>> model = make_pipeline(
    ...     StandardScaler(), NeuralClassifier(hidden_layer_sizes=(8,), max_epochs=5)
    ... ).fit(X, y)
    >>> onnx_model = to_onnx(model, X[:20])
    >>> [output.name for output in onnx_model.graph.output]
    ['label', 'probabilities']
    """
    skl2onnx = import_optional("skl2onnx", extra="onnx", feature="to_onnx")
    if not (isinstance(tolerance, int | float) and tolerance >= 0):
        raise ValueError(f"tolerance must be a non-negative number, got {tolerance!r}.")
    check_is_fitted(estimator)
    final = estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator
    _check_sample(estimator, X_sample)
    register_converters()
    _check_convertible(estimator)
    opset = _checked_opset(target_opset, skl2onnx.__max_supported_opset__)
    options = {id(final): {"zipmap": False}} if is_classifier(final) else None
    model = skl2onnx.convert_sklearn(
        estimator,
        initial_types=_initial_types(X_sample, estimator),
        target_opset={"": opset, "ai.onnx.ml": 3},
        options=options,
    )
    if check:
        try:
            verify(model, estimator, X_sample, tolerance=tolerance)
        except ValueError as exc:
            raise ValueError(f"{exc} The model was not exported.") from exc
    if path is not None:
        _write_atomically(model, path)
    return model


def onnx_inputs(X, model=None) -> dict:
    """The onnxruntime feed of the graph :func:`to_onnx` builds from ``X``.

    Parameters
    ----------
    X : {array-like, sparse matrix, DataFrame}
        Inputs like ``X_sample``: of shape ``(n_samples, n_features)``, or
        images and sequences of shape ``(n_samples, ...)`` for a network
        that takes them.
    model : onnx.ModelProto, default=None
        The graph the feed is for; its declared input types win (a graph
        of a network fed ``uint8`` pixels takes them as ``uint8``). Without
        it, arrays go as float32.

    Returns
    -------
    dict of str to ndarray
        ``{"X": float32 array}`` for an array (dense, also for a sparse
        matrix; ``uint8`` when ``model`` takes ``uint8``); for a DataFrame,
        each column as an ``(n, 1)`` array, float32 for numeric and boolean
        columns and str for the others.
    """
    if isinstance(X, pd.DataFrame):
        return {str(column): _column_values(X[column]).reshape(-1, 1) for column in X.columns}
    values = X.toarray() if sp.issparse(X) else np.asarray(X)
    if model is not None and _input_dtypes(model).get("X") == np.uint8:
        return {"X": values.astype(np.uint8)}
    return {"X": values.astype(np.float32)}


def _input_dtypes(model) -> dict:
    """Name of each input of the ONNX ``model`` to its numpy dtype."""
    from onnx.helper import tensor_dtype_to_np_dtype

    return {
        variable.name: tensor_dtype_to_np_dtype(variable.type.tensor_type.elem_type)
        for variable in model.graph.input
    }


def _column_values(column: pd.Series) -> np.ndarray:
    if _is_numeric(column.dtype):
        return column.to_numpy(dtype=np.float32, na_value=np.nan)
    return column.astype(str).to_numpy(dtype=object)


def _is_numeric(dtype) -> bool:
    return (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    ) and not isinstance(dtype, pd.CategoricalDtype)


def _initial_types(X, estimator) -> list:
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType, UInt8TensorType

    if not isinstance(X, pd.DataFrame):
        pixels = np.asarray(X).dtype == np.uint8 and _reads_uint8(estimator)
        return [("X", (UInt8TensorType if pixels else FloatTensorType)([None, *np.shape(X)[1:]]))]
    return [
        (str(column), (FloatTensorType if _is_numeric(dtype) else StringTensorType)([None, 1]))
        for column, dtype in X.dtypes.items()
    ]


def _check_sample(estimator, X) -> None:
    """Reject an ``X_sample`` unlike the fitted inputs, naming the difference."""
    network = _first_network(estimator)
    if network is not None and network.input_layer_.kind in ("image", "sequence"):
        _check_shaped_sample(network, X)
        return
    if isinstance(X, pd.DataFrame):
        fitted = getattr(estimator, "feature_names_in_", None)
        if fitted is None:
            raise ValueError(
                "X_sample is a DataFrame but the model was fitted on an array without column "
                "names: pass an array like the training X."
            )
        missing = [c for c in fitted if c not in X.columns]
        extra = [c for c in X.columns if c not in set(fitted)]
        if missing or extra or list(X.columns) != list(fitted):
            raise ValueError(
                f"X_sample's columns {list(X.columns)} are not the fitted columns "
                f"{list(fitted)} in order (missing: {missing}, unexpected: {extra}); select "
                "them with X[model.feature_names_in_]."
            )
        for column, dtype in X.dtypes.items():
            if pd.api.types.is_datetime64_any_dtype(dtype):
                raise ValueError(
                    f"X_sample's column {column!r} holds datetimes, which ONNX inputs cannot; "
                    "turn them into numbers (e.g. year, month, day columns) in the data "
                    "before the model."
                )
        if len(X) == 0:
            raise ValueError("X_sample has no rows; pass a few rows like the serving inputs.")
        _check_encoded_column_kinds(estimator, X)
        _check_numeric_columns(estimator, X)
        return
    shape = np.shape(X)
    if len(shape) != 2 or shape[0] == 0:
        raise ValueError(f"X_sample must be a non-empty 2-D array, got shape {shape}.")
    dtype = X.dtype if sp.issparse(X) else np.asarray(X).dtype
    if not np.issubdtype(dtype, np.number):
        raise ValueError(
            f"X_sample is an array of dtype {dtype}; ONNX array inputs are "
            "numeric. Pass text columns in a DataFrame (one string input per column)."
        )
    n_features = getattr(estimator, "n_features_in_", shape[1])
    if shape[1] != n_features:
        raise ValueError(
            f"X_sample has {shape[1]} features, but the model was fitted on {n_features}."
        )


def _check_encoded_column_kinds(estimator, X) -> None:
    """Reject a column of ``X`` whose kind (numbers or text) differs from the
    categories its encoder learned: the graph's input type comes from
    ``X_sample``, so the graph would expect the wrong type."""
    for columns, encoder in _encoders_by_column(estimator):
        for column, categories in zip(columns, encoder.categories_, strict=False):
            if column not in X.columns:
                continue
            learned_text = np.asarray(categories).dtype.kind in "OUS"
            if learned_text == _is_numeric(X[column].dtype):
                raise ValueError(
                    f"X_sample's column {column!r} holds {X[column].dtype} values, but the "
                    f"fitted {type(encoder).__name__} learned "
                    f"{'text' if learned_text else 'numeric'} categories for it: pass the "
                    "column with the dtype it had in fit."
                )


def _check_numeric_columns(estimator, X) -> None:
    """A network (or ensemble) that standardises its input takes numbers only."""
    layer = getattr(estimator, "input_layer_", None)
    members = getattr(estimator, "estimators_", None)
    if layer is None and members:
        layer = getattr(members[0], "input_layer_", None)
    if getattr(layer, "kind", None) != "numeric":
        return
    text = [column for column, dtype in X.dtypes.items() if not _is_numeric(dtype)]
    if text:
        raise ValueError(
            f"X_sample's columns {text} are not numeric, but {type(estimator).__name__} was "
            "fitted on numeric columns: pass them with the dtypes they had in fit."
        )


def _encoders_by_column(estimator):
    """``(column names, encoder)`` for each fitted category encoder (an object
    with ``categories_``) a ColumnTransformer applies to named columns."""
    from sklearn.compose import ColumnTransformer

    steps = estimator.steps if isinstance(estimator, Pipeline) else [("", estimator)]
    for _, step in steps:
        if not isinstance(step, ColumnTransformer):
            continue
        for _, transformer, columns in step.transformers_:
            inner = transformer.steps if isinstance(transformer, Pipeline) else [("", transformer)]
            names = [columns] if isinstance(columns, str) else np.atleast_1d(columns).tolist()
            if not all(isinstance(name, str) for name in names):
                continue
            for _, part in inner:
                if hasattr(part, "categories_"):
                    yield names, part
                    break


def _first_network(estimator):
    """The network that reads the graph's input itself: ``estimator``, or the
    first step of a pipeline when it is a network; else ``None``."""
    while isinstance(estimator, Pipeline):
        estimator = estimator.steps[0][1]
    return estimator if hasattr(estimator, "input_layer_") else None


def _reads_uint8(estimator) -> bool:
    """Whether the graph's input goes to a network that reads ``uint8`` pixels."""
    layer = getattr(_first_network(estimator), "input_layer_", None)
    return getattr(layer, "kind", None) == "image" and bool(layer.uint8_pixels_)


def _check_shaped_sample(network, X) -> None:
    """Check ``X_sample`` for a network fed images or sequences directly: the
    input layer's own checks, then what the graph adds (one array, and for
    sequences the training length)."""
    layer = network.input_layer_
    name = type(network).__name__
    if isinstance(X, list | tuple) or sp.issparse(X) or isinstance(X, pd.DataFrame):
        raise ValueError(
            f"X_sample for this {name}, which takes {layer.kind}s, must be one numeric "
            f"array (e.g. X.to_numpy()), got a {type(X).__name__}: the ONNX graph has one "
            "input of shape (n_samples, ...). Pad sequences of different lengths at the "
            "end with NaN into an array of shape (n_samples, n_channels, n_timesteps), as "
            "predict pads them."
        )
    if np.ndim(X) == 0 or len(X) == 0:
        raise ValueError("X_sample has no rows; pass a few rows like the serving inputs.")
    layer.check_input(X, fitting=False)
    layer.transform(X)  # the layer's checks of the values (dtype, shape, NaN)
    shape = np.shape(X)
    if layer.kind == "sequence" and shape[-1] != layer.input_shape_[1]:
        raise ValueError(
            f"X_sample holds sequences of {shape[-1]} steps, but the ONNX graph takes the "
            f"training length, {layer.input_shape_[1]} steps: pad shorter sequences at the "
            "end with NaN (the graph reads the padding as predict does) and crop longer ones."
        )


def _check_convertible(estimator) -> None:
    """Raise ``NotImplementedError`` naming the first step skl2onnx has no
    converter for, with the way to register one."""
    from skl2onnx._supported_operators import sklearn_operator_name_map

    for path, step in _steps(estimator, ""):
        if hasattr(step, "input_layer_"):
            check_exportable(step)
        if type(step) not in sklearn_operator_name_map:
            raise NotImplementedError(
                f"The step {path or 'estimator'!r} ({type(step).__name__}) has no ONNX "
                "converter. Replace it by a step skl2onnx converts, or register one: "
                f"skl2onnx.update_registered_converter({type(step).__name__}, alias, "
                "shape_calculator, converter) (see skl2onnx's documentation on custom "
                "converters)."
            )


def _steps(estimator, path: str):
    """``(path, estimator)`` of every step skl2onnx converts on its own, looking
    inside pipelines, column transformers, feature unions and a network's
    ``preprocessing`` transformer; paths as in ``set_params``
    (``"columntransformer__onehotencoder"``)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import FeatureUnion

    def inner(name):
        return f"{path}__{name}" if path else name

    if isinstance(estimator, Pipeline):
        parts = estimator.steps
    elif isinstance(estimator, ColumnTransformer):
        parts = [(name, step) for name, step, _ in estimator.transformers_]
    elif isinstance(estimator, FeatureUnion):
        parts = estimator.transformer_list
    else:
        yield path, estimator
        layer = getattr(estimator, "input_layer_", None)
        if getattr(layer, "kind", None) == "transformer":
            yield from _steps(layer.preprocessor_, inner("preprocessing"))
        return
    for name, step in parts:
        if step not in (None, "drop", "passthrough"):
            yield from _steps(step, inner(name))


def verify(model, estimator, X_sample, *, tolerance: float = TOLERANCE) -> None:
    """Raise a ``ValueError`` unless ``model`` predicts like ``estimator``.

    The graph runs in onnxruntime on ``X_sample`` and, to catch a batch size
    fixed by the export, on its first row alone.

    Parameters
    ----------
    model : onnx.ModelProto
        The graph :func:`to_onnx` built from ``estimator``.
    estimator : estimator or Pipeline
        The fitted model.
    X_sample : array-like or DataFrame
        Inputs to compare the predictions on.
    tolerance : float, default=1e-5
        See :func:`to_onnx`.

    Raises
    ------
    ValueError
        When onnxruntime cannot load or run the graph (e.g. a ``target_opset``
        too old for the network's operators), the graph's outputs are those
        of another kind of model (a classifier's graph checked against a
        regressor, or the reverse), or its predictions differ.
    """
    session = inference_session(model, feature="to_onnx(check=True)")
    _check_output_names(session, estimator)
    if isinstance(X_sample, pd.DataFrame):
        first_row = X_sample.iloc[:1]
    elif sp.issparse(X_sample):
        first_row = X_sample.tocsr()[:1]
    else:
        first_row = np.asarray(X_sample)[:1]
    for X in (X_sample, first_row):
        try:
            outputs = session.run(None, onnx_inputs(X, model))
        except Exception as exc:  # onnxruntime's own exception types
            raise ValueError(
                f"The ONNX graph fails on {len(X)} row(s) of X_sample in onnxruntime: {exc}"
            ) from exc
        if is_classifier(estimator):
            _compare_classifier(outputs, estimator, X, tolerance)
        else:
            _compare_regressor(outputs[0], estimator.predict(X), tolerance)


def _check_output_names(session, estimator) -> None:
    """Raise a ``ValueError`` unless the graph has the outputs of ``estimator``'s kind."""
    names = [output.name for output in session.get_outputs()]
    kind = "classifier" if is_classifier(estimator) else "regressor"
    expected = OUTPUT_NAMES[kind]
    if names != expected:
        raise ValueError(
            f"The ONNX graph has the outputs {names}, but {type(estimator).__name__} is a "
            f"{kind}, whose graph has the outputs {expected}: verify a graph against the "
            "model it was converted from."
        )


def _compare_classifier(outputs, estimator, X, tolerance) -> None:
    labels, probabilities = outputs
    expected_labels = estimator.predict(X)
    if labels.dtype == object:
        expected_labels = np.asarray(expected_labels).astype(str)
    differ = int(np.sum(np.asarray(labels).reshape(np.shape(expected_labels)) != expected_labels))
    if differ:
        raise ValueError(
            f"The ONNX graph predicts a different label than the model for {differ} of "
            f"{len(expected_labels)} rows of X_sample."
        )
    _compare("probabilities", probabilities, estimator.predict_proba(X), tolerance)


def _compare_regressor(values, expected, tolerance) -> None:
    expected = np.asarray(expected, dtype=np.float64)
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    _compare("predicted values", values.reshape(expected.shape), expected, tolerance * scale)


def _compare(what, actual, expected, tolerance) -> None:
    gap = float(np.max(np.abs(actual - expected), initial=0.0))
    if not gap <= tolerance:  # NaN fails too
        raise ValueError(
            f"The ONNX graph's {what} differ from the model's by up to {gap:.3g} on X_sample, "
            f"more than the tolerance {tolerance:.3g}."
        )


def _checked_opset(target_opset, newest: int) -> int:
    """``target_opset`` (``None``: the default), refused unless an integer
    from :data:`MIN_OPSET` to ``newest``."""
    if target_opset is None:
        return DEFAULT_OPSET
    if isinstance(target_opset, bool) or not isinstance(target_opset, Integral):
        raise TypeError(f"target_opset must be an integer or None, got {target_opset!r}.")
    if not MIN_OPSET <= target_opset <= newest:
        raise ValueError(
            f"target_opset={target_opset} is outside the opsets the export supports here, "
            f"{MIN_OPSET} to {newest} (the newest the installed skl2onnx converts to); "
            f"None means {DEFAULT_OPSET}."
        )
    return int(target_opset)


def _write_atomically(model, path) -> None:
    """Write ``model`` to ``path`` through a temporary file renamed over it,
    with the permissions ``open()`` would give (a file it replaces keeps its own)."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    mode = replacing_file_mode(path)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".onnx.tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(model.SerializeToString())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
