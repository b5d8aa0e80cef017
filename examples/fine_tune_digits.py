"""Fine-tune a pretrained convolutional net on a few labels, inside a Pipeline and a search.

Run with ``python examples/fine_tune_digits.py``. A ``NeuralClassifier(
module="cnn")`` is pretrained on every image of digits 0-4 (with
``ImageAugment()``, which made features that transfer better in
``benchmarks/bench_transfer.py``). A new task, digits 5-9, then has only 10
labelled images per class: a ``Pipeline`` (pixels scaled to [0, 1], read as
8x8 images) fine-tunes the pretrained network with
``module=backbone(pretrained)``, which gives it a new head for the new
classes. ``GridSearchCV`` chooses between a frozen backbone and full
fine-tuning (``module__freeze``) and the backbone's learning rate relative to
the head's (``module__backbone_lr_scale``). The best fine-tuned model and the
same network trained from scratch are scored on all other images of 5-9.
Run time: about 20 s of CPU time on one thread; the last run chose full
fine-tuning at ``backbone_lr_scale=0.3`` and scored 0.975 against 0.970 from
scratch (one draw of labels: see the benchmark for the spread over draws).
"""

import os

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skneural import NeuralClassifier
from skneural.augmentation import ImageAugment
from skneural.zoo import backbone

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code with small
# stages and 2 epochs.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
PRETRAIN_EPOCHS, EPOCHS = (2, 2) if FAST else (60, 60)
CHANNELS = (8, 16) if FAST else (32, 64, 128)
LABELS_PER_CLASS = 10


def scaled_images(**params):
    """Pixels 0..16 to [0, 1], each row read as an 8x8 image by the network."""
    network = NeuralClassifier(
        module_params={"input_shape": (1, 8, 8), **params.pop("module_params", {})},
        random_state=0,
        **params,
    )
    return make_pipeline(FunctionTransformer(lambda X: X / 16), network)


def main():
    X, y = load_digits(return_X_y=True)
    old, new = y < 5, y >= 5
    pretrained = scaled_images(
        module="cnn",
        module_params={"channels": CHANNELS},
        augmentation=ImageAugment(),
        max_epochs=PRETRAIN_EPOCHS,
    ).fit(X[old], y[old])
    network = pretrained[-1]
    print(f"pretrained on digits 0-4: {network.n_iter_} epochs, {old.sum()} images")

    X_new, y_new = X[new], y[new]
    rng = np.random.RandomState(0)
    labelled = np.concatenate(
        [
            rng.choice(np.flatnonzero(y_new == c), LABELS_PER_CLASS, replace=False)
            for c in range(5, 10)
        ]
    )
    rest = np.setdiff1d(np.arange(len(y_new)), labelled)
    # Few labels: train a fixed number of epochs, no validation split.
    few = {"max_epochs": EPOCHS, "lr": 3e-3, "early_stopping": False, "validation_fraction": 0.0}

    fine_tune = scaled_images(module=backbone(network), **few)
    grid = {
        "neuralclassifier__module__freeze": [None, "backbone"],
        "neuralclassifier__module__backbone_lr_scale": [0.3, 1.0],
    }
    search = GridSearchCV(fine_tune, grid, cv=3).fit(X_new[labelled], y_new[labelled])
    for params, score in zip(
        search.cv_results_["params"], search.cv_results_["mean_test_score"], strict=True
    ):
        setting = ", ".join(f"{k.rsplit('__', 1)[1]}={v}" for k, v in params.items())
        print(f"  {setting}: cross-validated accuracy {score:.3f}")
    tuned = search.best_estimator_.score(X_new[rest], y_new[rest])

    scratch = clone(fine_tune).set_params(
        neuralclassifier__module="cnn",
        neuralclassifier__module_params={"input_shape": (1, 8, 8), "channels": CHANNELS},
    )
    scratch.fit(X_new[labelled], y_new[labelled])
    print(f"{LABELS_PER_CLASS} labels per class of digits 5-9, tested on {len(rest)} images:")
    best = {k.rsplit("__", 1)[1]: v for k, v in search.best_params_.items()}
    print(f"  fine-tuned ({best}): {tuned:.3f}")
    print(f"  same network from scratch: {scratch.score(X_new[rest], y_new[rest]):.3f}")


if __name__ == "__main__":
    main()
