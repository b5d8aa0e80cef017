"""Residual convolutional network for images (the basic-block ResNet of He et al., 2016)."""

from collections.abc import Sequence
from numbers import Integral

import torch
from torch import nn

from ._checks import check_int, check_option, check_probability
from ._cnn import ConvBlock
from ._image_module import ImageModule, check_channels, resolve_in_channels
from ._mlp import make_activation

STEMS = ("conv", "patch")


class ResidualConvBlock(nn.Module):
    """Basic residual block: ``act(BN(conv(act(BN(conv(x))))) + shortcut(x))``.

    Both convolutions are 3x3; the first has the block's stride. The shortcut
    is the identity, or a strided 1x1 convolution with batch norm when the
    block changes the resolution or the number of channels.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and of the output.
    stride : int, default=1
        Stride of the first convolution and of the shortcut (2 halves the
        height and width, rounding up).
    activation : str, default="relu"
        Name of the non-linearity (see ``ACTIVATIONS``).
    """

    def __init__(
        self, in_channels: int, out_channels: int, stride: int = 1, activation: str = "relu"
    ):
        super().__init__()
        self.branch = nn.Sequential(
            ConvBlock(in_channels, out_channels, 3, stride, activation),
            ConvBlock(out_channels, out_channels, 3, 1, "identity"),
        )
        if stride == 1 and in_channels == out_channels:
            self.shortcut = nn.Identity()
        else:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )
        self.activation = make_activation(activation)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.activation(self.branch(X) + self.shortcut(X))


def _check_blocks_per_stage(blocks_per_stage, n_stages: int) -> tuple[int, ...]:
    if isinstance(blocks_per_stage, Integral) and not isinstance(blocks_per_stage, bool):
        return (check_int("blocks_per_stage", blocks_per_stage, 1),) * n_stages
    if not isinstance(blocks_per_stage, Sequence) or len(blocks_per_stage) != n_stages:
        raise ValueError(
            "blocks_per_stage must be an integer or a sequence with one integer per "
            f"stage ({n_stages} stages), got {blocks_per_stage!r}."
        )
    return tuple(check_int("each entry of blocks_per_stage", b, 1) for b in blocks_per_stage)


class ResNetCNN(ImageModule):
    """Residual convolutional network: a stem, stages of residual blocks, a linear head.

    The stem maps the input to ``channels[0]`` channels. Stage ``i`` is
    ``blocks_per_stage`` residual blocks with ``channels[i]`` output channels
    (two 3x3 convolutions with batch norm, added to a shortcut); the first
    block of every stage after the first has stride 2, halving the height and
    width (rounding up). Global average pooling, dropout and a linear layer
    give the outputs, so the network takes any image size from ``min_size``
    up.

    The estimators' ``activation`` and ``dropout`` reach this module;
    ``hidden_layer_sizes`` and ``batch_norm`` do not (every convolution is
    batch-normalised; the depth and width are ``channels`` and
    ``blocks_per_stage``, set through ``module_params``).

    Parameters
    ----------
    n_features_in : int, optional
        Number of input channels ``C`` (``X.shape[1]`` of an ``(n, C, H, W)``
        batch). Needed unless ``input_shape`` is given.
    n_outputs : int
        Number of outputs (logits for classifiers, targets for regressors).
    input_shape : tuple of (C, H, W), optional
        Shape of one image. Only its ``C`` is used to build the network (it
        must equal ``n_features_in`` when both are given); ``H`` and ``W``
        are checked against the minimum size.
    channels : sequence of int, default=(32, 64, 128)
        Output channels of each stage; its length is the number of stages.
    blocks_per_stage : int or sequence of int, default=1
        Residual blocks (two convolutions each) per stage, one number for
        all stages or one per stage.
    stem : {"conv", "patch"}, default="conv"
        ``"conv"``: a ``stem_size`` x ``stem_size`` convolution at stride 1,
        batch norm and the activation, keeping the resolution (for small
        images such as 8x8 digits, MNIST or CIFAR). ``"patch"``: the same
        with stride ``stem_size``, which cuts the image into non-overlapping
        patches and divides its height and width by ``stem_size`` (a cheap
        start on larger images).
    stem_size : int, default=3
        Kernel size of the stem (odd for ``"conv"``), and its stride for
        ``"patch"``.
    activation : str, default="relu"
        Non-linearity of the stem and of the blocks.
    dropout : float, default=0.0
        Dropout of the pooled features before the head.

    Attributes
    ----------
    in_channels : int
        Number of input channels the network takes.
    min_size : int
        Smallest height and width it takes: ``stem_size`` for the ``"patch"``
        stem, 1 for ``"conv"``.
    stem : torch.nn.Sequential
        The stem's convolution, batch norm and activation.
    stages : torch.nn.Sequential
        One ``Sequential`` of residual blocks per stage.
    head : torch.nn.Sequential
        Dropout and the linear output layer, applied to the pooled features.

    Examples
    --------
    >>> import torch
    >>> from skneural.nn import ResNetCNN
    >>> net = ResNetCNN(n_features_in=3, n_outputs=10, channels=(16, 32),
    ...                 stem="patch", stem_size=2)
    >>> net(torch.rand(4, 3, 32, 32)).shape
    torch.Size([4, 10])
    """

    def __init__(
        self,
        n_features_in: int | None = None,
        *,
        n_outputs: int,
        input_shape: Sequence[int] | None = None,
        channels: Sequence[int] = (32, 64, 128),
        blocks_per_stage: int | Sequence[int] = 1,
        stem: str = "conv",
        stem_size: int = 3,
        activation: str = "relu",
        dropout: float = 0.0,
    ):
        super().__init__()
        self.in_channels, self.input_shape = resolve_in_channels(n_features_in, input_shape)
        n_outputs = check_int("n_outputs", n_outputs, 1)
        channels = check_channels(channels)
        blocks = _check_blocks_per_stage(blocks_per_stage, len(channels))
        check_option("stem", stem, STEMS)
        stem_size = check_int("stem_size", stem_size, 1)
        if stem == "conv" and stem_size % 2 == 0:
            raise ValueError(f"stem_size must be odd for stem='conv', got {stem_size}.")
        dropout = check_probability("dropout", dropout)
        self.min_size = stem_size if stem == "patch" else 1
        self.check_input_shape(self.input_shape)
        if stem == "patch":
            stride, padding = stem_size, 0
        else:
            stride, padding = 1, None
        self.stem = ConvBlock(self.in_channels, channels[0], stem_size, stride, activation, padding)
        stages = []
        width = channels[0]
        for stage, (out_channels, n_blocks) in enumerate(zip(channels, blocks, strict=True)):
            layers = []
            for block in range(n_blocks):
                stride = 2 if stage > 0 and block == 0 else 1
                layers.append(ResidualConvBlock(width, out_channels, stride, activation))
                width = out_channels
            stages.append(nn.Sequential(*layers))
        self.stages = nn.Sequential(*stages)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(width, n_outputs))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        self.check_input(X)
        return self.head(self.stages(self.stem(X)).mean(dim=(2, 3)))
