"""The sktime side of bench_sequences.py: UCR data out, MiniRocket and InceptionTime in.

Run by ``bench_sequences.py`` with the Python of an environment that has sktime
(and numba, for MiniRocket), a benchmarks-only extra that skneural does not
need. Two commands:

``dump DIR NAME...``
    Write each UCR data set ``NAME`` (shipped inside the sktime wheel, so
    offline) with its official train/test split to ``DIR/NAME.npz``.
``run DIR OUT --datasets NAME... --seeds N --epochs E --inception-datasets NAME...``
    Fit sktime's MiniRocket (``RocketClassifier(rocket_transform="minirocket")``)
    on each ``DIR/NAME.npz`` and its torch InceptionTime
    (``InceptionTimeClassifierTorch``, ``E`` epochs) on those named after
    ``--inception-datasets``, ``N`` seeds each, and write one JSON line per fit
    to ``OUT``: data set, model, seed, test accuracy, fit seconds.

sktime's torch networks import torch; ``--torch-path`` appends the folder that
holds the torch package (that of skneural's environment) to ``sys.path``, after
the environment's own packages.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np


def dump(folder: Path, names: list) -> None:
    from sktime.datasets import load_UCR_UEA_dataset

    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        arrays = {}
        for split in ("train", "test"):
            X, y = load_UCR_UEA_dataset(name, split=split, return_type="numpy3D")
            arrays[f"X_{split}"] = X.astype(np.float64)
            arrays[f"y_{split}"] = np.asarray(y).astype(str)
        np.savez(folder / f"{name}.npz", **arrays)


def _models(seed: int, epochs: int, inception: bool) -> dict:
    from sktime.classification.deep_learning.inceptiontime import InceptionTimeClassifierTorch
    from sktime.classification.kernel_based import RocketClassifier

    models = {
        "MiniRocket (sktime)": RocketClassifier(rocket_transform="minirocket", random_state=seed)
    }
    if inception:
        models[f"InceptionTime (sktime, {epochs} epochs)"] = InceptionTimeClassifierTorch(
            num_epochs=epochs, random_state=seed, verbose=False
        )
    return models


def run(folder: Path, out: Path, names: list, seeds: int, epochs: int, inception: list) -> None:
    import torch

    torch.set_num_threads(1)
    with out.open("w") as results:
        for name in names:
            data = np.load(folder / f"{name}.npz")
            for seed in range(seeds):
                for model_name, model in _models(seed, epochs, name in inception).items():
                    start = time.perf_counter()
                    model.fit(data["X_train"], data["y_train"])
                    fit_s = time.perf_counter() - start
                    accuracy = float(np.mean(model.predict(data["X_test"]) == data["y_test"]))
                    row = {
                        "dataset": name,
                        "model": model_name,
                        "seed": seed,
                        "accuracy": accuracy,
                        "fit_s": fit_s,
                    }
                    results.write(json.dumps(row) + "\n")
                    results.flush()
                    print(row, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch-path", default=None)
    commands = parser.add_subparsers(dest="command", required=True)
    dump_parser = commands.add_parser("dump")
    dump_parser.add_argument("folder", type=Path)
    dump_parser.add_argument("names", nargs="+")
    run_parser = commands.add_parser("run")
    run_parser.add_argument("folder", type=Path)
    run_parser.add_argument("out", type=Path)
    run_parser.add_argument("--datasets", nargs="+", required=True)
    run_parser.add_argument("--seeds", type=int, default=1)
    run_parser.add_argument("--epochs", type=int, default=1500)
    run_parser.add_argument("--inception-datasets", nargs="*", default=[])
    args = parser.parse_args()
    if args.torch_path:
        sys.path.append(args.torch_path)
    if args.command == "dump":
        dump(args.folder, args.names)
    else:
        run(args.folder, args.out, args.datasets, args.seeds, args.epochs, args.inception_datasets)


if __name__ == "__main__":
    main()
