"""A fitted network as an ONNX graph, and that graph inlined into a larger one.

The network is exported with torch's TorchScript-based exporter
(``torch.onnx.export(..., dynamo=False)``): about half a second for the
built-in modules, against seconds for the dynamo exporter. The batch axis is
dynamic. Where that exporter fixes it in the zero initial state of recurrent
layers (GRU, LSTM), the state is removed from the graph (ONNX's default
initial state is zero); where it fixes it otherwise (e.g. the patches of the
sequence transformer), the dynamo exporter exports the network again.
:func:`inline_graph` copies the exported nodes and weights into the skl2onnx
container that builds the whole pipeline, under fresh names.
"""

import copy
import io
import logging
import warnings
from contextlib import contextmanager

import numpy as np
import torch

from ..utils._optional import import_optional
from ._runtime import inference_session

#: Rows of the dummy batch the network is traced on; 2, not 1, so that no
#: operation is specialised for a single row.
_TRACE_ROWS = 2


def export_network(module: torch.nn.Module, input_shape, *, opset: int, owner: str):
    """The network ``module`` as an ONNX model with a dynamic batch axis.

    The TorchScript-based exporter runs first; when its graph fails on
    batches of another size than the traced one (checked in onnxruntime on
    1 and 3 rows), the dynamo exporter (which needs onnxscript) exports it
    again.

    Parameters
    ----------
    module : torch.nn.Module
        The fitted network; a CPU copy in eval mode is exported, the module
        itself is left as it is.
    input_shape : tuple of int
        Shape of one sample of the network's float32 input.
    opset : int
        ONNX opset of the default domain.
    owner : str
        Name of the estimator, for error messages.

    Returns
    -------
    onnx.ModelProto
        One float32 input ``input`` of shape ``(batch, *input_shape)`` and one
        output ``output``.

    Raises
    ------
    RuntimeError
        When torch cannot export the module, or only with a fixed batch
        size; the message says what to do.
    """
    network = copy.deepcopy(module).cpu().eval()
    model = _export(network, input_shape, opset, owner, dynamo=False)
    if _batch_axis_is_dynamic(model, network, input_shape):
        return model
    import_optional(
        "onnxscript",
        extra="onnx",
        feature=f"The ONNX export of the network of {owner}, whose batch size the "
        "TorchScript-based exporter fixes,",
    )
    model = _export(network, input_shape, opset, owner, dynamo=True)
    if not _batch_axis_is_dynamic(model, network, input_shape):
        raise RuntimeError(
            f"torch exported the network of {owner} ({type(module).__name__}) with a fixed "
            "batch size: its graph fails on batches of another size than the traced one. "
            "Make the forward compute shapes from the input (x.shape[0], not a number "
            "kept from an earlier batch), or export it with torch.onnx.export yourself."
        )
    return model


def _export(network, input_shape, opset: int, owner: str, *, dynamo: bool):
    """``network`` exported by torch's TorchScript-based or dynamo exporter."""
    import onnx

    dummy = torch.zeros((_TRACE_ROWS, *input_shape), dtype=torch.float32)
    names = {"input_names": ["input"], "output_names": ["output"], "opset_version": opset}
    try:
        # Traced with autograd on: in eval mode under no_grad, MultiheadAttention
        # takes a fused fast path that has no ONNX equivalent.
        with _mha_fastpath_disabled(), _quiet_exporter():
            if dynamo:
                batch = {0: torch.export.Dim("batch")}
                program = torch.onnx.export(
                    network, (dummy,), dynamic_shapes=(batch,), dynamo=True, verbose=False, **names
                )
                return program.model_proto
            buffer = io.BytesIO()
            torch.onnx.export(
                network,
                (dummy,),
                buffer,
                dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                dynamo=False,
                **names,
            )
    except Exception as exc:
        raise RuntimeError(
            f"torch could not export the network of {owner} ({type(network).__name__}) to "
            f"ONNX at opset {opset}: {type(exc).__name__}: {exc}. The network must be "
            "traceable by torch.onnx.export: its forward may branch on the input's shape "
            "but not on its values, and every operation must have an ONNX equivalent. "
            "Try another target_opset, or rewrite the unsupported operation with "
            "standard torch operations."
        ) from exc
    return _without_zero_initial_states(onnx.load_from_string(buffer.getvalue()))


def _batch_axis_is_dynamic(model, network, input_shape) -> bool:
    """Whether ``model`` computes what ``network`` computes on batches of 1 and
    3 rows (zeros), where the export traced 2. A batch size fixed by the
    export shows as an error or as outputs of the wrong shape."""
    session = inference_session(model, feature="to_onnx", quiet=True)
    for n_rows in (1, 3):
        probe = torch.zeros((n_rows, *input_shape), dtype=torch.float32)
        try:
            (output,) = session.run(None, {session.get_inputs()[0].name: probe.numpy()})
        except Exception:  # onnxruntime's error on a shape the graph fixed
            return False
        try:
            with torch.no_grad(), _mha_fastpath_disabled():
                expected = network(probe).numpy()
        except Exception:  # the network refuses zeros: to_onnx's verification decides
            return True
        scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
        if output.shape != expected.shape or not np.allclose(
            output, expected, rtol=1e-3, atol=1e-4 * scale
        ):
            return False
    return True


#: ONNX recurrent operators, whose inputs 5 and 6 are the initial states.
_RECURRENT_OPS = ("GRU", "LSTM", "RNN")


def _without_zero_initial_states(model):
    """``model`` with the all-zero initial states of its recurrent nodes left
    out (then zero by ONNX's definition), and the nodes that computed them
    removed.

    The TorchScript exporter builds these zeros with the batch size of the
    traced input, which fixes the batch axis of the graph.
    """
    graph = model.graph
    producers = {output: node for node in graph.node for output in node.output}
    initializers = {tensor.name: tensor for tensor in graph.initializer}
    changed = False
    for node in graph.node:
        if node.op_type not in _RECURRENT_OPS:
            continue
        for position in (5, 6):  # initial_h, initial_c
            if position < len(node.input) and _is_zero(
                node.input[position], producers, initializers
            ):
                node.input[position] = ""
                changed = True
    if changed:
        _remove_unused_nodes(graph)
    return model


def _is_zero(name: str, producers: dict, initializers: dict) -> bool:
    """Whether the value ``name`` is a constant made of zeros only."""
    from onnx import numpy_helper

    if name in initializers:
        return not numpy_helper.to_array(initializers[name]).any()
    node = producers.get(name)
    if node is None:
        return False
    if node.op_type == "Expand":
        return _is_zero(node.input[0], producers, initializers)
    if node.op_type in ("Constant", "ConstantOfShape"):
        values = [attr.t for attr in node.attribute if attr.name == "value"]
        if not values:  # ConstantOfShape's default value is 0; Constant's other forms
            return node.op_type == "ConstantOfShape"
        return not numpy_helper.to_array(values[0]).any()
    return False


def _remove_unused_nodes(graph) -> None:
    """Remove the nodes no graph output depends on (nodes are in topological order)."""
    needed = {output.name for output in graph.output}
    kept = []
    for node in reversed(graph.node):
        if any(output in needed for output in node.output):
            kept.append(node)
            needed.update(node.input)
    kept.reverse()
    del graph.node[:]
    graph.node.extend(kept)


@contextmanager
def _quiet_exporter():
    """Silence the exporters' warnings and log lines about details they handle."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


@contextmanager
def _mha_fastpath_disabled():
    """Turn off the fused attention kernel of ``nn.MultiheadAttention`` (no ONNX op)."""
    previous = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        yield
    finally:
        torch.backends.mha.set_fastpath_enabled(previous)


def inline_graph(model, scope, container, input_name: str, prefix: str) -> str:
    """Copy the graph of ``model`` into an skl2onnx ``container``.

    Every value of the graph gets a fresh name from ``scope`` (so that
    several networks can share one container), its input reads
    ``input_name``.

    Returns
    -------
    str
        The name of the graph's output in the container.
    """
    from onnx import numpy_helper
    from onnx.helper import get_attribute_value

    graph = model.graph
    if len(graph.input) != 1 or len(graph.output) != 1:
        raise ValueError(
            f"Expected a network graph with one input and one output, got "
            f"{len(graph.input)} and {len(graph.output)}."
        )
    names = {graph.input[0].name: input_name, "": ""}

    def renamed(name):
        if name not in names:
            names[name] = scope.get_unique_variable_name(f"{prefix}_{name}")
        return names[name]

    for tensor in graph.initializer:
        value = numpy_helper.to_array(tensor)
        container.add_initializer(
            renamed(tensor.name),
            tensor.data_type,
            list(value.shape),
            numpy_helper.from_array(np.array(value, order="C")),  # keeps 0-d scalars 0-d
        )
    for node in graph.node:
        attributes = {attr.name: get_attribute_value(attr) for attr in node.attribute}
        if any(attr.g.node or attr.graphs for attr in node.attribute):
            raise NotImplementedError(
                f"The exported network has a {node.op_type} node with a subgraph (control "
                "flow on tensor values), which skneural cannot embed yet."
            )
        inputs = list(node.input)
        while inputs and not inputs[-1]:  # absent optional inputs, which skl2onnx cannot sort
            inputs.pop()
        container.add_node(
            node.op_type,
            [renamed(name) for name in inputs],
            [renamed(name) for name in node.output],
            op_domain=node.domain,
            op_version=_opset_of(model, node.domain),
            name=scope.get_unique_operator_name(f"{prefix}_{node.op_type}"),
            **attributes,
        )
    return renamed(graph.output[0].name)


def _opset_of(model, domain: str) -> int:
    for entry in model.opset_import:
        if entry.domain == domain or (
            entry.domain in ("", "ai.onnx") and domain in ("", "ai.onnx")
        ):
            return entry.version
    raise ValueError(f"The exported network uses the undeclared ONNX domain {domain!r}.")
