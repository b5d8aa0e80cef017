"""The image modules (``"cnn"``, ``"resnet_cnn"``) as plain torch modules."""

import re

import pytest
import torch

from skneural.nn import CNN, ResNetCNN
from skneural.nn._factory import BUILTIN_MODULES, build_module
from skneural.nn._resnet_cnn import ResidualConvBlock

# Tiny settings per architecture, so that every test runs in milliseconds.
TINY = {
    "cnn": {"channels": (4, 8, 8)},
    "resnet_cnn": {"channels": (4, 8), "blocks_per_stage": (1, 2)},
}
ARCHITECTURES = pytest.mark.parametrize("name", list(TINY))
SHAPES = pytest.mark.parametrize(
    "shape", [(1, 8, 8), (3, 28, 28), (3, 32, 32), (2, 7, 9), (1, 1, 1)], ids=str
)


@pytest.fixture(autouse=True)
def one_torch_thread():
    # Convolutions on tiny images run many times slower with two threads on
    # busy cores; the estimators train with one thread by default too.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _build(name, in_channels=1, seed=0, **overrides):
    torch.manual_seed(seed)
    return BUILTIN_MODULES[name](n_features_in=in_channels, n_outputs=3, **TINY[name], **overrides)


def _images(n, shape, seed=0):
    return torch.rand(n, *shape, generator=torch.Generator().manual_seed(seed))


def test_registered_by_name():
    assert BUILTIN_MODULES["cnn"] is CNN
    assert BUILTIN_MODULES["resnet_cnn"] is ResNetCNN


@ARCHITECTURES
@SHAPES
def test_output_shape_and_every_parameter_gets_a_gradient(name, shape):
    net = _build(name, in_channels=shape[0])
    out = net(_images(6, shape))
    assert out.shape == (6, 3) and out.dtype == torch.float32
    out.square().sum().backward()
    for parameter_name, parameter in net.named_parameters():
        grad = parameter.grad
        assert grad is not None and torch.isfinite(grad).all(), parameter_name
        assert grad.abs().sum() > 0, parameter_name


@ARCHITECTURES
def test_same_seed_same_network_and_outputs(name):
    first, second = _build(name, seed=3, dropout=0.5), _build(name, seed=3, dropout=0.5)
    for (key, a), b in zip(first.state_dict().items(), second.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0, msg=key)
    X = _images(5, (1, 8, 8))
    torch.manual_seed(7)
    out_first = first(X)
    torch.manual_seed(7)
    torch.testing.assert_close(out_first, second(X), rtol=0, atol=0)
    other = _build(name, seed=4, dropout=0.5)
    torch.manual_seed(7)
    assert not torch.equal(out_first, other(X))


@ARCHITECTURES
def test_eval_mode_predicts_rows_independently_and_without_dropout(name):
    net = _build(name, dropout=0.5)
    X = _images(8, (1, 8, 8))
    net.train()
    net(X)  # one training step's batch statistics reach the running averages
    net.eval()
    with torch.no_grad():
        together = net(X)
        one_by_one = torch.cat([net(X[i : i + 1]) for i in range(len(X))])
        torch.testing.assert_close(together, one_by_one, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(net(X), together, rtol=0, atol=0)
    net.train()
    with torch.no_grad():  # batch statistics and dropout: another answer
        assert not torch.allclose(net(X), together)


@pytest.mark.parametrize("name", list(TINY))
@pytest.mark.parametrize(
    "shape",
    [(10, 64), (10, 8, 8), (10, 1, 1, 8, 8), (10, 3, 8, 8)],
    ids=["tabular", "no-channel-axis", "5-d", "wrong-channels"],
)
def test_wrong_rank_or_channels_is_a_clear_error(name, shape):
    net = _build(name)
    message = f"expected input of shape (n, C, H, W) with C=1, got shape {tuple(shape)}."
    with pytest.raises(ValueError, match=re.escape(message)):
        net(torch.zeros(shape))


def test_patch_stem_sets_the_minimum_size():
    net = ResNetCNN(n_features_in=1, n_outputs=2, channels=(4,), stem="patch", stem_size=4)
    assert net.min_size == 4
    assert net(torch.rand(2, 1, 4, 6)).shape == (2, 2)
    with pytest.raises(ValueError, match="at least 4x4 pixels, got 3x8"):
        net(torch.rand(2, 1, 3, 8))
    with pytest.raises(ValueError, match="at least 4x4 pixels"):
        ResNetCNN(n_outputs=2, input_shape=(1, 2, 8), stem="patch", stem_size=4)


def test_cnn_layout_follows_channels_and_convs_per_stage():
    net = CNN(n_features_in=2, n_outputs=5, channels=(4, 6, 8), convs_per_stage=2, kernel_size=5)
    convs = [m for m in net.features.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [(c.in_channels, c.out_channels) for c in convs] == [
        (2, 4), (4, 4), (4, 6), (6, 6), (6, 8), (8, 8)
    ]  # fmt: skip
    assert all(c.kernel_size == (5, 5) and c.bias is None for c in convs)
    assert sum(isinstance(m, torch.nn.MaxPool2d) for m in net.features) == 2
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in net.features.modules()) == 6
    # 8x8 digits end on a 2x2 map, 28x28 images on 7x7 (pooling rounds up).
    assert net.features(torch.rand(2, 2, 8, 8)).shape == (2, 8, 2, 2)
    assert net.features(torch.rand(2, 2, 28, 28)).shape == (2, 8, 7, 7)
    assert net.head[1].in_features == 8


def test_resnet_cnn_layout_follows_channels_blocks_and_stem():
    net = ResNetCNN(n_features_in=3, n_outputs=4, channels=(4, 8, 16), blocks_per_stage=(1, 2, 1))
    assert [len(stage) for stage in net.stages] == [1, 2, 1]
    strides = [block.branch[0][0].stride for stage in net.stages for block in stage]
    assert strides == [(1, 1), (2, 2), (1, 1), (2, 2)]
    assert net.stem[0].kernel_size == (3, 3) and net.stem[0].stride == (1, 1)
    maps = net.stages(net.stem(torch.rand(2, 3, 32, 32)))
    assert maps.shape == (2, 16, 8, 8)
    patch = ResNetCNN(n_features_in=3, n_outputs=4, channels=(4, 8), stem="patch", stem_size=2)
    assert patch.stem[0].stride == (2, 2) and patch.stem[0].padding == (0, 0)
    assert patch.stages(patch.stem(torch.rand(2, 3, 32, 32))).shape == (2, 8, 8, 8)


def test_residual_block_adds_its_shortcut():
    # A block whose branch ends in a zero batch-norm scale adds nothing to
    # its shortcut, whichever kind the shortcut is.
    X = torch.randn(2, 4, 6, 6)
    same = ResidualConvBlock(4, 4, stride=1, activation="identity")
    torch.nn.init.zeros_(same.branch[1][1].weight)
    assert isinstance(same.shortcut, torch.nn.Identity)
    torch.testing.assert_close(same(X), X)
    down = ResidualConvBlock(4, 8, stride=2, activation="identity")
    torch.nn.init.zeros_(down.branch[1][1].weight)
    torch.testing.assert_close(down(X), down.shortcut(X))
    assert down(X).shape == (2, 8, 3, 3)


@ARCHITECTURES
def test_built_by_the_factory_with_estimator_parameters(name):
    net = build_module(
        name,
        n_features_in=3,
        n_outputs=4,
        architecture_params={
            "hidden_layer_sizes": (128, 128),
            "activation": "gelu",
            "dropout": 0.25,
            "batch_norm": False,
            "categorical_cardinalities": None,
        },
        module_params={"input_shape": (3, 16, 16), **TINY[name]},
    )
    assert isinstance(net, BUILTIN_MODULES[name])
    assert net.in_channels == 3 and net.input_shape == (3, 16, 16)
    assert net.head[0].p == 0.25
    assert any(isinstance(m, torch.nn.GELU) for m in net.modules())
    assert not any(isinstance(m, torch.nn.Linear) and m.out_features == 128 for m in net.modules())
    assert net(torch.rand(2, 3, 16, 16)).shape == (2, 4)


@pytest.mark.parametrize(
    "factory, kwargs, message",
    [
        (CNN, {"n_outputs": 2}, "needs its number of input channels"),
        (CNN, {"n_features_in": 3, "n_outputs": 2, "input_shape": (1, 8, 8)}, "does not match"),
        (CNN, {"n_outputs": 2, "input_shape": (8, 8)}, r"\(C, H, W\) with 3 entries"),
        (CNN, {"n_features_in": 1, "n_outputs": 2, "channels": ()}, "non-empty sequence"),
        (CNN, {"n_features_in": 1, "n_outputs": 2, "channels": (8, 0)}, "channels"),
        (CNN, {"n_features_in": 1, "n_outputs": 2, "kernel_size": 4}, "kernel_size must be odd"),
        (CNN, {"n_features_in": 1, "n_outputs": 2, "convs_per_stage": 0}, "convs_per_stage"),
        (CNN, {"n_features_in": 1, "n_outputs": 2, "dropout": 1.0}, "dropout"),
        (CNN, {"n_features_in": 1, "n_outputs": 2, "activation": "swish"}, "Unknown activation"),
        (ResNetCNN, {"n_features_in": 1, "n_outputs": 2, "stem": "big"}, "stem must be one of"),
        (ResNetCNN, {"n_features_in": 1, "n_outputs": 2, "stem_size": 4}, "stem_size must be odd"),
        (
            ResNetCNN,
            {"n_features_in": 1, "n_outputs": 2, "channels": (4, 8), "blocks_per_stage": (1,)},
            "one integer per stage",
        ),
        (ResNetCNN, {"n_features_in": 1, "n_outputs": 2, "blocks_per_stage": 0}, "blocks_per"),
    ],
)
def test_bad_constructor_arguments(factory, kwargs, message):
    with pytest.raises(ValueError, match=message):
        factory(**kwargs)


@pytest.mark.filterwarnings("ignore::FutureWarning")  # raised inside torch.onnx
def test_onnx_export_with_a_dynamic_batch_axis(tmp_path):
    pytest.importorskip("onnx")
    pytest.importorskip("onnxscript")  # torch.onnx's exporter needs it
    onnxruntime = pytest.importorskip("onnxruntime")
    # Both modules in one test: the exporter's start-up takes most of the time.
    for name in TINY:
        net = _build(name, in_channels=3).eval()
        path = tmp_path / f"{name}.onnx"
        torch.onnx.export(
            net,
            (_images(2, (3, 16, 16)),),
            str(path),
            input_names=["images"],
            output_names=["outputs"],
            dynamic_shapes={"X": {0: torch.export.Dim("batch")}},
        )
        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        for n in (1, 5):
            X = _images(n, (3, 16, 16), seed=n)
            (onnx_out,) = session.run(None, {"images": X.numpy()})
            with torch.no_grad():
                expected = net(X)
            torch.testing.assert_close(torch.from_numpy(onnx_out), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@ARCHITECTURES
def test_forward_and_backward_on_cuda_match_cpu(name):
    cpu = _build(name, in_channels=3).eval()
    gpu = _build(name, in_channels=3).eval().cuda()
    X = _images(4, (3, 12, 12))
    out = gpu(X.cuda())
    assert out.is_cuda
    out.sum().backward()
    assert all(p.grad.is_cuda for p in gpu.parameters())
    with torch.no_grad():
        torch.testing.assert_close(out.detach().cpu(), cpu(X), rtol=1e-3, atol=1e-4)
    with pytest.raises(ValueError, match="with C=3"):
        gpu(torch.zeros(4, 1, 12, 12, device="cuda"))
