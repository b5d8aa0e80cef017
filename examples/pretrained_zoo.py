"""List the zoo, predict offline with a shipped model, save your own and load it safely.

Run with ``python examples/pretrained_zoo.py``. The zoo's ``digits-cnn``
(shipped inside the package, trained by ``benchmarks/train_zoo.py``) scores
the scikit-learn digits images it was not trained on, without any training. A model of your own -
here a ``NeuralClassifier`` on the breast-cancer table - is saved with
``skneural.save_pretrained`` into a local zoo directory, found there by
name through ``SKNEURAL_ZOO_PATH``, and loaded in a fresh Python process,
which predicts exactly as the original. Finally one byte of its weights is
changed, and loading refuses the file. Run time: about 15 s.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split

import skneural
from skneural import NeuralClassifier, zoo

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: fewer epochs.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
EPOCHS = 5 if FAST else 60
RELOAD = (
    "import sys, numpy as np, skneural.zoo as zoo; "
    "model = zoo.load('breast-cancer-mlp'); "
    "np.save(sys.argv[1], model.predict_proba(np.load(sys.argv[2])))"
)


def main():
    print(zoo.list_models()[["name", "task", "input", "metrics", "size_kb"]].to_string(index=False))
    digits = load_digits()
    # The 20% of the images digits-cnn was not trained on (its card says which).
    _, images, _, labels = train_test_split(
        digits.images, digits.target, test_size=0.2, stratify=digits.target, random_state=0
    )
    accuracy = zoo.load("digits-cnn").score(images, labels)
    print(f"\ndigits-cnn on its {len(images)} held-out digits images: accuracy {accuracy:.4f}")

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    model = NeuralClassifier(max_epochs=EPOCHS, random_state=0).fit(X_train, y_train)
    accuracy = model.score(X_test, y_test)
    local_zoo = Path(tempfile.mkdtemp())
    skneural.save_pretrained(
        model,
        local_zoo / "breast-cancer-mlp",
        description="MLP for the Wisconsin breast-cancer table (30 numeric columns).",
        data="scikit-learn breast_cancer, stratified 75%",
        metrics={"test_accuracy": accuracy},
    )
    print(f"\nsaved breast-cancer-mlp (test accuracy {accuracy:.4f}) in {local_zoo}")

    # A fresh process finds it by name in the local zoo and predicts the same.
    np.save(local_zoo / "X.npy", X_test)
    environment = {**os.environ, "SKNEURAL_ZOO_PATH": str(local_zoo)}
    subprocess.run(
        [sys.executable, "-c", RELOAD, str(local_zoo / "p.npy"), str(local_zoo / "X.npy")],
        check=True,
        env=environment,
    )
    same = np.array_equal(np.load(local_zoo / "p.npy"), model.predict_proba(X_test))
    print(f"fresh process, loaded by name: identical probabilities: {same}")

    weights = local_zoo / "breast-cancer-mlp" / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))
    try:
        skneural.load_pretrained(weights.parent)
    except ValueError as error:
        print(f"after changing one byte: refused ({error})")


if __name__ == "__main__":
    main()
