"""Subprocess body of the checkpoint tests: one training run, optionally killed.

Usage: python checkpoint_worker.py CHECKPOINT_DIR OUTPUT_FILE

With ``SKNEURAL_KILL_EPOCH`` set, the run kills its own process with SIGKILL
in the middle of that epoch (after its third batch): no Python clean-up runs,
exactly like a crash or an out-of-memory kill. The killing callback is in the
configuration in every run, so a killed run and its resumption are the same
fit. With ``SKNEURAL_WORKER_AUGMENT=1`` the fit also augments its training
batches (noise and mixup drawn from the augmentation's own generator).
"""

import os
import signal
import sys

import numpy as np
import torch
from sklearn.datasets import make_classification

from skneural import NeuralClassifier
from skneural.augmentation import BatchAugmentation, mix_targets
from skneural.callbacks import Callback, Checkpoint, LRScheduler


class KillMidEpoch(Callback):
    def __init__(self, epoch=None):
        self.epoch = epoch

    def on_batch_end(self, trainer, batch, loss, **kwargs):
        target = os.environ.get("SKNEURAL_KILL_EPOCH")
        if target and trainer.epoch + 1 == int(target) and batch == 3:
            os.kill(os.getpid(), signal.SIGKILL)


class NoiseMixup(BatchAugmentation):
    """Gaussian noise on the inputs, then mixup of random row pairs."""

    def augment_inputs(self, X, generator):
        return X + 0.1 * torch.randn(X.shape, generator=generator, dtype=X.dtype)

    def mix(self, X, y, generator, n_classes=None):
        partner = torch.randperm(len(X), generator=generator)
        weight = torch.rand(len(X), generator=generator)
        return (
            weight[:, None] * X + (1 - weight[:, None]) * X[partner],
            mix_targets(y, partner, weight, n_classes),
        )


def main(checkpoint_dir, output_file):
    X, y = make_classification(
        n_samples=400, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    clf = NeuralClassifier(
        hidden_layer_sizes=(32, 16),
        dropout=0.2,
        batch_size=32,
        max_epochs=60,
        lr=1e-2,
        n_iter_no_change=3,
        optimizer_params={"betas": (0.85, 0.99)},
        callbacks=[
            KillMidEpoch(),
            LRScheduler("step", params={"step_size": 3, "gamma": 0.5}),
            Checkpoint(checkpoint_dir),
        ],
        augmentation=NoiseMixup() if os.environ.get("SKNEURAL_WORKER_AUGMENT") else None,
        random_state=0,
    )
    clf.fit(X, y)
    weights = {name: p.detach().numpy() for name, p in clf.module_.state_dict().items()}
    np.savez(output_file, n_iter=clf.n_iter_, lr=clf.history_.column("lr"), **weights)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
