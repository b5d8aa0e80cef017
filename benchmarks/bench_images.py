"""Image classification: skneural's conv nets against an MLP, a tuned SVC and HGB.

Data sets (both from scikit-learn's digits, no download):

- ``digits``: the 1,797 8x8 digit images as they are (pixels 0..16, scaled to
  [0, 1]);
- ``shifted``: a harder set generated from them: each digit is upscaled to
  12x12 (bilinear), rotated by a random angle in [-30, 30] degrees, placed at
  a random position on a 16x16 canvas and covered with Gaussian noise (sd
  0.1); seed 0. Where the digit sits and how it is turned change from image
  to image, so translation invariance (convolutions, pooling) and
  augmentation matter, and pixel-wise models lose their fixed alignment.

Models, all on the same stratified folds (seed 0; 5 for digits, 3 for the
larger shifted images by default, to keep the run near 15 minutes on a
shared CPU): ``NeuralClassifier`` with
``module="cnn"`` and ``module="resnet_cnn"`` (default architecture and
training settings, except ``max_epochs``, capped at ``--max-epochs``, 15 by
default, for time), each without
and with ``augmentation=ImageAugment()`` (default settings: rotation 10
degrees, shift and zoom 10%); skneural's default MLP on the flattened pixels;
``SVC`` (RBF) with C and gamma tuned by an inner 3-fold grid search; and
``HistGradientBoostingClassifier`` defaults. Accuracy (mean over folds) and
fit time (median over folds, wall seconds).

Speed (on the digits images, fixed epochs, no validation split, early
stopping, weight averaging or label smoothing, the same batch size and
AdamW): the fit time of ``NeuralClassifier(module="cnn")`` over a
hand-written torch loop training the same ``CNN`` (target <= 1.10x), and the
fit time with ``augmentation=ImageAugment()`` over the one without (target:
overhead <= 25%). CPU seconds of the process (``time.process_time``), medians
over repeats in rotating order, so the other processes of a shared machine
do not stretch them.

Run from the repository root::

    OMP_NUM_THREADS=1 python benchmarks/bench_images.py             # ~15 min
    OMP_NUM_THREADS=1 python benchmarks/bench_images.py --quick     # smoke run
"""

import argparse
import statistics
import sys
import time

import numpy as np
import torch
from scipy import ndimage
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from torch.nn import functional as F

from skneural import NeuralClassifier
from skneural.augmentation import ImageAugment
from skneural.nn import CNN


def digits_images() -> tuple[np.ndarray, np.ndarray]:
    """The digits as float32 images ``(n, 1, 8, 8)`` in [0, 1], and their labels."""
    digits = load_digits()
    return (digits.images[:, None] / 16).astype(np.float32), digits.target


def shifted_digits(canvas: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The harder set: upscaled digits, rotated and placed at random on a noisy canvas."""
    images, y = digits_images()
    rng = np.random.RandomState(seed)
    upscaled = F.interpolate(torch.from_numpy(images), size=(12, 12), mode="bilinear")
    upscaled = upscaled.numpy()[:, 0]
    out = np.zeros((len(images), 1, canvas, canvas), dtype=np.float32)
    for i, digit in enumerate(upscaled):
        turned = ndimage.rotate(digit, rng.uniform(-30, 30), reshape=False, order=1)
        top, left = rng.randint(0, canvas - 12 + 1, size=2)
        out[i, 0, top : top + 12, left : left + 12] = turned
    out += rng.normal(scale=0.1, size=out.shape).astype(np.float32)
    return out, y


def models(max_epochs: int, quick: bool) -> dict:
    net = {"random_state": 0, "max_epochs": max_epochs}
    svc_grid = {"svc__C": [1, 10, 100], "svc__gamma": ["scale", 0.03, 0.01, 0.003]}
    hgb = {"random_state": 0}
    if quick:
        svc_grid = {"svc__C": [10], "svc__gamma": ["scale", 0.01]}
        hgb["max_iter"] = 5
    return {
        "cnn": ("images", NeuralClassifier(module="cnn", **net)),
        "cnn + augment": (
            "images",
            NeuralClassifier(module="cnn", augmentation=ImageAugment(), **net),
        ),
        "resnet_cnn": ("images", NeuralClassifier(module="resnet_cnn", **net)),
        "resnet_cnn + augment": (
            "images",
            NeuralClassifier(module="resnet_cnn", augmentation=ImageAugment(), **net),
        ),
        "skneural MLP": ("flat", NeuralClassifier(**net)),
        "SVC (tuned)": (
            "flat",
            GridSearchCV(make_pipeline(StandardScaler(), SVC()), svc_grid, cv=3),
        ),
        "HGB": ("flat", HistGradientBoostingClassifier(**hgb)),
    }


def cross_validate(X, y, n_folds, max_epochs, quick, only=None):
    """``{model: (mean accuracy, median fit seconds)}`` on the same folds."""
    folds = list(StratifiedKFold(n_folds, shuffle=True, random_state=0).split(X, y))
    flat = X.reshape(len(X), -1)
    results = {}
    for name, (layout, model) in models(max_epochs, quick).items():
        if only and name not in only:
            continue
        data = X if layout == "images" else flat
        scores, times = [], []
        for train, test in folds:
            fitted = clone(model)
            start = time.perf_counter()
            fitted.fit(data[train], y[train])
            times.append(time.perf_counter() - start)
            scores.append(fitted.score(data[test], y[test]))
        results[name] = (float(np.mean(scores)), statistics.median(times))
        print(f"  {name:<22} {results[name][0]:.4f} {results[name][1]:8.1f} s", flush=True)
    return results


# --------------------------------------------------------------------- speed
BARE = {
    "validation_fraction": 0.0,
    "early_stopping": False,
    "weight_averaging": None,
    "label_smoothing": 0.0,
    "temperature_scaling": False,
    "dropout": 0.0,
    "preprocessing": None,
}


def torch_loop(X, y, epochs, batch_size, lr, weight_decay):
    """A hand-written training loop of the default ``CNN``: its CPU seconds."""
    start = time.process_time()
    torch.manual_seed(0)
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    net = CNN(n_outputs=10, input_shape=tuple(X.shape[1:]))
    optimizer = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)
    generator = torch.Generator().manual_seed(0)
    net.train()
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=generator)
        for begin in range(0, len(X), batch_size):
            index = order[begin : begin + batch_size]
            optimizer.zero_grad()
            F.cross_entropy(net(X[index]), y[index]).backward()
            optimizer.step()
    return time.process_time() - start


def skneural_fit(X, y, epochs, batch_size, lr, weight_decay, augmentation=None):
    start = time.process_time()
    NeuralClassifier(
        module="cnn",
        max_epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        weight_decay=weight_decay,
        augmentation=augmentation,
        random_state=0,
        **BARE,
    ).fit(X, y)
    return time.process_time() - start


def speed(X, y, epochs, batch_size, repeats):
    """Median CPU seconds of the torch loop and of skneural's fit, without and with augmentation."""
    args = (X, y.astype(np.int64), epochs, batch_size, 1e-3, 0.1)
    runs = {
        "torch loop": lambda: torch_loop(*args),
        "skneural": lambda: skneural_fit(*args),
        "skneural + augment": lambda: skneural_fit(*args, augmentation=ImageAugment()),
    }
    names = list(runs)
    times = {name: [] for name in names}
    runs["skneural"]()  # warm-up
    for repeat in range(repeats):
        for name in names[repeat % len(names) :] + names[: repeat % len(names)]:
            times[name].append(runs[name]())
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few rows, folds and epochs")
    parser.add_argument("--folds", type=int, default=5, help="on digits")
    parser.add_argument("--shifted-folds", type=int, default=3, help="on the shifted set")
    parser.add_argument("--max-epochs", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=3, help="of the speed runs")
    parser.add_argument("--speed-epochs", type=int, default=5)
    parser.add_argument(
        "--models", nargs="*", help="only these models (names as printed); no summary or speed"
    )
    parser.add_argument("--sets", nargs="*", default=["digits", "shifted"], help="data sets")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    folds = {"digits": args.folds, "shifted": args.shifted_folds}
    max_epochs, repeats, speed_epochs = args.max_epochs, args.repeats, args.speed_epochs
    makers = {"digits": digits_images, "shifted": shifted_digits}
    sets = {name: makers[name]() for name in args.sets}
    if args.quick:
        folds, max_epochs, repeats, speed_epochs = {"digits": 2, "shifted": 2}, 1, 1, 1
        sets = {name: (X[:120], y[:120]) for name, (X, y) in sets.items()}
    print(f"torch {torch.__version__}, 1 thread; max_epochs={max_epochs}")
    table = {}
    for name, (X, y) in sets.items():
        size = f"{X.shape[2]}x{X.shape[3]}"
        print(f"\n{name}: {X.shape[0]} images of {size}, {folds[name]} folds", flush=True)
        table[name] = cross_validate(X, y, folds[name], max_epochs, args.quick, args.models)
    if args.models or set(table) != set(makers):
        return 0  # a partial run: no summary
    print("\n| model | " + " | ".join(f"{name} accuracy | fit s" for name in table) + " |")
    print("|---|" + "---|---|" * len(table))
    for model in table["digits"]:
        cells = " | ".join(
            f"{table[name][model][0]:.4f} | {table[name][model][1]:.1f}" for name in table
        )
        print(f"| {model} | {cells} |")
    shifted = table["shifted"]
    baseline = max(shifted[m][0] for m in ("skneural MLP", "SVC (tuned)", "HGB"))
    best_conv = max(shifted[m][0] for m in ("cnn + augment", "resnet_cnn + augment"))
    print(
        f"\ndigits: best conv net {max(v[0] for m, v in table['digits'].items() if 'cnn' in m):.4f}"
        " (target >= 0.995)"
    )
    print(
        f"shifted: best conv net with augmentation {best_conv:.4f} vs best of MLP/SVC/HGB "
        f"{baseline:.4f} (margin {best_conv - baseline:+.4f})"
    )
    X, y = sets["digits"]
    batch_size = 128
    t = speed(X, y, speed_epochs, batch_size, repeats)
    print(
        f"\nSpeed, digits {X.shape[0]} images, {speed_epochs} epochs, batch {batch_size}, "
        f"CPU s (median of {repeats}):"
    )
    for name, seconds in t.items():
        print(f"  {name:<20} {seconds:7.2f}")
    print(f"conv path / torch loop: {t['skneural'] / t['torch loop']:.2f}x (target <= 1.10)")
    overhead = t["skneural + augment"] / t["skneural"] - 1
    print(f"augmentation overhead: {overhead:+.1%} of the fit (target <= 25%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
