"""The image and sequence modules export with a dynamic batch axis, padded
sequences included (the estimators' graphs are tested in
test_onnx_images_sequences.py)."""

import numpy as np
import pytest
import torch

from skneural.nn._factory import BUILTIN_MODULES

onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

from skneural.export._torch_graph import export_network  # noqa: E402

MODULES = {
    "cnn": ({"channels": (4, 8)}, (1, 8, 8)),
    "resnet_cnn": ({"channels": (4, 8)}, (1, 8, 8)),
    "inception_time": ({"n_filters": 2, "depth": 3, "kernel_sizes": (5, 3)}, (2, 12)),
    "tcn": ({"n_filters": 3, "depth": 2, "kernel_size": 3}, (2, 12)),
    "sequence_transformer": ({"d_model": 4, "n_heads": 2, "num_layers": 1}, (2, 12)),
    "gru": ({"hidden_size": 4, "num_layers": 2}, (2, 12)),
    "lstm": ({"hidden_size": 4, "pooling": "last", "bidirectional": False}, (2, 12)),
}


@pytest.mark.parametrize("name", list(MODULES))
def test_module_exports_with_a_dynamic_batch_axis(name):
    params, shape = MODULES[name]
    torch.manual_seed(0)
    net = BUILTIN_MODULES[name](n_features_in=shape[0], n_outputs=3, **params).eval()
    model = export_network(net, shape, opset=18, owner=name)
    session = onnxruntime.InferenceSession(model.SerializeToString())
    for n_rows in (1, 7):  # the export traced 2 rows
        X = torch.randn(n_rows, *shape, generator=torch.Generator().manual_seed(n_rows))
        if len(shape) == 2:
            X[0, :, 9:] = float("nan")  # a shorter row, padded at the end
        (outputs,) = session.run(None, {"input": X.numpy()})
        with torch.no_grad():
            np.testing.assert_allclose(outputs, net(X).numpy(), rtol=1e-4, atol=1e-5)
