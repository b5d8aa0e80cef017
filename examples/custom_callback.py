"""A user-written callback: record gradient norms, stop when they plateau.

Run with ``python examples/custom_callback.py``. It trains on scikit-learn's
bundled breast-cancer data (no download) with early stopping switched off,
so that the callback below decides when training ends.

The callback shows the three things callbacks usually do:

- inspect the network between ``loss.backward()`` and ``optimizer.step()``
  (``on_after_backward``),
- record a metric of its own in the epoch's ``logs`` (it lands in
  ``history_``),
- stop training by setting ``trainer.should_stop``.

Run time: about 7 s of CPU time.
"""

import os

import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier
from skneural.callbacks import Callback

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code, a few epochs.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
MAX_EPOCHS, PATIENCE = (6, 2) if FAST else (200, 10)


class GradientNormPlateau(Callback):
    """Record each epoch's mean gradient norm; stop once it stops shrinking.

    Near a minimum the gradients shrink; once they hover at the level set by
    mini-batch noise, more epochs change little.

    Parameters
    ----------
    patience : int, default=10
        Epochs without a new lowest gradient norm before training stops.
    rel_tol : float, default=0.05
        A new lowest norm must be this fraction below the previous lowest.

    Attributes
    ----------
    stopped_epoch_ : int or None
        Epoch after which this callback stopped training, or ``None``.
    """

    def __init__(self, patience=10, rel_tol=0.05):
        self.patience = patience
        self.rel_tol = rel_tol

    def on_train_begin(self, trainer, **kwargs):
        self.stopped_epoch_ = None
        self._flat_epochs = 0
        self._lowest = float("inf")

    def on_epoch_begin(self, trainer, epoch, **kwargs):
        self._norms = []

    def on_after_backward(self, trainer, batch, **kwargs):
        grads = [p.grad for p in trainer.module.parameters() if p.grad is not None]
        total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
        self._norms.append(total.item())

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        norm = sum(self._norms) / len(self._norms)
        logs["grad_norm"] = norm
        if norm < self._lowest * (1 - self.rel_tol):
            self._lowest, self._flat_epochs = norm, 0
        else:
            self._flat_epochs += 1
        if self._flat_epochs >= self.patience:
            self.stopped_epoch_ = epoch
            trainer.should_stop = True


def main():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    net = NeuralClassifier(
        hidden_layer_sizes=(32,),
        max_epochs=MAX_EPOCHS,
        early_stopping=False,
        callbacks=[GradientNormPlateau(patience=PATIENCE, rel_tol=0.05)],
        random_state=0,
    )
    model = make_pipeline(StandardScaler(), net).fit(X_train, y_train)

    fitted = model[-1]
    stopper = next(cb for cb in fitted.callbacks_ if isinstance(cb, GradientNormPlateau))
    print(
        f"trained {fitted.n_iter_} of {net.max_epochs} epochs; "
        f"the callback stopped training after epoch {stopper.stopped_epoch_}"
    )
    print(fitted.history_.to_frame()[["train_loss", "valid_loss", "grad_norm"]].tail(6).round(4))
    print(f"test accuracy {model.score(X_test, y_test):.3f}")


if __name__ == "__main__":
    main()
