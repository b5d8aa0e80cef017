"""Writing nodes and constants into the skl2onnx container of a converter."""

import numpy as np


class Graph:
    """Adds nodes and constants to an skl2onnx container under fresh names."""

    def __init__(self, scope, container, prefix: str):
        self.scope, self.container, self.prefix = scope, container, prefix

    def name(self, hint: str) -> str:
        return self.scope.get_unique_variable_name(f"{self.prefix}_{hint}")

    def constant(self, value, hint: str) -> str:
        from onnx import TensorProto, numpy_helper

        value = np.asarray(value)
        name = self.name(hint)
        if value.dtype.kind in "OUS":  # string tensors hold no raw data
            content = [str(v).encode() for v in value.ravel()]
            self.container.add_initializer(name, TensorProto.STRING, list(value.shape), content)
        else:
            tensor = numpy_helper.from_array(value, name)
            self.container.add_initializer(name, tensor.data_type, list(value.shape), tensor)
        return name

    def node(self, op_type: str, inputs, output=None, **attributes) -> str:
        output = output or self.name(op_type.lower())
        self.container.add_node(
            op_type,
            list(inputs),
            [output],
            name=self.scope.get_unique_operator_name(f"{self.prefix}_{op_type}"),
            **attributes,
        )
        return output


def float_input(graph: Graph, inputs) -> str:
    """The operator's inputs as one float32 matrix (cast, then concatenated)."""
    from onnx import TensorProto
    from skl2onnx.common.data_types import FloatTensorType

    columns = [
        variable.full_name
        if isinstance(variable.type, FloatTensorType)
        else graph.node("Cast", [variable.full_name], to=TensorProto.FLOAT)
        for variable in inputs
    ]
    return columns[0] if len(columns) == 1 else graph.node("Concat", columns, axis=1)
