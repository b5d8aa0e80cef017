"""A small convolutional network for images: conv-BN-activation stages and pooling."""

from collections.abc import Sequence

import torch
from torch import nn

from ._checks import check_int, check_probability
from ._image_module import ImageModule, check_channels, resolve_in_channels
from ._mlp import make_activation


class ConvBlock(nn.Sequential):
    """``Conv2d`` (no bias), ``BatchNorm2d`` and an activation.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and of the output.
    kernel_size : int, default=3
        Side of the square kernel; odd, so that "same" padding keeps the size
        at ``stride=1``.
    stride : int, default=1
        Stride of the convolution (2 halves the height and width, rounding up).
    activation : str, default="relu"
        Name of the non-linearity (see ``ACTIVATIONS``); ``"identity"`` leaves
        the block linear.
    padding : int, optional
        Zero padding on each side; ``kernel_size // 2`` ("same") by default.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 3,
        stride: int = 1,
        activation: str = "relu",
        padding: int | None = None,
    ):
        super().__init__(
            nn.Conv2d(
                in_channels,
                out_channels,
                kernel_size,
                stride=stride,
                padding=kernel_size // 2 if padding is None else padding,
                bias=False,
            ),
            nn.BatchNorm2d(out_channels),
            make_activation(activation),
        )


def check_kernel_size(kernel_size) -> int:
    """Return ``kernel_size`` as an ``int`` or raise unless it is a positive odd integer."""
    kernel_size = check_int("kernel_size", kernel_size, 1)
    if kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be odd (for 'same' padding), got {kernel_size}.")
    return kernel_size


class CNN(ImageModule):
    """Convolutional network: conv-BN-activation stages, max pooling, a linear head.

    Stage ``i`` applies ``convs_per_stage`` blocks of a ``kernel_size``
    convolution with ``channels[i]`` output channels, batch norm and the
    activation, at one resolution; a 2x2 max pooling (rounding odd sizes up)
    halves the height and width between stages.
    Global average pooling over the last stage's map, dropout and a linear
    layer give the outputs, so the network takes any image size: 8x8 digits
    end on a 2x2 map with the default three stages, 28x28 images on 7x7 and
    32x32 images on 8x8.

    The estimators' ``activation`` and ``dropout`` reach this module;
    ``hidden_layer_sizes`` and ``batch_norm`` do not (every convolution is
    batch-normalised, and the depth and width are ``channels`` and
    ``convs_per_stage``, set through ``module_params``).

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
    convs_per_stage : int, default=1
        Convolutions per stage (the depth within a resolution).
    kernel_size : int, default=3
        Side of every convolution kernel (odd).
    activation : str, default="relu"
        Non-linearity after every batch norm.
    dropout : float, default=0.0
        Dropout of the pooled features before the head.

    Attributes
    ----------
    in_channels : int
        Number of input channels the network takes.
    min_size : int
        Smallest height and width it takes: 1 (pooling rounds up, so a
        small image only stops shrinking).
    features : torch.nn.Sequential
        The convolution stages and the pooling between them.
    head : torch.nn.Sequential
        Dropout and the linear output layer, applied to the pooled features.

    Examples
    --------
    >>> import torch
    >>> from skneural.nn import CNN
    >>> net = CNN(n_outputs=10, input_shape=(1, 8, 8))
    >>> net(torch.rand(4, 1, 8, 8)).shape
    torch.Size([4, 10])
    >>> net(torch.rand(4, 1, 28, 28)).shape  # any size: global average pooling
    torch.Size([4, 10])
    """

    min_size = 1

    def __init__(
        self,
        n_features_in: int | None = None,
        *,
        n_outputs: int,
        input_shape: Sequence[int] | None = None,
        channels: Sequence[int] = (32, 64, 128),
        convs_per_stage: int = 1,
        kernel_size: int = 3,
        activation: str = "relu",
        dropout: float = 0.0,
    ):
        super().__init__()
        self.in_channels, self.input_shape = resolve_in_channels(n_features_in, input_shape)
        n_outputs = check_int("n_outputs", n_outputs, 1)
        channels = check_channels(channels)
        convs_per_stage = check_int("convs_per_stage", convs_per_stage, 1)
        kernel_size = check_kernel_size(kernel_size)
        dropout = check_probability("dropout", dropout)
        self.check_input_shape(self.input_shape)
        layers = []
        width = self.in_channels
        for stage, out_channels in enumerate(channels):
            if stage > 0:
                layers.append(nn.MaxPool2d(2, ceil_mode=True))
            for _ in range(convs_per_stage):
                layers.append(ConvBlock(width, out_channels, kernel_size, 1, activation))
                width = out_channels
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(width, n_outputs))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        self.check_input(X)
        return self.head(self.features(X).mean(dim=(2, 3)))
