"""An skl2onnx converter for :class:`~skneural.preprocessing.TabularPreprocessor`.

The preprocessor a network builds with ``preprocessing="auto"`` for a
DataFrame with missing values or boolean columns exports when all its
columns are numeric or boolean: numbers read as floats (infinity as NaN),
clipped to the fitted bounds, scaled (standard or robust), NaN imputed by
the fitted statistics, plus the missing-value indicator columns, in the
preprocessor's output order. Text, category and datetime columns are
cleaned by rules that ONNX cannot express (whitespace and case of text,
rare grouping, date parsing) and keep a ``NotImplementedError`` that names
them and the Pipeline to build instead.
"""

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import FunctionTransformer, RobustScaler, StandardScaler

from ..preprocessing import OutlierClipper, TabularPreprocessor
from ._graph import Graph, float_input

#: Column kinds of the preprocessor that the graph computes.
EXPORTABLE_KINDS = ("numeric", "boolean")


def check_tabular_exportable(preprocessor: TabularPreprocessor, owner: str) -> None:
    """Raise ``NotImplementedError`` unless the graph can compute ``preprocessor``.

    Parameters
    ----------
    preprocessor : TabularPreprocessor
        Fitted.
    owner : str
        Name of the estimator it belongs to, for the message.
    """
    unsupported = {
        kind: columns
        for kind, columns in preprocessor.column_kinds_.items()
        if columns and kind not in EXPORTABLE_KINDS
    }
    if preprocessor.scaling == "quantile":
        unsupported["scaling='quantile'"] = []
    if not unsupported:
        return
    what = ", ".join(
        f"{kind} columns {columns}" if columns else kind for kind, columns in unsupported.items()
    )
    raise NotImplementedError(
        f"This {owner} prepares its input with the built-in TabularPreprocessor "
        "(preprocessing='auto' on a DataFrame with text, category, boolean or datetime "
        "columns or missing values), whose graph covers numeric and boolean columns with "
        f"standard or robust scaling only; it has {what}: the cleaning of text categories "
        "(whitespace, case, rare grouping) and the datetime features have no ONNX "
        "equivalent. Put the preprocessing in a scikit-learn Pipeline before the network "
        "instead, built from steps skl2onnx converts (ColumnTransformer, SimpleImputer, "
        "OneHotEncoder, StandardScaler, ...), and give the network preprocessing=None or "
        "'standard': e.g. make_pipeline(make_column_transformer((OneHotEncoder("
        "handle_unknown='ignore'), text_columns), (StandardScaler(), numeric_columns)), "
        f"{owner}(preprocessing=None))."
    )


def tabular_shapes(operator) -> None:
    """skl2onnx shape calculator: one float32 matrix of the output columns."""
    from skl2onnx.common.data_types import FloatTensorType

    preprocessor = operator.raw_operator
    n_columns = len(preprocessor.get_feature_names_out())
    n_rows = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = FloatTensorType([n_rows, n_columns])


def convert_tabular(scope, operator, container) -> None:
    """skl2onnx converter: the numeric and boolean branches of the fitted
    preprocessor's column transformer, concatenated in its output order."""
    from skl2onnx.common.data_types import FloatTensorType

    preprocessor = operator.raw_operator
    check_tabular_exportable(preprocessor, "estimator")
    text = [v.onnx_name for v in operator.inputs if not isinstance(v.type, FloatTensorType)]
    if text:
        raise ValueError(
            f"X_sample's columns {text} hold text, but the graph of the fitted "
            "TabularPreprocessor reads its numeric and boolean columns as numbers only: "
            "pass them as numbers (booleans as bool or 0/1), converted before the model if "
            "they were text in fit."
        )
    graph = Graph(scope, container, "tabular_preprocessor")
    features = float_input(graph, operator.inputs)
    # infinity reads as NaN, as in the preprocessor's float reader
    nan = graph.constant(np.float32(np.nan), "nan")
    features = graph.node("Where", [graph.node("IsInf", [features]), nan, features])
    outputs = []
    for name, branch, columns in preprocessor.column_transformer_.transformers_:
        if name == "remainder":
            continue
        picked = graph.node(
            "Gather", [features, graph.constant(np.asarray(columns, np.int64), "columns")], axis=1
        )
        outputs += _branch(graph, branch, picked)
    graph.node("Concat", outputs, operator.outputs[0].full_name, axis=1)


def _branch(graph, branch, values: str) -> list:
    """The output blocks of one fitted branch pipeline on the float ``values``."""
    from onnx import TensorProto

    blocks = []
    for _, step in branch.steps:
        if isinstance(step, OutlierClipper):
            values = _clip(graph, values, step.lower_, step.upper_)
        elif isinstance(step, StandardScaler | RobustScaler):
            centre = step.mean_ if isinstance(step, StandardScaler) else step.center_
            if centre is not None and getattr(step, "with_mean", True) is not False:
                values = graph.node("Sub", [values, graph.constant(_f32(centre), "centre")])
            if step.scale_ is not None:
                values = graph.node("Div", [values, graph.constant(_f32(step.scale_), "scale")])
        elif isinstance(step, SimpleImputer):  # last in every branch
            missing = graph.node("IsNaN", [values])
            fill = graph.constant(_f32(step.statistics_), "statistics")
            blocks.append(graph.node("Where", [missing, fill, values]))
            indicator = getattr(step, "indicator_", None)
            if indicator is not None and len(indicator.features_):
                flagged = graph.constant(np.asarray(indicator.features_, np.int64), "flagged")
                flags = graph.node("Gather", [missing, flagged], axis=1)
                blocks.append(graph.node("Cast", [flags], to=TensorProto.FLOAT))
        elif not isinstance(step, FunctionTransformer):  # the float readers: floats already
            raise NotImplementedError(
                f"The ONNX export of TabularPreprocessor does not know its step "
                f"{type(step).__name__}."
            )
    return blocks or [values]


def _clip(graph, values: str, lower, upper) -> str:
    """``np.clip`` with NaN kept (a comparison with NaN is false)."""
    lower, upper = graph.constant(_f32(lower), "lower"), graph.constant(_f32(upper), "upper")
    values = graph.node("Where", [graph.node("Less", [values, lower]), lower, values])
    return graph.node("Where", [graph.node("Greater", [values, upper]), upper, values])


def _f32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)
