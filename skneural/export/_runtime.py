"""Loading an ONNX graph into onnxruntime, with an error that says why it fails."""

from ..utils._optional import import_optional

#: Opset of the default ONNX domain unless ``target_opset`` says otherwise:
#: LayerNormalization is native from 17, and onnxruntime >= 1.14 runs 18.
DEFAULT_OPSET = 18
#: Oldest opset the exported graphs are built for: the networks' Gemm and the
#: steps around them take their current form in opset 9.
MIN_OPSET = 9


def inference_session(model, *, feature: str, quiet: bool = False):
    """An onnxruntime session running ``model`` on the CPU.

    Parameters
    ----------
    model : onnx.ModelProto
    feature : str
        What needs onnxruntime, named when it is not installed.
    quiet : bool, default=False
        Keep onnxruntime from logging the errors of the session's runs
        (where a failing run is an answer, not news).

    Returns
    -------
    onnxruntime.InferenceSession

    Raises
    ------
    ValueError
        When onnxruntime cannot load ``model``, e.g. for an opset older than
        its operators need; the message gives the graph's opsets.
    """
    onnxruntime = import_optional("onnxruntime", extra="onnx", feature=feature)
    options = onnxruntime.SessionOptions()
    if quiet:
        options.log_severity_level = 4
    try:
        return onnxruntime.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime's own exception types
        opsets = {entry.domain or "ai.onnx": entry.version for entry in model.opset_import}
        raise ValueError(
            f"onnxruntime cannot load the ONNX graph (opsets {opsets}): {exc} An opset older "
            "than the graph's operators need is a usual cause: pass a newer target_opset, "
            f"or None for {DEFAULT_OPSET}."
        ) from exc
