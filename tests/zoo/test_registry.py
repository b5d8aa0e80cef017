"""The zoo: shipped models, local zoo directories, names."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from skneural import NeuralClassifier, save_pretrained
from skneural.zoo import list_models, load, zoo_directories
from skneural.zoo._registry import SHIPPED_ZOO, ZOO_PATH_VARIABLE

SHIPPED = ("digits-cnn", "waveforms-inception")


def test_the_shipped_zoo_lists_its_models_with_their_cards():
    table = list_models()
    assert set(SHIPPED) <= set(table["name"])
    row = table.set_index("name").loc["digits-cnn"]
    assert row["task"] == "classification" and row["input"] == "image (1, 8, 8)"
    assert row["metrics"].startswith("test_accuracy") and 0 < row["size_kb"] < 2048
    total_mb = sum(p.stat().st_size for p in SHIPPED_ZOO.rglob("*") if p.is_file()) / 2**20
    assert total_mb < 5


def test_a_shipped_model_loads_offline_and_predicts_well():
    digits = load_digits()
    model = load("digits-cnn")
    assert isinstance(model, NeuralClassifier)
    assert model.score(digits.images, digits.target) > 0.97


def test_a_sequence_model_is_shipped():
    model = load("waveforms-inception")
    t = np.linspace(0, 1, 64, endpoint=False)
    square = np.where((3 * t) % 1 < 0.5, 1.0, -1.0)[None, None, :].astype(np.float32)
    assert model.input_layer_.kind == "sequence"
    assert model.predict_proba(square).shape == (1, 4)


@pytest.fixture
def local_zoo(tmp_path):
    X, y = load_digits(return_X_y=True)
    model = NeuralClassifier(max_epochs=1, random_state=0).fit(X[:200], y[:200])
    save_pretrained(model, tmp_path / "my-digits-mlp", description="mine")
    save_pretrained(model, tmp_path / "digits-cnn", description="shadows the shipped one")
    return tmp_path


def test_local_zoos_come_first_from_paths_or_the_environment(local_zoo, monkeypatch):
    assert zoo_directories(local_zoo)[0] == local_zoo
    assert zoo_directories()[-1] == SHIPPED_ZOO
    assert load("my-digits-mlp", paths=local_zoo).module_.build_spec["module"] == "mlp"
    assert load("digits-cnn", paths=local_zoo).module_.build_spec["module"] == "mlp"
    monkeypatch.setenv(ZOO_PATH_VARIABLE, str(local_zoo))
    names = list(list_models()["name"])
    assert "my-digits-mlp" in names and names.count("digits-cnn") == 1
    assert load("my-digits-mlp").n_features_in_ == 64


def test_an_unknown_name_lists_close_ones():
    with pytest.raises(ValueError, match="Did you mean 'digits-cnn'"):
        load("digit-cnn")
    with pytest.raises(TypeError, match="named by a string"):
        load(3)


def test_a_tampered_local_model_is_listed_as_invalid_and_not_loaded(local_zoo):
    weights = local_zoo / "my-digits-mlp" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-8] + b"\0" * 8)
    row = list_models(local_zoo).set_index("name").loc["my-digits-mlp"]
    assert row["task"] == "invalid"
    with pytest.raises(ValueError, match="altered or corrupted"):
        load("my-digits-mlp", paths=local_zoo)
