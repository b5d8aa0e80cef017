"""Pretrained models on disk: round trips, integrity checks, refusal of unsafe files."""

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor, load_pretrained, save_pretrained
from skneural.augmentation import ImageAugment
from skneural.callbacks import Checkpoint
from skneural.zoo._format import CONFIG, MANIFEST, WEIGHTS

FAST = {"max_epochs": 2, "random_state": 0}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300], y[:300]


def _fitted(kind, X, y):
    if kind == "mlp":
        return NeuralClassifier(**FAST).fit(X, y), X
    if kind == "regressor":
        return NeuralRegressor(module="resnet", **FAST).fit(X, np.c_[y, -y]), X
    images = X.reshape(-1, 8, 8)
    if kind == "cnn":
        model = NeuralClassifier(
            module="cnn",
            module_params={"channels": (4, 8)},
            augmentation=ImageAugment(rotation=5.0),
            preprocessing="standard",
            **FAST,
        )
        return model.fit(images, y), images
    return NeuralClassifier(module="gru", **FAST).fit(images, y), images  # 8 channels x 8 steps


@pytest.mark.parametrize("kind", ["mlp", "regressor", "cnn", "gru"])
def test_a_saved_model_predicts_exactly_as_the_original(kind, digits, tmp_path):
    model, X = _fitted(kind, *digits)
    directory = save_pretrained(model, tmp_path / "model", metrics={"accuracy": 0.5})
    assert sorted(p.name for p in directory.iterdir()) == [
        "README.md",
        CONFIG,
        MANIFEST,
        WEIGHTS,
    ]
    loaded = load_pretrained(directory)
    assert type(loaded) is type(model)
    assert loaded.get_params().keys() == model.get_params().keys()
    method = "predict" if kind == "regressor" else "predict_proba"
    np.testing.assert_array_equal(getattr(loaded, method)(X), getattr(model, method)(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.n_iter_ == model.n_iter_ and len(loaded.history_) == len(model.history_)


def test_a_mixed_dataframe_model_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "number": rng.normal(size=150),
            "flag": rng.choice([True, False], 150),
            "colour": rng.choice(["red", "green", "blue"], 150),
            "code": rng.choice([f"c{i}" for i in range(40)], 150),  # embedded
            "day": pd.date_range("2024-01-01", periods=150),
        }
    )
    X.loc[3, "number"] = np.nan
    y = rng.integers(0, 2, 150)
    model = NeuralClassifier(**FAST).fit(X, y)
    loaded = load_pretrained(save_pretrained(model, tmp_path / "m"))
    unseen = X.assign(colour=["purple"] * 150)
    np.testing.assert_array_equal(loaded.predict_proba(unseen), model.predict_proba(unseen))
    assert list(loaded.feature_names_in_) == list(X.columns)
    assert loaded.categorical_embeddings()["code"].shape[0] > 1


def test_a_loaded_model_keeps_training(digits, tmp_path):
    model, X = _fitted("mlp", *digits)
    loaded = load_pretrained(save_pretrained(model, tmp_path / "model"))
    loaded.partial_fit(X, digits[1])
    assert loaded.n_iter_ == model.n_iter_ + 1
    assert loaded.score(X, digits[1]) > 0.5


def test_a_fresh_process_predicts_the_same(digits, tmp_path):
    model, X = _fitted("cnn", *digits)
    save_pretrained(model, tmp_path / "model")
    np.save(tmp_path / "X.npy", X)
    script = (
        "import numpy as np, sys; from skneural import load_pretrained; "
        "m = load_pretrained(sys.argv[1] + '/model'); "
        "np.save(sys.argv[1] + '/p.npy', m.predict_proba(np.load(sys.argv[1] + '/X.npy')))"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True)
    np.testing.assert_array_equal(np.load(tmp_path / "p.npy"), model.predict_proba(X))


def test_the_model_card_and_config_describe_the_model(digits, tmp_path):
    model, _ = _fitted("cnn", *digits)
    directory = save_pretrained(model, tmp_path / "m", description="Digits.", data="digits")
    card = json.loads((directory / CONFIG).read_text())["card"]
    assert card["task"] == "classification" and card["input"] == "image (1, 8, 8)"
    assert card["module"] == "cnn" and card["versions"]["torch"] == torch.__version__
    text = (directory / "README.md").read_text()
    assert "Digits." in text and "image (1, 8, 8)" in text


def test_an_existing_model_is_replaced_only_when_asked(digits, tmp_path):
    model, X = _fitted("mlp", *digits)
    directory = save_pretrained(model, tmp_path / "m")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        save_pretrained(model, directory)
    other = NeuralClassifier(max_epochs=1, random_state=1).fit(*digits)
    save_pretrained(other, directory, overwrite=True)
    np.testing.assert_array_equal(
        load_pretrained(directory).predict_proba(X), other.predict_proba(X)
    )
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # no staging directory left


def _a_user_directory(path):
    path.mkdir()
    (path / "thesis.tex").write_text("two years of work")


def _a_user_file(path):
    path.write_text("notes")


def _a_link_to_a_model(path):
    path.symlink_to(path.parent / "m")


def _a_model_with_other_files(path):
    path.mkdir()
    for name in (CONFIG, WEIGHTS, MANIFEST, "README.md"):
        (path / name).write_bytes((path.parent / "m" / name).read_bytes())
    (path / "notes.txt").write_text("mine")


def _snapshot(folder):
    return {str(p.relative_to(folder)): p.is_file() and p.read_bytes() for p in folder.rglob("*")}


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (_a_user_directory, "is a directory that is not a saved model"),
        (_a_user_file, "is a file, not a saved model"),
        (_a_link_to_a_model, "is a symbolic link"),
        (_a_model_with_other_files, "and other files, notes.txt, which replacing it"),
    ],
)
def test_overwrite_replaces_nothing_but_a_saved_model(make, match, digits, tmp_path):
    model, _ = _fitted("mlp", *digits)
    save_pretrained(model, tmp_path / "m")
    make(tmp_path / "target")
    before = _snapshot(tmp_path)
    for overwrite in (False, True):
        with pytest.raises(FileExistsError, match=f"{match}.*left .* untouched"):
            save_pretrained(model, tmp_path / "target", overwrite=overwrite)
    assert _snapshot(tmp_path) == before  # nothing deleted, no staging or retired copy left


def test_the_working_directory_is_never_replaced(digits, tmp_path, monkeypatch):
    model, X = _fitted("mlp", *digits)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileExistsError, match="not a saved model"):
        save_pretrained(model, ".", overwrite=True)
    directory = save_pretrained(model, tmp_path / "m")
    monkeypatch.chdir(directory)
    with pytest.raises(FileExistsError, match="is the current working directory"):
        save_pretrained(model, ".", overwrite=True)
    np.testing.assert_array_equal(load_pretrained(".").predict(X), model.predict(X))


def test_paths_in_the_parameters_load_back_as_paths(digits, tmp_path):
    model = NeuralClassifier(callbacks=[Checkpoint(tmp_path / "ck")], **FAST).fit(*digits)
    loaded = load_pretrained(save_pretrained(model, tmp_path / "m"))
    assert loaded.callbacks[0].dirname == tmp_path / "ck"
    assert isinstance(loaded.callbacks[0].dirname, Path)


@pytest.mark.parametrize(
    ("metrics", "match"),
    [
        ({"accuracy": "high"}, "The metric 'accuracy' is 'high'; metrics are numbers"),
        ({"accuracy": "0.9"}, "The metric 'accuracy' is '0.9'"),
        ({"accuracy": [0.9, 0.8]}, "The metric 'accuracy' is \\[0.9, 0.8\\]"),
        ([0.9], "metrics must be a dict"),
    ],
)
def test_a_metric_that_is_no_number_is_refused(metrics, match, digits, tmp_path):
    model, _ = _fitted("mlp", *digits)
    with pytest.raises(TypeError, match=match):
        save_pretrained(model, tmp_path / "m", metrics=metrics)
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda config: config.pop("params"), "has no 'params' entry"),
        (lambda config: config.pop("module"), "has no 'module' entry"),
        (lambda config: config.update(fitted=[1, 2]), "'fitted' entry .* is a list, not a dict"),
        (lambda config: config["module"]["items"].pop(0), "'module' entry .* lacks 'build_spec'"),
        (lambda config: config.update(params={"$type": "tuple"}), "'params' entry .* malformed"),
    ],
)
def test_a_config_missing_an_entry_is_refused(edit, match, digits, tmp_path):
    model, _ = _fitted("mlp", *digits)
    directory = save_pretrained(model, tmp_path / "m")
    config = json.loads((directory / CONFIG).read_text())
    edit(config)
    (directory / CONFIG).write_text(json.dumps(config))
    _rewrite_manifest(directory)
    with pytest.raises(ValueError, match=f"{match}.*The model was not loaded"):
        load_pretrained(directory)


@pytest.mark.parametrize("name", [CONFIG, WEIGHTS])
def test_an_altered_file_is_refused(name, digits, tmp_path):
    model, _ = _fitted("mlp", *digits)
    directory = save_pretrained(model, tmp_path / "m")
    path = directory / name
    data = bytearray(path.read_bytes())
    data[-2] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="altered or corrupted"):
        load_pretrained(directory)


def test_a_missing_weights_file_is_refused(digits, tmp_path):
    model, _ = _fitted("mlp", *digits)
    directory = save_pretrained(model, tmp_path / "m")
    (directory / WEIGHTS).unlink()
    with pytest.raises(ValueError, match="lacks model.safetensors"):
        load_pretrained(directory)


def test_pickle_files_are_never_loaded(digits, tmp_path):
    model, _ = _fitted("mlp", *digits)
    folder = tmp_path / "pickled"
    folder.mkdir()
    (folder / "model.pkl").write_bytes(pickle.dumps(model))
    with pytest.raises(ValueError, match="pickle-based files are never loaded"):
        load_pretrained(folder)
    # A pickle in place of the weights, with a manifest that matches it.
    directory = save_pretrained(model, tmp_path / "m")
    (directory / WEIGHTS).write_bytes(pickle.dumps(model.module_.state_dict()))
    _rewrite_manifest(directory)
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        load_pretrained(directory)


def test_a_config_naming_other_classes_is_refused(digits, tmp_path):
    model, _ = _fitted("mlp", *digits)
    directory = save_pretrained(model, tmp_path / "m")
    config = (directory / CONFIG).read_text().replace('"NumericInput"', '"Popen"')
    (directory / CONFIG).write_text(config)
    _rewrite_manifest(directory)
    with pytest.raises(ValueError, match="class 'Popen'"):
        load_pretrained(directory)


def test_a_newer_format_version_is_refused(digits, tmp_path):
    model, _ = _fitted("mlp", *digits)
    directory = save_pretrained(model, tmp_path / "m")
    manifest = json.loads((directory / MANIFEST).read_text())
    manifest["format_version"] = 99
    (directory / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="Upgrade skneural"):
        load_pretrained(directory)


def test_what_is_not_a_model_gets_clear_errors(digits, tmp_path):
    with pytest.raises(ValueError, match="no such directory"):
        load_pretrained(tmp_path / "missing")
    with pytest.raises(ValueError, match="no manifest.json"):
        load_pretrained(tmp_path)
    with pytest.raises(TypeError, match="NeuralClassifier or NeuralRegressor"):
        save_pretrained(StandardScaler().fit(digits[0]), tmp_path / "s")


class TinyNet(torch.nn.Module):
    def __init__(self, n_features_in, n_outputs):
        super().__init__()
        self.linear = torch.nn.Linear(n_features_in, n_outputs)

    def forward(self, X):
        return self.linear(X)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"module": TinyNet}, "user-defined TinyNet"),
        ({"preprocessing": StandardScaler()}, "transformer. input layer"),
        ({"augmentation": lambda X: X}, "function"),
    ],
)
def test_what_needs_pickle_is_refused_at_save(params, message, digits, tmp_path):
    model = NeuralClassifier(**FAST, **params).fit(*digits)
    with pytest.raises(TypeError, match=message):
        save_pretrained(model, tmp_path / "m")
    assert not (tmp_path / "m").exists()


def _rewrite_manifest(directory):
    """Recompute the digests after a deliberate change (an attacker's view)."""
    from skneural.zoo._format import _sha256

    manifest = json.loads((directory / MANIFEST).read_text())
    manifest["sha256"] = {name: _sha256(directory / name) for name in manifest["sha256"]}
    (directory / MANIFEST).write_text(json.dumps(manifest))
