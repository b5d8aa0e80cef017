"""skl2onnx converters for skneural's estimators.

skl2onnx turns a scikit-learn pipeline into one ONNX graph, asking each
step's registered *shape calculator* for the types of its outputs and its
*converter* for its nodes. :func:`register_converters` registers both for
:class:`~skneural.NeuralClassifier`, :class:`~skneural.NeuralRegressor`,
the deep and snapshot ensembles and the
:class:`~skneural.preprocessing.TabularPreprocessor` (its converter is in ``_tabular``),
so that a pipeline ending in one of them converts with
``skl2onnx.convert_sklearn`` (which :func:`~skneural.export.to_onnx` calls).

The graph computes exactly what ``predict`` and ``predict_proba`` compute, in
float32: the input layer's standardisation (integer-code columns left as
they are), ``preprocessing`` transformer, or image and sequence steps
(reshaping, then the layer's ``affine_steps``), the network, the temperature,
the link (softmax, sigmoid, exponential or identity), the target scaling of
regressors and the label decoding. Outputs follow skl2onnx's conventions:
``label`` and ``probabilities`` for classifiers (a 0/1 int64 matrix of
labels for multilabel targets), ``variable`` of shape ``(n, n_outputs)``
for regressors.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..ensemble import (
    DeepEnsembleClassifier,
    DeepEnsembleRegressor,
    SnapshotEnsembleClassifier,
    SnapshotEnsembleRegressor,
)
from ..estimators import NeuralClassifier, NeuralRegressor
from ..preprocessing import TabularPreprocessor
from ._graph import Graph, float_input
from ._tabular import check_tabular_exportable, convert_tabular, tabular_shapes
from ._torch_graph import export_network, inline_graph

#: Links whose inverse the graph computes (``Link.name``).
EXPORTABLE_LINKS = {"softmax", "binary_sigmoid", "sigmoid", "identity", "exp"}
#: Ensembles that average the probabilities of network members.
_ENSEMBLE_CLASSIFIERS = (DeepEnsembleClassifier, SnapshotEnsembleClassifier)


# ------------------------------------------------------------------ checks
def check_exportable(estimator) -> None:
    """Raise unless the fitted ``estimator`` (a network) can be converted.

    Raises
    ------
    NotImplementedError
        For the built-in ``TabularPreprocessor`` (``preprocessing="auto"`` on
        a mixed DataFrame) with text, category or datetime columns, or a
        link the graph does not compute; the message says what to do
        instead. The standardisation, a scikit-learn transformer given as
        ``preprocessing`` (converted by skl2onnx), the TabularPreprocessor of
        numeric and boolean columns and the image and sequence input layers
        export.
    """
    check_is_fitted(estimator, "module_")
    name = type(estimator).__name__
    layer = estimator.input_layer_
    if layer.kind == "tabular":
        found = getattr(layer, "found_codes_", None)
        if found:
            raise NotImplementedError(
                f"This {name} reads the integer columns {found} as codes (ids found from "
                "the target on a large table by numeric_encoding='auto'), through the "
                "TabularPreprocessor's category cleaning, which has no ONNX equivalent. "
                "Fit it with numeric_encoding=None to read them as numbers, or without "
                "missing values, text, category or datetime columns (then the codes are "
                "mapped in the graph)."
            )
        check_tabular_exportable(layer.preprocessor_, name)
    elif layer.kind not in ("numeric", "transformer", "image", "sequence"):
        raise NotImplementedError(
            f"This {name} prepares its input with its {layer.kind!r} input layer, which "
            "cannot be exported to ONNX yet. Put the preprocessing in a scikit-learn "
            "Pipeline before the network instead, built from steps skl2onnx converts, and "
            "give the network preprocessing=None or 'standard'."
        )
    link = estimator._link.name
    if link not in EXPORTABLE_LINKS:
        raise NotImplementedError(
            f"This {name} maps its outputs through the {link!r} link, which the ONNX "
            f"export does not compute; exportable links: {sorted(EXPORTABLE_LINKS)}."
        )
    if isinstance(estimator, NeuralClassifier) and not estimator._multilabel:
        _label_tensor(estimator.classes_, name)


def _label_tensor(classes, owner: str):
    """``classes`` as the constant the graph gathers labels from, and its ONNX type."""
    from onnx import TensorProto

    classes = np.asarray(classes)
    if classes.dtype.kind in "biu" or (
        classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes))
    ):
        return classes.astype(np.int64), TensorProto.INT64
    if classes.dtype.kind in "OUS" and all(isinstance(c, str) for c in classes.tolist()):
        return classes.astype(str), TensorProto.STRING
    raise NotImplementedError(
        f"{owner}'s classes_ {classes.tolist()!r} are neither integers nor strings; the "
        "ONNX export outputs int64 or string labels. Encode the labels as integers or "
        "strings before fitting."
    )


# --------------------------------------------------------- shape calculators
def _n_rows(operator):
    return operator.inputs[0].get_first_dimension()


def _classifier_shapes(operator):
    from onnx import TensorProto
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType

    model = operator.raw_operator
    n_rows, n_classes = _n_rows(operator), len(model.classes_)
    if getattr(model, "_multilabel", False):
        label_type = Int64TensorType([n_rows, n_classes])
    else:
        _, label_kind = _label_tensor(model.classes_, type(model).__name__)
        label_type = (Int64TensorType if label_kind == TensorProto.INT64 else StringTensorType)(
            [n_rows]
        )
    operator.outputs[0].type = label_type
    operator.outputs[1].type = FloatTensorType([n_rows, n_classes])


def _regressor_shapes(operator):
    from skl2onnx.common.data_types import FloatTensorType

    model = operator.raw_operator
    network = model if isinstance(model, NeuralRegressor) else model.estimators_[0]
    operator.outputs[0].type = FloatTensorType([_n_rows(operator), network.n_outputs_])


# ------------------------------------------------------------- graph pieces
def _network_input(graph: Graph, estimator, inputs) -> str:
    """The network's input tensor from the operator's ``inputs`` (variables),
    as ``predict`` prepares it: standardised, already the output of the
    ``preprocessing`` transformer or TabularPreprocessor (which
    :func:`_parse_network` put before),
    or images and sequences reshaped and scaled."""
    check_exportable(estimator)
    layer = estimator.input_layer_
    features = float_input(graph, inputs)
    if layer.kind in ("transformer", "tabular"):
        return features
    if layer.kind in ("image", "sequence"):
        return _shaped_tensor(graph, layer, features)
    return _standardized(graph, layer, features)


def _shaped_tensor(graph: Graph, layer, features: str) -> str:
    """The tensor an image or sequence input layer makes of the float values
    ``features`` (flattened pixels, ``(n, H, W)``, ``(n, C, H, W)``, ``(n, T)``
    or ``(n, C, T)``): each row reshaped to the layer's ``input_shape_``,
    then the layer's :meth:`affine_steps` (``uint8`` pixels / 255, channel
    standardisation)."""
    shape = graph.constant(np.array([-1, *layer.input_shape_], dtype=np.int64), "sample_shape")
    tensor = graph.node("Reshape", [features, shape])
    operators = {"subtract": "Sub", "divide": "Div"}
    for operation, operand in layer.affine_steps():
        operand = graph.constant(np.asarray(operand, dtype=np.float32), operation)
        tensor = graph.node(operators[operation], [tensor, operand])
    return tensor


def _standardized(graph: Graph, layer, features: str) -> str:
    """The numeric input layer's standardisation of the float matrix ``features``."""
    scaler = layer.preprocessor_
    if scaler is None:
        return features
    mean = np.asarray(scaler.mean_, dtype=np.float64).copy()
    scale = np.asarray(scaler.scale_, dtype=np.float64).copy()
    codes = list(layer.code_columns_)
    mean[codes], scale[codes] = 0.0, 1.0  # integer codes reach the embeddings unscaled
    features = _with_found_codes(graph, layer, features)
    centred = graph.node("Sub", [features, graph.constant(mean.astype(np.float32), "mean")])
    return graph.node("Div", [centred, graph.constant(scale.astype(np.float32), "scale")])


def _with_found_codes(graph: Graph, layer, features: str) -> str:
    """``features`` with each column the numeric input layer found to hold
    integer codes replaced by its codes (``LabelEncoder``: value ``k`` seen in
    fit to ``k + 1``, other values to 0), as :meth:`NumericInput.transform` does."""
    from onnx import TensorProto

    found = getattr(layer, "code_values_", None) or {}
    if not found:
        return features
    n_columns = layer.input_shape_[0]
    keep = np.ones(n_columns, dtype=np.float32)
    place = np.zeros((len(found), n_columns), dtype=np.float32)
    codes = []
    for row, (column, values) in enumerate(found.items()):
        keep[column], place[row, column] = 0.0, 1.0
        index = graph.constant(np.array([column], dtype=np.int64), "code_column")
        value = graph.node("Gather", [features, index], axis=1)
        code = graph.node(
            "LabelEncoder",
            [value],
            op_domain="ai.onnx.ml",
            op_version=2,
            keys_floats=np.asarray(values, dtype=np.float32).tolist(),
            values_int64s=list(range(1, len(values) + 1)),
            default_int64=0,
        )
        codes.append(graph.node("Cast", [code], to=TensorProto.FLOAT))
    code_matrix = codes[0] if len(codes) == 1 else graph.node("Concat", codes, axis=1)
    kept = graph.node("Mul", [features, graph.constant(keep, "numeric_columns")])
    placed = graph.node("MatMul", [code_matrix, graph.constant(place, "code_places")])
    return graph.node("Add", [kept, placed])


def _network_outputs(graph: Graph, estimator, network_input: str) -> str:
    """The raw outputs of ``estimator``'s network (inlined) for its input tensor."""
    network = export_network(
        estimator.module_,
        tuple(estimator.input_layer_.input_shape_),
        opset=graph.container.target_opset,
        owner=type(estimator).__name__,
    )
    return inline_graph(network, graph.scope, graph.container, network_input, graph.prefix)


def _probabilities(graph: Graph, classifier, network_input: str) -> str:
    """``predict_proba`` of a fitted :class:`NeuralClassifier` given its network input."""
    logits = _network_outputs(graph, classifier, network_input)
    if classifier.temperature_ != 1.0:
        temperature = graph.constant(np.float32(classifier.temperature_), "temperature")
        logits = graph.node("Div", [logits, temperature])
    link = classifier._link.name
    if link == "softmax":
        return graph.node("Softmax", [logits], axis=1)
    probabilities = graph.node("Sigmoid", [logits])
    if link == "sigmoid":
        return probabilities
    negative = graph.node("Sub", [graph.constant(np.float32(1.0), "one"), probabilities])
    return graph.node("Concat", [negative, probabilities], axis=1)


def _predictions(graph: Graph, regressor, network_input: str) -> str:
    """``predict`` of a fitted :class:`NeuralRegressor` given its network input,
    shape ``(n, n_outputs)``."""
    outputs = _network_outputs(graph, regressor, network_input)
    if regressor._link.name == "exp":
        outputs = graph.node("Exp", [outputs])
    scaled = graph.node(
        "Mul", [outputs, graph.constant(regressor.y_scale_.astype(np.float32), "y_scale")]
    )
    return graph.node(
        "Add", [scaled, graph.constant(regressor.y_mean_.astype(np.float32), "y_mean")]
    )


def _write_labels(graph: Graph, classes, multilabel: bool, probabilities: str, output: str):
    """The labels of ``predict`` from the probabilities, written to ``output``."""
    from onnx import TensorProto

    if multilabel:
        positive = graph.node("Greater", [probabilities, graph.constant(np.float32(0.5), "half")])
        graph.node("Cast", [positive], output, to=TensorProto.INT64)
        return
    codes = graph.node("ArgMax", [probabilities], axis=1, keepdims=0)
    labels, _ = _label_tensor(classes, "The classifier")
    graph.node("Gather", [graph.constant(labels, "classes"), codes], output, axis=0)


# ------------------------------------------------------------------ parser
def _parse_network(scope, model, inputs, custom_parsers=None):
    """skl2onnx's parser for a network: its ``preprocessing`` transformer, if
    any, becomes operators of its own (a ColumnTransformer or Pipeline is
    expanded at parsing, as in a Pipeline), then the network's operator reads
    their outputs. Uses skl2onnx's own parsers for the rest (the way its
    documentation extends parsing)."""
    from skl2onnx._parse import (
        _parse_sklearn,
        _parse_sklearn_classifier,
        _parse_sklearn_simple_model,
    )

    layer = getattr(model, "input_layer_", None)
    if getattr(layer, "kind", None) in ("transformer", "tabular"):
        inputs = _parse_sklearn(scope, layer.preprocessor_, inputs, custom_parsers=custom_parsers)
    if isinstance(model, NeuralClassifier):
        return _parse_sklearn_classifier(scope, model, inputs, custom_parsers=custom_parsers)
    return _parse_sklearn_simple_model(scope, model, inputs, custom_parsers=custom_parsers)


# --------------------------------------------------------------- converters
def _convert_classifier(scope, operator, container):
    model = operator.raw_operator
    graph = Graph(scope, container, "neural_classifier")
    probabilities = _probabilities(graph, model, _network_input(graph, model, operator.inputs))
    graph.node("Identity", [probabilities], operator.outputs[1].full_name)
    _write_labels(
        graph, model.classes_, model._multilabel, probabilities, operator.outputs[0].full_name
    )


def _convert_regressor(scope, operator, container):
    model = operator.raw_operator
    graph = Graph(scope, container, "neural_regressor")
    predictions = _predictions(graph, model, _network_input(graph, model, operator.inputs))
    graph.node("Identity", [predictions], operator.outputs[0].full_name)


def _member_input(graph: Graph, ensemble, index: int, features: str) -> str:
    """The network input of member ``index`` of ``ensemble``: the columns it
    was trained on, through its standardisation (or, for image and sequence
    members fed flattened values, reshaped and scaled)."""
    subsets = getattr(ensemble, "estimators_features_", None)  # deep ensembles only
    columns = None if subsets is None else np.asarray(subsets[index], dtype=np.int64)
    if columns is not None and len(columns) < ensemble.n_features_in_:
        features = graph.node(
            "Gather", [features, graph.constant(columns, "member_columns")], axis=1
        )
    layer = ensemble.estimators_[index].input_layer_
    if layer.kind in ("image", "sequence"):
        return _shaped_tensor(graph, layer, features)
    return _standardized(graph, layer, features)


def _check_members(ensemble) -> None:
    expected = NeuralClassifier if isinstance(ensemble, _ENSEMBLE_CLASSIFIERS) else NeuralRegressor
    for member in ensemble.estimators_:
        if type(member) is not expected:
            raise NotImplementedError(
                f"The ONNX export of {type(ensemble).__name__} needs {expected.__name__} "
                f"members, got a {type(member).__name__}. Export a member alone, or make "
                f"the ensemble's estimator a {expected.__name__} and put the preprocessing "
                "in a Pipeline before the ensemble."
            )
        check_exportable(member)
        if member.input_layer_.kind in ("transformer", "tabular"):
            raise NotImplementedError(
                f"The members of this {type(ensemble).__name__} prepare their input with "
                f"{type(member.preprocessor_).__name__}, which the ONNX export of an "
                "ensemble does not take: put that preprocessing in a Pipeline before the "
                "ensemble and give the members preprocessing=None or 'standard'."
            )


def _convert_ensemble_classifier(scope, operator, container):
    ensemble = operator.raw_operator
    _check_members(ensemble)
    graph = Graph(scope, container, "deep_ensemble")
    features = float_input(graph, operator.inputs)
    n_classes = len(ensemble.classes_)
    total = None
    for index, member in enumerate(ensemble.estimators_):
        member_proba = _probabilities(
            graph, member, _member_input(graph, ensemble, index, features)
        )
        # A member's classes are codes of the ensemble's classes: spread its
        # columns over all classes (zero for a class it never saw).
        spread = np.zeros((len(member.classes_), n_classes), dtype=np.float32)
        spread[np.arange(len(member.classes_)), member.classes_] = 1.0
        if not np.array_equal(member.classes_, np.arange(n_classes)):
            member_proba = graph.node("MatMul", [member_proba, graph.constant(spread, "spread")])
        total = member_proba if total is None else graph.node("Add", [total, member_proba])
    count = graph.constant(np.float32(len(ensemble.estimators_)), "n_members")
    probabilities = graph.node("Div", [total, count], operator.outputs[1].full_name)
    _write_labels(graph, ensemble.classes_, False, probabilities, operator.outputs[0].full_name)


def _convert_ensemble_regressor(scope, operator, container):
    ensemble = operator.raw_operator
    _check_members(ensemble)
    graph = Graph(scope, container, "deep_ensemble")
    features = float_input(graph, operator.inputs)
    total = None
    for index, member in enumerate(ensemble.estimators_):
        prediction = _predictions(graph, member, _member_input(graph, ensemble, index, features))
        total = prediction if total is None else graph.node("Add", [total, prediction])
    count = graph.constant(np.float32(len(ensemble.estimators_)), "n_members")
    graph.node("Div", [total, count], operator.outputs[0].full_name)


#: estimator class -> (skl2onnx alias, shape calculator, converter)
CONVERTERS = {
    NeuralClassifier: ("SkneuralNeuralClassifier", _classifier_shapes, _convert_classifier),
    NeuralRegressor: ("SkneuralNeuralRegressor", _regressor_shapes, _convert_regressor),
    DeepEnsembleClassifier: (
        "SkneuralDeepEnsembleClassifier",
        _classifier_shapes,
        _convert_ensemble_classifier,
    ),
    DeepEnsembleRegressor: (
        "SkneuralDeepEnsembleRegressor",
        _regressor_shapes,
        _convert_ensemble_regressor,
    ),
    SnapshotEnsembleClassifier: (
        "SkneuralSnapshotEnsembleClassifier",
        _classifier_shapes,
        _convert_ensemble_classifier,
    ),
    SnapshotEnsembleRegressor: (
        "SkneuralSnapshotEnsembleRegressor",
        _regressor_shapes,
        _convert_ensemble_regressor,
    ),
    TabularPreprocessor: ("SkneuralTabularPreprocessor", tabular_shapes, convert_tabular),
}


def register_converters() -> None:
    """Register skneural's estimators with skl2onnx (idempotent).

    After this call, ``skl2onnx.convert_sklearn`` and ``skl2onnx.to_onnx``
    convert pipelines that end in a :class:`~skneural.NeuralClassifier`,
    :class:`~skneural.NeuralRegressor` or one of the deep and snapshot
    ensembles of :mod:`skneural.ensemble`, and pipelines with a
    :class:`~skneural.preprocessing.TabularPreprocessor` of numeric and
    boolean columns. Classifiers take
    skl2onnx's ``zipmap`` option (``False`` for a plain probability matrix).
    :func:`to_onnx` calls it.
    """
    from skl2onnx import update_registered_converter

    for estimator_class, (alias, shapes, converter) in CONVERTERS.items():
        classifier = estimator_class is NeuralClassifier or estimator_class in _ENSEMBLE_CLASSIFIERS
        network = estimator_class in (NeuralClassifier, NeuralRegressor)
        update_registered_converter(
            estimator_class,
            alias,
            shapes,
            converter,
            parser=_parse_network if network else None,
            options={"zipmap": [True, False, "columns"]} if classifier else None,
        )
