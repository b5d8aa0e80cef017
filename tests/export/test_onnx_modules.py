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

TRANSFORMER = {"d_model": 4, "n_heads": 2, "num_layers": 1}
MODULES = {
    "cnn": ("cnn", {"channels": (4, 8)}, (1, 8, 8)),
    "resnet_cnn": ("resnet_cnn", {"channels": (4, 8)}, (1, 8, 8)),
    "inception_time": (
        "inception_time",
        {"n_filters": 2, "depth": 3, "kernel_sizes": (5, 3)},
        (2, 12),
    ),
    "tcn": ("tcn", {"n_filters": 3, "depth": 2, "kernel_size": 3}, (2, 12)),
    "sequence_transformer": ("sequence_transformer", TRANSFORMER, (2, 12)),
    "gru": ("gru", {"hidden_size": 4, "num_layers": 2}, (2, 12)),
    "lstm": ("lstm", {"hidden_size": 4, "pooling": "last", "bidirectional": False}, (2, 12)),
}


@pytest.mark.parametrize("case", list(MODULES))
def test_module_exports_with_a_dynamic_batch_axis(case):
    name, params, shape = MODULES[case]
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


class FixedBatch(torch.nn.Module):
    """A network whose forward keeps the batch size of the first batch it saw."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(3, 2)
        self.rows = None

    def forward(self, X):
        self.rows = self.rows or X.shape[0]
        return self.linear(X).reshape(self.rows, -1)


def test_a_network_exported_with_a_fixed_batch_size_is_refused():
    with pytest.raises(RuntimeError, match="FixedBatch"):
        export_network(FixedBatch().eval(), (3,), opset=18, owner="NeuralRegressor")
