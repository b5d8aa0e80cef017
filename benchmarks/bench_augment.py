"""Cost of ImageAugment in a training epoch, and of the image modules against plain torch.

Part 1, augmentation overhead: one training epoch of the default ``cnn``
(``skneural.nn.CNN``) in a plain torch loop (a ``randperm`` order, ``X[index]``
batches, zero_grad / forward / cross-entropy / backward / AdamW step) on
random images the size of the 8x8 digits and of 28x28 MNIST, timed without
augmentation, with the default ``ImageAugment()`` and with every transform on
(flips, rotation, shift, zoom, colour jitter, cutout, mixup and cutmix), at
batch size 64 by default. It reports the epoch time with augmentation over
the epoch time without, and the share of the epoch spent in the augmentation
calls themselves (measured around them, so not blurred by the noise between
two epochs); target: <= 25% for the default augmentation on a CPU.

Part 2, module overhead: forward + backward of ``cnn`` and ``resnet_cnn``
(default settings) against hand-written ``torch.nn`` equivalents with the
same layers and weights (checked to give the same outputs), at batch size
128. Target: ratio ~1.0 (the input check is the only extra work).

On a CPU the clock is this process's CPU time (``time.process_time``): with
one torch thread it is the work done, and other processes' load on a shared
machine does not stretch it as it stretches wall time. On CUDA it is wall time
after synchronising. Timings are medians over repeats whose order rotates;
ratios are against the reference measured in the same run.

Run from the repository root::

    OMP_NUM_THREADS=1 python benchmarks/bench_augment.py
    OMP_NUM_THREADS=1 python benchmarks/bench_augment.py --quick      # smoke run
    python benchmarks/bench_augment.py --device cuda                  # on a GPU
"""

import argparse
import statistics
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F

from skneural.augmentation import ImageAugment
from skneural.nn import CNN, ResNetCNN

EVERYTHING = ImageAugment(
    horizontal_flip=0.5,
    rotation=15,
    translate=0.1,
    scale=0.1,
    brightness=0.2,
    contrast=0.2,
    cutout=0.5,
    mixup_alpha=0.4,
    cutmix_alpha=1.0,
    mix_probability=0.5,
)
AUGMENTATIONS = {"none": None, "default": ImageAugment(), "everything": EVERYTHING}


def _clock(device):
    """Seconds so far: CPU time on a CPU, wall time after the GPU's queue drains on CUDA."""
    if device.type == "cuda":
        torch.cuda.synchronize()
        return time.perf_counter()
    return time.process_time()


def train_epoch(net, optimizer, X, y, batch_size, augmentation, generator):
    """One epoch of a plain torch training loop: its time, and the time spent augmenting."""
    start = _clock(X.device)
    augmenting = 0.0
    net.train()
    order = torch.randperm(len(X), generator=generator, device=X.device)
    for begin in range(0, len(X), batch_size):
        index = order[begin : begin + batch_size]
        X_batch, y_batch = X[index], y[index]
        if augmentation is not None:
            before = _clock(X.device)
            X_batch, y_batch = augmentation(X_batch, y_batch, generator=generator, n_classes=10)
            augmenting += _clock(X.device) - before
        optimizer.zero_grad()
        loss = F.cross_entropy(net(X_batch), y_batch)
        loss.backward()
        optimizer.step()
    return _clock(X.device) - start, augmenting


def augmentation_overhead(shape, n_images, batch_size, repeats, device):
    """Median epoch time per augmentation, and median share of it spent augmenting."""
    generator = torch.Generator(device=device).manual_seed(0)
    X = torch.rand(n_images, *shape, generator=generator, device=device)
    y = torch.randint(10, (n_images,), generator=generator, device=device)
    torch.manual_seed(0)
    net = CNN(n_outputs=10, input_shape=shape).to(device)
    optimizer = torch.optim.AdamW(net.parameters(), lr=1e-3)
    names = list(AUGMENTATIONS)
    times = {name: [] for name in names}
    shares = {name: [] for name in names}
    train_epoch(net, optimizer, X, y, batch_size, EVERYTHING, generator)  # warm-up
    for repeat in range(repeats):
        for name in names[repeat % len(names) :] + names[: repeat % len(names)]:
            epoch, augmenting = train_epoch(
                net, optimizer, X, y, batch_size, AUGMENTATIONS[name], generator
            )
            times[name].append(epoch)
            shares[name].append(augmenting / epoch)
    return (
        {name: statistics.median(values) for name, values in times.items()},
        {name: statistics.median(values) for name, values in shares.items()},
    )


class HandCNN(nn.Module):
    """``CNN``'s default network written out layer by layer."""

    def __init__(self, in_channels, n_outputs):
        super().__init__()
        layers, width = [], in_channels
        for stage, out in enumerate((32, 64, 128)):
            if stage:
                layers.append(nn.MaxPool2d(2, ceil_mode=True))
            layers += [nn.Conv2d(width, out, 3, padding=1, bias=False), nn.BatchNorm2d(out)]
            layers.append(nn.ReLU())
            width = out
        self.features = nn.Sequential(*layers)
        self.dropout = nn.Dropout(0.0)
        self.linear = nn.Linear(width, n_outputs)

    def forward(self, X):
        return self.linear(self.dropout(self.features(X).mean(dim=(2, 3))))


class HandBlock(nn.Module):
    def __init__(self, width, out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(width, out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out)
        self.conv2 = nn.Conv2d(out, out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out)
        self.down = None
        if stride != 1 or width != out:
            self.down = nn.Sequential(
                nn.Conv2d(width, out, 1, stride, bias=False), nn.BatchNorm2d(out)
            )

    def forward(self, X):
        branch = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(X)))))
        return F.relu(branch + (X if self.down is None else self.down(X)))


class HandResNet(nn.Module):
    """``ResNetCNN``'s default network written out layer by layer."""

    def __init__(self, in_channels, n_outputs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, 32, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(32)
        self.blocks = nn.Sequential(HandBlock(32, 32, 1), HandBlock(32, 64, 2))
        self.blocks.append(HandBlock(64, 128, 2))
        self.dropout = nn.Dropout(0.0)
        self.linear = nn.Linear(128, n_outputs)

    def forward(self, X):
        X = self.blocks(F.relu(self.bn(self.conv(X))))
        return self.linear(self.dropout(X.mean(dim=(2, 3))))


def _copy_weights(source, target):
    """Copy ``source``'s parameters and buffers into ``target``, in registration order."""
    for into, value in zip(target.state_dict().values(), source.state_dict().values(), strict=True):
        into.copy_(value)


def module_overhead(shape, batch_size, steps, repeats, device):
    """Median forward + backward time of each module and its hand-written twin."""
    X = torch.rand(batch_size, *shape, device=device)
    pairs = {
        "cnn": (CNN(n_outputs=10, input_shape=shape), HandCNN(shape[0], 10)),
        "resnet_cnn": (ResNetCNN(n_outputs=10, input_shape=shape), HandResNet(shape[0], 10)),
    }
    results = {}
    for name, (module, hand) in pairs.items():
        module, hand = module.to(device).train(), hand.to(device).train()
        with torch.no_grad():
            _copy_weights(module, hand)
            torch.testing.assert_close(module.eval()(X), hand.eval()(X))
        module.train(), hand.train()
        times = {"skneural": [], "torch": []}
        nets = {"skneural": module, "torch": hand}
        for repeat in range(repeats + 1):  # the first round warms up
            for label in ("skneural", "torch") if repeat % 2 else ("torch", "skneural"):
                net = nets[label]
                start = _clock(device)
                for _ in range(steps):
                    net.zero_grad()
                    net(X).square().mean().backward()
                if repeat:
                    times[label].append((_clock(device) - start) / steps)
        results[name] = {label: statistics.median(values) for label, values in times.items()}
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64, help="of the training epochs")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print("CUDA was requested but is not available on this machine.", file=sys.stderr)
        return 1
    repeats = 1 if args.quick else args.repeats
    clock = "wall" if device.type == "cuda" else "CPU"
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), device {device}")
    print(f"times are {clock} seconds, medians of {repeats} repeat(s)")
    sizes = {"8x8": ((1, 8, 8), 1440), "28x28": ((1, 28, 28), 1024)}
    step_batch, steps = 128, 10
    if args.quick:
        sizes = {"8x8": ((1, 8, 8), 256), "28x28": ((1, 28, 28), 128)}
        step_batch, steps = 16, 1
    print(f"\nTraining epoch of the default cnn, batch size {args.batch_size} (seconds)")
    print("ratio: epoch / epoch without augmentation; share: part of the epoch spent augmenting")
    columns = ("images", "n", "none", "default", "ratio", "share", "everything", "ratio", "share")
    print("{:>8} {:>6} {:>7} {:>8} {:>6} {:>6} {:>10} {:>6} {:>6}".format(*columns))
    for label, (shape, n_images) in sizes.items():
        t, share = augmentation_overhead(shape, n_images, args.batch_size, repeats, device)
        print(
            f"{label:>8} {n_images:>6} {t['none']:7.3f} {t['default']:8.3f} "
            f"{t['default'] / t['none']:6.2f} {share['default']:6.1%} {t['everything']:10.3f} "
            f"{t['everything'] / t['none']:6.2f} {share['everything']:6.1%}"
        )
    print("target: the default augmentation <= 25% of the epoch (share column)")
    print(f"\nForward + backward, batch size {step_batch} (ms per step)")
    print(f"{'images':>8} {'module':>11} {'skneural':>9} {'torch':>9} {'ratio':>6}")
    for label, (shape, _) in sizes.items():
        for name, t in module_overhead(shape, step_batch, steps, repeats, device).items():
            ratio = t["skneural"] / t["torch"]
            print(
                f"{label:>8} {name:>11} {1e3 * t['skneural']:9.2f} {1e3 * t['torch']:9.2f} "
                f"{ratio:6.2f}"
            )
    print("target: ratio ~1.00 (same layers; the module adds an input check)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
