"""The sequence modules exported to ONNX, and on a CUDA device (each skipped when absent)."""

import copy

import pytest
import torch

from skneural.nn._factory import BUILTIN_MODULES

NAN = float("nan")

TINY = {
    "gru": {"hidden_size": 4, "pooling": "last", "patch_size": 2},
    "lstm": {"hidden_size": 4, "pooling": "attention"},
    "inception_time": {"n_filters": 2, "depth": 3, "kernel_sizes": (5, 3)},
    "tcn": {"n_filters": 3, "depth": 2, "kernel_size": 3},
    "sequence_transformer": {
        "d_model": 4,
        "n_heads": 2,
        "num_layers": 1,
        "pooling": "cls",
        "patch_size": 2,
    },
}
# torch.export unrolls a recurrence over the time steps, so the recurrent
# modules export for the training length only; the others for any length.
FIXED_LENGTH = {"gru", "lstm"}


def _batch(n_rows, n_steps, seed=0):
    X = torch.randn(n_rows, 2, n_steps, generator=torch.Generator().manual_seed(seed))
    X[1, :, n_steps // 2 :] = NAN
    return X


class _SideBySide(torch.nn.Module):
    """Several modules on one input, exported together (one export is the slow part)."""

    def __init__(self, names):
        super().__init__()
        torch.manual_seed(0)
        self.names = names
        self.nets = torch.nn.ModuleList(
            BUILTIN_MODULES[name](n_features_in=2, n_outputs=3, **TINY[name]) for name in names
        )

    def forward(self, X):
        return tuple(net(X) for net in self.nets)


@pytest.mark.parametrize("dynamic_length", [True, False], ids=["any-length", "fixed-length"])
def test_onnx_export_with_a_dynamic_batch_axis_matches_torch(dynamic_length):
    pytest.importorskip("onnxscript")
    onnxruntime = pytest.importorskip("onnxruntime")
    names = [name for name in TINY if (name in FIXED_LENGTH) != dynamic_length]
    nets = _SideBySide(names).eval()
    dynamic = {0: torch.export.Dim("batch")}
    if dynamic_length:
        dynamic[2] = torch.export.Dim("steps")
    program = torch.onnx.export(nets, (_batch(4, 12),), dynamic_shapes=(dynamic,), dynamo=True)
    session = onnxruntime.InferenceSession(program.model_proto.SerializeToString())
    X = _batch(7, 19 if dynamic_length else 12, seed=1)
    outputs = session.run(None, {session.get_inputs()[0].name: X.numpy()})
    with torch.no_grad():
        for name, out, expected in zip(names, outputs, nets(X), strict=True):
            torch.testing.assert_close(
                torch.from_numpy(out), expected, rtol=1e-4, atol=1e-5, msg=name
            )


needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@needs_cuda
@pytest.mark.parametrize("name", list(TINY))
@pytest.mark.parametrize("tokens", [False, True], ids=["values", "tokens"])
def test_cuda_matches_the_cpu_and_trains(name, tokens):
    extra = {"vocab_size": 9, "embedding_dim": 2} if tokens else {}
    torch.manual_seed(0)
    net = BUILTIN_MODULES[name](
        n_features_in=1 if tokens else 2, n_outputs=3, **TINY[name], **extra
    )
    X = torch.randint(0, 9, (5, 1, 12)).float() if tokens else _batch(5, 12)
    X[1, :, 6:] = NAN
    on_gpu = copy.deepcopy(net).cuda()
    with torch.no_grad():
        expected = net.eval()(X)
        torch.testing.assert_close(on_gpu.eval()(X.cuda()).cpu(), expected, rtol=1e-4, atol=1e-4)
    on_gpu.train()(X.cuda()).square().sum().backward()
    assert all(torch.isfinite(p.grad).all() for p in on_gpu.parameters() if p.grad is not None)
    if tokens:
        X[0, 0, 0] = 9.0
        with pytest.raises(ValueError, match="Token ids must be integers"):
            on_gpu(X.cuda())
