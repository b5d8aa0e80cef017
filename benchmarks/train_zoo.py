"""Train the models shipped in skneural's zoo (``skneural/zoo/models``).

Each entry is trained here from data available offline, evaluated on rows
it did not see, and written with :func:`skneural.save_pretrained`:

``digits-cnn``
    ``module="cnn"`` with ``ImageAugment()`` on scikit-learn's digits as
    8x8 images (values 0-16), trained on a stratified 80% of the 1,797
    images (seed 0), test accuracy on the other 20%.
``waveforms-inception``
    ``module="inception_time"`` on generated univariate waveforms of 64
    steps - sine, square, triangle and sawtooth waves of random frequency,
    phase, amplitude and offset with Gaussian noise (:func:`make_waveforms`)
    - 2,000 for training, 1,000 for the test.

Run from the repository root (about 5 minutes on one CPU thread)::

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/train_zoo.py [--output DIR] [--models NAME ...]

The default output replaces the shipped models; the fits are seeded, so a
rerun on the same software reproduces them.
"""

import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skneural import NeuralClassifier, save_pretrained
from skneural.augmentation import ImageAugment

SHIPPED = Path(__file__).resolve().parents[1] / "skneural" / "zoo" / "models"
WAVE_KINDS = ("sine", "square", "triangle", "sawtooth")


def make_waveforms(n_samples: int, n_steps: int = 64, seed: int = 0, kinds=WAVE_KINDS):
    """``(X, y)``: ``n_samples`` noisy waveforms ``(n, 1, n_steps)`` and their kind.

    Each row is one of ``kinds`` with a random frequency (1 to 4 periods),
    phase, amplitude (0.5 to 2) and offset (-1 to 1), plus Gaussian noise of
    standard deviation 0.3; ``y`` is the index of its kind in ``kinds``.
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(len(kinds), size=n_samples)
    t = np.linspace(0, 1, n_steps, endpoint=False)
    periods = rng.uniform(1, 4, size=(n_samples, 1))
    phase = rng.uniform(0, 1, size=(n_samples, 1))
    cycle = (t * periods + phase) % 1.0  # position within the period, in [0, 1)
    shapes = {
        "sine": np.sin(2 * np.pi * cycle),
        "square": np.where(cycle < 0.5, 1.0, -1.0),
        "triangle": 4 * np.abs(cycle - 0.5) - 1,
        "sawtooth": 2 * cycle - 1,
    }
    waves = np.stack([shapes[kind] for kind in kinds])[y, np.arange(n_samples)]
    amplitude = rng.uniform(0.5, 2, size=(n_samples, 1))
    offset = rng.uniform(-1, 1, size=(n_samples, 1))
    X = amplitude * waves + offset + rng.normal(scale=0.3, size=waves.shape)
    return X[:, None, :].astype(np.float32), y


def train_digits_cnn(output: Path) -> None:
    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.images, digits.target, test_size=0.2, stratify=digits.target, random_state=0
    )
    model = NeuralClassifier(
        module="cnn", augmentation=ImageAugment(), max_epochs=60, random_state=0
    ).fit(X_train, y_train)
    accuracy = model.score(X_test, y_test)
    save_pretrained(
        model,
        output / "digits-cnn",
        description="Convolutional net for 8x8 grayscale digit images (values 0-16), 10 classes.",
        data="scikit-learn digits, stratified 80% (1,437 images); test: the other 20%",
        metrics={"test_accuracy": accuracy},
        overwrite=True,
    )
    print(f"digits-cnn: test accuracy {accuracy:.4f} ({model.n_iter_} epochs)")


def train_waveforms_inception(output: Path) -> None:
    X, y = make_waveforms(3000, seed=0)
    model = NeuralClassifier(module="inception_time", max_epochs=100, random_state=0).fit(
        X[:2000], y[:2000]
    )
    accuracy = model.score(X[2000:], y[2000:])
    save_pretrained(
        model,
        output / "waveforms-inception",
        description=(
            "InceptionTime for univariate series of 64 steps: sine, square, triangle or "
            "sawtooth wave (4 classes)."
        ),
        data="2,000 generated noisy waveforms (benchmarks/train_zoo.py make_waveforms, seed 0)",
        metrics={"test_accuracy": accuracy},
        overwrite=True,
    )
    print(f"waveforms-inception: test accuracy {accuracy:.4f} ({model.n_iter_} epochs)")


TRAINERS = {"digits-cnn": train_digits_cnn, "waveforms-inception": train_waveforms_inception}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=SHIPPED)
    parser.add_argument("--models", nargs="+", choices=list(TRAINERS), default=list(TRAINERS))
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    for train in (TRAINERS[name] for name in args.models):
        started = time.perf_counter()
        train(args.output)
        print(f"  {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
