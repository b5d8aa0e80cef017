"""Pretrained models on disk: safetensors weights, a JSON config, a model card, a manifest.

A saved model is a directory::

    config.json        what the estimator is: class, parameters, fitted state
    model.safetensors  the network's weights and the fitted state's arrays
    README.md          the model card, for people
    manifest.json      format, version and the SHA-256 of each file above

Nothing in it is pickled, and loading never unpickles: the weights are
read with ``safetensors`` (tensors only) and the config with
:mod:`skneural.zoo._codec`, which rebuilds only the classes it lists. A
file whose SHA-256 differs from the manifest is refused before it is read.
"""

import datetime
import hashlib
import json
import os
import platform
import shutil
import uuid
from collections.abc import Mapping
from importlib.metadata import version as package_version
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.utils.validation import check_is_fitted

from ..estimators import NeuralClassifier, NeuralRegressor
from ..nn._factory import rebuild_module
from ..utils._files import new_file_mode
from ._backbone import PretrainedBackbone
from ._codec import UnsupportedValueError, decode, encode

FORMAT = "skneural-pretrained"
#: Written into every model; a model of a higher version is refused.
FORMAT_VERSION = 1
CONFIG, WEIGHTS, CARD, MANIFEST = "config.json", "model.safetensors", "README.md", "manifest.json"
#: The files of a saved model: ``overwrite=True`` replaces a directory holding only these.
_SAVED_FILES = (CONFIG, WEIGHTS, CARD, MANIFEST)
ESTIMATORS = {cls.__name__: cls for cls in (NeuralClassifier, NeuralRegressor)}
#: Fitted attributes not stored: the network (stored as weights), the
#: optimizer (fine-tuning starts a new one) and scikit-learn's callback hooks.
_NOT_STORED = ("module_", "_optimizer")
#: The input layers a pretrained model stores (their ``kind``).
STORED_INPUTS = ("numeric", "tabular", "image", "sequence", "dataset")
_PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".bin", ".ckpt", ".joblib")


def save_pretrained(
    estimator,
    directory,
    *,
    description: str = "",
    data: str = "",
    metrics: dict | None = None,
    license: str = "BSD-3-Clause",
    overwrite: bool = False,
) -> Path:
    """Save a fitted estimator as a pretrained model directory, without pickle.

    The directory holds the network's weights (safetensors), a JSON config
    with the estimator's class, parameters and fitted state, a model card
    (``README.md``) and a manifest of SHA-256 digests. It is written to a
    temporary directory first and moved into place, so an interrupted save
    never leaves a half-written model, and an existing one is replaced only
    with ``overwrite=True``.

    Parameters
    ----------
    estimator : NeuralClassifier or NeuralRegressor
        A fitted estimator with a built-in module (``"mlp"``, ``"cnn"``,
        ``"gru"``, ...) on numeric, image, sequence or ``Dataset`` inputs.
    directory : str or path-like
        Where to write the model (a new directory).
    description : str, default=""
        What the model is for, shown in the model card and ``list_models()``.
    data : str, default=""
        What it was trained on.
    metrics : dict of str to float, default=None
        Quality measured on held-out data, e.g. ``{"test_accuracy": 0.98}``.
    license : str, default="BSD-3-Clause"
        License of the weights.
    overwrite : bool, default=False
        Replace the saved model at ``directory``. Only a directory that
        holds a saved model (its files and nothing else) is ever replaced.

    Returns
    -------
    pathlib.Path
        The model directory.

    Raises
    ------
    TypeError
        For an estimator that is not a skneural estimator, or holds a value
        that cannot be stored without pickle (the message names it: a
        user-defined module, a scikit-learn transformer as preprocessing,
        a function as a callback, ...), and for a metric that is not a number.
    FileExistsError
        When a saved model is at ``directory`` and ``overwrite`` is False, or
        anything else is there: a file, a symbolic link, a directory that is
        not a saved model or holds other files too, the current working
        directory. Those are never replaced, even with ``overwrite=True``.
    """
    if not isinstance(estimator, tuple(ESTIMATORS.values())):
        raise TypeError(
            "save_pretrained saves a NeuralClassifier or NeuralRegressor, got "
            f"{type(estimator).__name__}."
        )
    check_is_fitted(estimator, "module_")
    directory = Path(directory)
    _check_target(directory, overwrite)
    config, weights = _config_and_weights(estimator)
    config["card"] = _card(estimator, description, data, metrics, license)
    staging = directory.parent / f".{directory.name}.{uuid.uuid4().hex}.tmp"
    staging.mkdir(parents=True)
    try:
        _write_files(staging, config, weights)
        _move_into_place(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return directory


def _check_target(directory: Path, overwrite: bool) -> None:
    """Raise a ``FileExistsError`` unless ``directory`` is free, or holds a
    saved model that ``overwrite`` allows to replace."""
    if not (directory.exists() or directory.is_symlink()):
        return
    problem = _why_not_replaceable(directory)
    if problem is not None:
        raise FileExistsError(
            f"Cannot save to {directory}: it {problem}. save_pretrained replaces only a "
            "directory holding a saved model, even with overwrite=True, and left "
            f"{directory} untouched; save to a new directory."
        )
    if not overwrite:
        raise FileExistsError(
            f"{directory} holds a saved model; pass overwrite=True to replace it."
        )


def _why_not_replaceable(directory: Path) -> str | None:
    """Why replacing what is at ``directory`` could lose data (``None`` for a
    directory holding a saved model and nothing else)."""
    if directory.is_symlink():
        return "is a symbolic link"
    if not directory.is_dir():
        return "is a file, not a saved model"
    if not _holds_a_manifest(directory):
        return f"is a directory that is not a saved model (it has no skneural {MANIFEST})"
    others = sorted(p.name for p in directory.iterdir() if p.name not in _SAVED_FILES)
    if others:
        return (
            f"holds a saved model and other files, {', '.join(others)}, which replacing it "
            "would delete"
        )
    if directory.resolve() == Path.cwd().resolve():
        return "is the current working directory"
    return None


def _holds_a_manifest(directory: Path) -> bool:
    """Whether ``directory`` has the manifest of a saved model (its files are not checked)."""
    try:
        manifest = _read_json(directory / MANIFEST)
    except (OSError, ValueError):
        return False
    return manifest.get("format") == FORMAT


def _config_and_weights(estimator) -> tuple[dict, dict]:
    build_spec = getattr(estimator.module_, "build_spec", None)
    if build_spec is None:
        raise TypeError(
            f"The network of this {type(estimator).__name__} is a user-defined "
            f"{type(estimator.module_).__name__}; a pretrained model stores built-in modules "
            "only (module='mlp', 'cnn', 'gru', ...). Save its state_dict with "
            "safetensors.torch.save_file yourself."
        )
    kind = estimator.input_layer_.kind
    if kind not in STORED_INPUTS:
        raise TypeError(
            f"This {type(estimator).__name__} reads its inputs through a {kind!r} input "
            f"layer (preprocessing={estimator.preprocessing!r}), which a pretrained model "
            f"cannot store without pickle yet (it stores {', '.join(STORED_INPUTS)} inputs). "
            "Put the transformer in a Pipeline before the estimator, fit the estimator "
            "with preprocessing='auto', 'standard' or None, and save the estimator step."
        )
    arrays: dict = {}
    params = estimator.get_params(deep=False)
    fitted = {
        name: value
        for name, value in vars(estimator).items()
        if name not in params and name not in _NOT_STORED and not name.startswith("_skl")
    }
    try:
        config = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "estimator": type(estimator).__name__,
            "params": encode(params, arrays, "the parameter"),
            "fitted": encode(fitted, arrays, "the fitted state"),
            "module": encode(_network_state(estimator.module_), arrays, "module_"),
        }
    except UnsupportedValueError as error:
        raise TypeError(f"This model cannot be saved as a pretrained model: {error}") from None
    weights = {
        f"module.{key}": tensor.detach().cpu().contiguous().clone()
        for key, tensor in estimator.module_.state_dict().items()
    }
    return config, {**weights, **arrays}


def _network_state(module) -> dict:
    """How to make the network again, less its weights: its build spec, the
    parameters frozen for fine-tuning and its backbone learning-rate scale."""
    return {
        "build_spec": module.build_spec,
        "frozen": [name for name, p in module.named_parameters() if not p.requires_grad],
        "backbone_lr_scale": getattr(module, "backbone_lr_scale", None),
    }


def _rebuilt_network(state: dict, weights: dict, path: Path):
    module = rebuild_module(state["build_spec"])
    try:
        module.load_state_dict(weights, strict=True)
    except RuntimeError as error:
        raise ValueError(f"The weights in {path} do not fit the network: {error}") from None
    frozen = set(state["frozen"])
    for name, parameter in module.named_parameters():
        parameter.requires_grad_(name not in frozen)
    if state["backbone_lr_scale"] is not None:
        module.backbone_lr_scale = state["backbone_lr_scale"]
    return module


def _card(estimator, description, data, metrics, license) -> dict:
    layer = estimator.input_layer_
    n_parameters = sum(p.numel() for p in estimator.module_.parameters())
    history = list(getattr(estimator, "history_", []))
    last = {k: v for k, v in (history[-1] if history else {}).items() if k.startswith("valid_")}
    return {
        "description": description,
        "task": "classification" if isinstance(estimator, NeuralClassifier) else "regression",
        "input": f"{layer.kind} {tuple(layer.input_shape_)}",
        "module": estimator.module_.build_spec["module"],
        "data": data,
        "metrics": _metric_values(last if metrics is None else metrics),
        "n_parameters": int(n_parameters),
        "epochs": int(getattr(estimator, "n_iter_", 0)),
        "license": license,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "versions": {
            "skneural": package_version("skneural"),
            "torch": torch.__version__,
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    }


def _metric_values(metrics) -> dict:
    """``metrics`` as a dict of names to floats, or a ``TypeError`` naming
    the metric that is not a number."""
    if not isinstance(metrics, Mapping):
        raise TypeError(
            f"metrics must be a dict of metric names to numbers, got {type(metrics).__name__}."
        )
    return {str(name): _metric_value(name, value) for name, value in metrics.items()}


def _metric_value(name, value) -> float:
    # Numbers, numpy scalars and one-element arrays have __float__; text,
    # which float() would parse, has not.
    if hasattr(value, "__float__"):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    raise TypeError(
        f"The metric {name!r} is {value!r:.80}; metrics are numbers, e.g. "
        "{'test_accuracy': 0.98}."
    )


def _write_files(folder: Path, config: dict, weights: dict) -> None:
    from safetensors.torch import save_file

    save_file(weights, str(folder / WEIGHTS), metadata={"format": FORMAT})
    (folder / CONFIG).write_text(json.dumps(config, indent=1), encoding="utf-8")
    # safetensors writes owner-only files; give the weights the usual mode.
    (folder / WEIGHTS).chmod(new_file_mode(folder))
    (folder / CARD).write_text(_card_text(config), encoding="utf-8")
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sha256": {name: _sha256(folder / name) for name in (CONFIG, WEIGHTS, CARD)},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


def _move_into_place(staging: Path, directory: Path) -> None:
    """Rename ``staging`` to ``directory``, replacing an old model only once
    the new one is complete."""
    if not directory.exists():
        staging.rename(directory)
        return
    retired = directory.parent / f".{directory.name}.{uuid.uuid4().hex}.old"
    directory.rename(retired)
    try:
        staging.rename(directory)
    except BaseException:
        retired.rename(directory)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _card_text(config: dict) -> str:
    card = config["card"]
    metrics = ", ".join(f"{k} {v:.4g}" for k, v in card["metrics"].items()) or "not given"
    versions = ", ".join(f"{k} {v}" for k, v in card["versions"].items())
    return (
        f"# {config['estimator']} ({card['module']})\n\n"
        f"{card['description'] or 'A pretrained skneural model.'}\n\n"
        f"- task: {card['task']}\n"
        f"- input: {card['input']}\n"
        f"- data: {card['data'] or 'not given'}\n"
        f"- metrics: {metrics}\n"
        f"- parameters: {card['n_parameters']:,} (trained {card['epochs']} epochs)\n"
        f"- license: {card['license']}\n"
        f"- written: {card['created']} by {versions}\n\n"
        "Load it with `skneural.load_pretrained(directory)` (or `skneural.zoo.load(name)` "
        "from a zoo directory): the weights are safetensors and the config JSON, so loading "
        "runs no code from these files; files that do not match `manifest.json` are "
        "refused.\n"
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_config(directory) -> dict:
    """The checked config of the saved model in ``directory``.

    Every file the manifest lists must match its SHA-256; a directory
    without a manifest, a manifest of another format or of a newer version,
    and pickle files are refused with a ``ValueError``.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"{directory} is not a saved model: no such directory.")
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        pickles = sorted(p.name for p in directory.iterdir() if p.suffix in _PICKLE_SUFFIXES)
        hint = (
            f" It holds {', '.join(pickles)}: pickle-based files are never loaded, since "
            "loading them can run code."
            if pickles
            else ""
        )
        raise ValueError(f"{directory} is not a skneural pretrained model (no {MANIFEST}).{hint}")
    manifest = _read_json(manifest_path)
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{manifest_path} is not a manifest of a skneural pretrained model.")
    _check_version(manifest, manifest_path)
    digests = manifest.get("sha256") or {}
    for name in (CONFIG, WEIGHTS):
        if name not in digests:
            raise ValueError(f"{manifest_path} lists no SHA-256 for {name}.")
    for name, expected in digests.items():
        path = directory / name
        if Path(name).name != name or not path.is_file():
            raise ValueError(f"{directory} lacks {name}, which its manifest lists.")
        if _sha256(path) != expected:
            raise ValueError(
                f"{path} was altered or corrupted: its SHA-256 does not match {MANIFEST}. "
                "The model was not loaded."
            )
    config = _read_json(directory / CONFIG)
    _check_version(config, directory / CONFIG)
    return config


def _check_version(document: dict, path: Path) -> None:
    found = document.get("format_version")
    if not isinstance(found, int) or found > FORMAT_VERSION:
        installed = package_version("skneural")
        raise ValueError(
            f"{path} is of format version {found!r}; this skneural ({installed}) reads "
            f"versions up to {FORMAT_VERSION}. Upgrade skneural to load it."
        )


def _read_json(path: Path) -> dict:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise ValueError(f"{path} does not hold a JSON object.")
    return document


def load_pretrained(directory):
    """Load a model written by :func:`save_pretrained`, fitted and ready to predict.

    The files are checked against the manifest's SHA-256 digests first; the
    weights are read with safetensors and the config by a codec that builds
    only known skneural and scikit-learn classes, so loading never runs code
    from the files. The model predicts exactly as the estimator that was
    saved, on the CPU (``set_params(device=...)`` and a refit or
    ``partial_fit`` move it).

    Parameters
    ----------
    directory : str or path-like
        A directory written by :func:`save_pretrained`.

    Returns
    -------
    NeuralClassifier or NeuralRegressor
        The fitted estimator.

    Raises
    ------
    ValueError
        For a directory that is not a saved model, a file that does not match
        its digest, a file that is not safetensors or JSON, a model of a newer
        format version, or a config naming classes skneural does not rebuild
        or lacking an entry (the message names the file and the entry).
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    directory = Path(directory)
    config = read_config(directory)
    try:
        tensors = load_file(str(directory / WEIGHTS))
    except (SafetensorError, OSError, ValueError) as error:
        raise ValueError(
            f"{directory / WEIGHTS} is not a valid safetensors file: {error}"
        ) from None
    name = config.get("estimator")
    if name not in ESTIMATORS:
        raise ValueError(f"{directory / CONFIG} names an unknown estimator {name!r}.")
    estimator = ESTIMATORS[name](**_config_entry(config, "params", tensors, directory))
    vars(estimator).update(_config_entry(config, "fitted", tensors, directory))
    weights = {k[len("module.") :]: v for k, v in tensors.items() if k.startswith("module.")}
    estimator.module_ = _rebuilt_network(
        _config_entry(config, "module", tensors, directory), weights, directory / WEIGHTS
    )
    estimator.device_ = torch.device("cpu")
    estimator._optimizer = None
    if isinstance(estimator.module, PretrainedBackbone):
        # What predict reads of the source is in the fitted model: no need to find the source.
        estimator.module._remember(estimator.module_, estimator.input_layer_)
    return estimator


#: The keys each entry of the config must have.
_ENTRY_KEYS = {"params": (), "fitted": (), "module": ("build_spec", "frozen", "backbone_lr_scale")}


def _config_entry(config: dict, name: str, tensors: dict, directory: Path) -> dict:
    """The decoded ``name`` entry of the config in ``directory``: a dict of
    names with the keys it must have, else a ``ValueError`` naming the entry."""
    path = directory / CONFIG
    if name not in config:
        raise ValueError(
            f"{path} has no {name!r} entry: the file was altered, or not written by "
            "save_pretrained. The model was not loaded."
        )
    try:
        entry = decode(config[name], tensors)
    except (KeyError, TypeError, IndexError) as error:
        raise ValueError(
            f"The {name!r} entry of {path} is malformed ({type(error).__name__}: {error}): "
            "the file was altered. The model was not loaded."
        ) from None
    if not isinstance(entry, dict) or not all(isinstance(key, str) for key in entry):
        raise ValueError(
            f"The {name!r} entry of {path} is a {type(entry).__name__}, not a dict of names: "
            "the file was altered. The model was not loaded."
        )
    missing = [key for key in _ENTRY_KEYS[name] if key not in entry]
    if missing:
        raise ValueError(
            f"The {name!r} entry of {path} lacks {', '.join(map(repr, missing))}: the file "
            "was altered. The model was not loaded."
        )
    return entry
