"""Crash-safe checkpoints and bit-identical resume."""

import os
import signal
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV

from skneural import NeuralClassifier
from skneural.callbacks import (
    Callback,
    Checkpoint,
    LambdaCallback,
    ProgressBar,
    TensorBoardLogger,
)
from skneural.callbacks._checkpoint_io import atomic_save, load_checkpoint
from tests.conftest import FAST

WORKER = Path(__file__).with_name("checkpoint_worker.py")
ROOT = Path(__file__).parents[2]


def _run_worker(checkpoint_dir, output, kill_epoch=None, augment=False):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    env.pop("SKNEURAL_KILL_EPOCH", None)
    env.pop("SKNEURAL_WORKER_AUGMENT", None)
    if augment:
        env["SKNEURAL_WORKER_AUGMENT"] = "1"
    if kill_epoch is not None:
        env["SKNEURAL_KILL_EPOCH"] = str(kill_epoch)
    return subprocess.run(
        [sys.executable, str(WORKER), str(checkpoint_dir), str(output)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("augment", [False, True], ids=["plain", "augmented"])
def test_sigkill_mid_epoch_then_resume_is_bit_identical(tmp_path, augment):
    # Shuffling, dropout, an LR schedule and early stopping are all on, and
    # with ``augment`` the batches get noise and mixup from their own generator.
    reference = _run_worker(tmp_path / "reference", tmp_path / "reference.npz", augment=augment)
    assert reference.returncode == 0, reference.stderr

    killed = _run_worker(tmp_path / "run", tmp_path / "killed.npz", kill_epoch=7, augment=augment)
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / "killed.npz").exists()
    (latest,) = (tmp_path / "run").glob("*/latest.pt")
    assert len(load_checkpoint(latest)["history"]) == 6

    resumed = _run_worker(tmp_path / "run", tmp_path / "resumed.npz", augment=augment)
    assert resumed.returncode == 0, resumed.stderr

    expected, actual = np.load(tmp_path / "reference.npz"), np.load(tmp_path / "resumed.npz")
    assert set(expected.files) == set(actual.files)
    assert int(actual["n_iter"]) == int(expected["n_iter"]) < 60  # early stopping fired
    for name in expected.files:
        np.testing.assert_array_equal(actual[name], expected[name], err_msg=name)


def test_resume_counts_max_epochs_in_total(tmp_path, classification_data):
    X, y = classification_data
    params = {**FAST, "early_stopping": False, "max_epochs": 6}
    clf = NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **params).fit(X, y)
    again = NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **params).fit(X, y)
    assert again.n_iter_ == clf.n_iter_ == 6
    assert again.callbacks_[0].resumed_from_ is not None
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


def test_parallel_search_fits_never_share_files(tmp_path, classification_data):
    clf = NeuralClassifier(callbacks=[Checkpoint(tmp_path, monitor="valid_loss")], **FAST)
    GridSearchCV(clf, {"lr": [1e-2, 3e-3]}, cv=3, n_jobs=2).fit(*classification_data)
    assert len(list(tmp_path.glob("*/latest.pt"))) == 2 * 3 + 1  # candidates x folds + refit
    assert len(list(tmp_path.glob("*/best.pt"))) == 7


def test_best_checkpoint_and_load_best(tmp_path, classification_data):
    callback = Checkpoint(tmp_path, monitor="valid_accuracy", load_best=True)
    clf = NeuralClassifier(callbacks=[callback], **{**FAST, "early_stopping": False})
    clf.fit(*classification_data)
    fitted = clf.callbacks_[0]
    best = load_checkpoint(fitted.directory_ / "best.pt")
    accuracies = clf.history_.column("valid_accuracy")
    assert len(best["history"]) == int(np.argmax(accuracies)) + 1
    for name, tensor in clf.module_.state_dict().items():
        torch.testing.assert_close(tensor, best["module"][name], rtol=0, atol=0)


def test_crash_during_write_keeps_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "latest.pt"
    atomic_save({"value": torch.ones(3)}, path)

    def crash_halfway(obj, file):
        file.write(b"PK\x03\x04 partial bytes")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", crash_halfway)
    with pytest.raises(OSError, match="disk full"):
        atomic_save({"value": torch.zeros(3)}, path)
    monkeypatch.undo()
    torch.testing.assert_close(load_checkpoint(path)["value"], torch.ones(3))
    assert [p.name for p in tmp_path.iterdir()] == ["latest.pt"]


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_damaged_checkpoint_is_a_clear_error(tmp_path, classification_data, damage):
    X, y = classification_data
    params = {**FAST, "max_epochs": 2}
    NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **params).fit(X, y)
    (latest,) = tmp_path.glob("*/latest.pt")
    data = latest.read_bytes()
    latest.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"not a checkpoint")
    damaged = latest.read_bytes()
    with pytest.raises(ValueError, match="is truncated or corrupted"):
        NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **params).fit(X, y)
    assert latest.read_bytes() == damaged  # nothing overwritten


@pytest.mark.parametrize(
    "junk",
    [
        b"hello",  # decodes to a memo lookup of a missing key (KeyError)
        b"j",  # a memo lookup cut short (struct.error)
        bytes.fromhex("51 63 b5 fe 09 7f 7b 8c 5e d7 27 e5 79 e6 33 60"),  # a pop from []
        b"\x80\x02X\x02\x00\x00\x00\xfc\xfc.",  # a string that is no UTF-8
    ],
    ids=["missing-memo-key", "short-read", "empty-stack", "bad-utf8"],
)
def test_junk_resume_file_is_a_clear_error(tmp_path, junk):
    path = tmp_path / "latest.pt"
    path.write_bytes(junk)
    with pytest.raises(ValueError, match=r"latest.pt' is truncated or corrupted"):
        load_checkpoint(path)


def test_junk_resume_file_is_a_clear_error_in_fit(tmp_path, classification_data):
    path = tmp_path / "latest.pt"
    path.write_bytes(b"hello")
    callback = Checkpoint(tmp_path, resume=str(path))
    with pytest.raises(ValueError, match=r"latest.pt' is truncated or corrupted"):
        NeuralClassifier(callbacks=[callback], **FAST).fit(*classification_data)
    assert path.read_bytes() == b"hello"  # nothing overwritten


def test_checkpoint_from_another_model_is_rejected_untouched(tmp_path, classification_data):
    X, y = classification_data
    NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **{**FAST, "max_epochs": 2}).fit(X, y)
    (latest,) = tmp_path.glob("*/latest.pt")
    before = latest.read_bytes()
    other = NeuralClassifier(
        callbacks=[Checkpoint(tmp_path / "other", resume=latest)],
        **{**FAST, "hidden_layer_sizes": (7,)},
    )
    with pytest.raises(ValueError, match=r"hidden_layer_sizes=\[16\] there, \[7\] here"):
        other.fit(X, y)
    assert latest.read_bytes() == before


def test_resume_path_must_exist(tmp_path, classification_data):
    callback = Checkpoint(tmp_path, resume=tmp_path / "missing.pt")
    with pytest.raises(FileNotFoundError, match="missing.pt.*no checkpoint file"):
        NeuralClassifier(callbacks=[callback], **FAST).fit(*classification_data)


class Payload:
    """Stands for an object whose unpickling could run code."""


class Exploit:
    """Unpickling it would create a file: code run from the checkpoint."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


@pytest.mark.parametrize("kind", ["object", "code"])
def test_a_checkpoint_holding_code_is_refused_as_such(tmp_path, kind):
    path, marker = tmp_path / "evil.pt", tmp_path / "pwned"
    payload = Payload() if kind == "object" else Exploit(marker)
    atomic_save({"value": torch.ones(1)}, path)
    envelope = torch.load(path, weights_only=True)
    torch.save({**envelope, "state": {"payload": payload}}, path)
    expected = "Payload" if kind == "object" else "posix.mkdir"
    with pytest.raises(ValueError, match=f"holds code .* asks for .*{expected}.* refuses to load"):
        load_checkpoint(path)
    assert not marker.exists()


def _fitted_checkpoint(tmp_path, data):
    params = {**FAST, "early_stopping": False, "max_epochs": 2}
    NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **params).fit(*data)
    (latest,) = tmp_path.glob("*/latest.pt")
    return latest, params


def _flip_a_bit(path, raw: bytes, occurrence: int) -> None:
    """Flip the lowest bit of the middle byte of an occurrence of ``raw``."""
    data = bytearray(path.read_bytes())
    starts = [i for i in range(len(data)) if data.startswith(raw, i)]
    start = starts[occurrence]
    data[start + len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "where", ["weights", "averaged_weights", "optimizer", "raw_weights", "history"]
)
def test_a_flipped_bit_is_detected_on_load(tmp_path, classification_data, where):
    latest, params = _fitted_checkpoint(tmp_path, classification_data)
    state = load_checkpoint(latest)
    averaging = next(e["state"] for e in state["callbacks"] if e["class"] == "WeightAveraging")
    first_weight = next(iter(state["module"].values()))
    values = {
        # The network holds the average between epochs: equal bytes, stored twice.
        "weights": (first_weight, 0),
        "averaged_weights": (averaging["average"][0], 1),
        "optimizer": (state["optimizer"]["state"][0]["exp_avg"], 0),
        "raw_weights": (averaging["raw"][0], 0),
    }
    if where == "history":
        raw, occurrence = b"G" + struct.pack(">d", state["history"][0]["train_loss"]), 0
    else:
        tensor, occurrence = values[where]
        raw = tensor.numpy().tobytes()
    _flip_a_bit(latest, raw, occurrence)
    damaged = latest.read_bytes()
    with pytest.raises(ValueError, match=r"latest.pt' is corrupted: .* SHA-256 digest"):
        NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **params).fit(*classification_data)
    assert latest.read_bytes() == damaged  # nothing overwritten


@pytest.mark.parametrize(
    "envelope, match",
    [
        (
            {"format_version": 1, "run_id": "x", "module": {}},
            "format version 1, written by an older",
        ),
        (
            {"format": "skneural-checkpoint", "format_version": 3, "sha256": "", "state": {}},
            "format version 3, written by a newer skneural",
        ),
        ({"weights": torch.ones(2)}, "is not a skneural training checkpoint"),
    ],
)
def test_other_formats_are_refused(tmp_path, envelope, match):
    path = tmp_path / "latest.pt"
    torch.save(envelope, path)
    with pytest.raises(ValueError, match=match):
        load_checkpoint(path)


def test_checkpoints_load_with_plain_torch_load(tmp_path, classification_data):
    latest, _ = _fitted_checkpoint(tmp_path, classification_data)
    envelope = torch.load(latest, weights_only=True)
    assert envelope["format"] == "skneural-checkpoint" and envelope["format_version"] == 2
    assert len(envelope["state"]["history"]) == 2


def test_temporaries_of_killed_writes_are_removed(tmp_path, classification_data):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], text=True, capture_output=True
    ).stdout.strip()
    latest, params = _fitted_checkpoint(tmp_path, classification_data)
    stale = latest.with_name(f".latest.pt.{dead}.tmp")
    live = latest.with_name(f".latest.pt.{os.getppid()}.tmp")  # a writer still running
    for path in (stale, live):
        path.write_bytes(b"PK\x03\x04 half a checkpoint")
    refit = NeuralClassifier(callbacks=[Checkpoint(tmp_path, resume=False)], **params)
    refit.fit(*classification_data)
    assert not stale.exists() and live.exists()


def test_resume_false_starts_afresh(tmp_path, classification_data):
    X, y = classification_data
    params = {**FAST, "early_stopping": False, "max_epochs": 3}
    NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **params).fit(X, y)
    fresh = NeuralClassifier(callbacks=[Checkpoint(tmp_path, resume=False)], **params).fit(X, y)
    assert fresh.callbacks_[0].resumed_from_ is None


class InterruptAt(Callback):
    """Interrupts the fit after epoch ``InterruptAt.epoch`` when set (a class
    attribute, so a killed fit and its resumption have the same settings)."""

    epoch = None

    def on_epoch_end(self, trainer, epoch, logs, **kwargs):
        if epoch == InterruptAt.epoch:
            raise KeyboardInterrupt


def _interrupted_then_resumed(tmp_path, data, first, second, **params):
    """Fit ``first`` callbacks, interrupted after epoch 2, then ``second``."""
    params = {**FAST, "early_stopping": False, "max_epochs": 4, **params}
    InterruptAt.epoch = 2
    try:
        with pytest.warns(UserWarning, match="interrupted by the user after 2 epochs"):
            NeuralClassifier(callbacks=[InterruptAt(), *first], **params).fit(*data)
    finally:
        InterruptAt.epoch = None
    resumed = NeuralClassifier(callbacks=[InterruptAt(), *second], **params).fit(*data)
    reference = NeuralClassifier(callbacks=[InterruptAt()], **params).fit(*data)
    return resumed, reference


def _harmless_changes(tmp_path):
    """Settings a killed fit may be restarted with: none changes the training."""
    return {
        "progress_bar": ([Checkpoint(tmp_path)], [ProgressBar(), Checkpoint(tmp_path)]),
        "path_or_str": ([Checkpoint(str(tmp_path))], [Checkpoint(Path(tmp_path))]),
        "relative_dirname": ([Checkpoint(tmp_path)], [Checkpoint("ckpt")]),
        "every": ([Checkpoint(tmp_path)], [Checkpoint(tmp_path, every=3, load_best=False)]),
        "loggers": (
            [TensorBoardLogger(tmp_path / "tb"), Checkpoint(tmp_path)],
            [Checkpoint(tmp_path)],
        ),
    }


@pytest.mark.parametrize(
    "change", ["progress_bar", "path_or_str", "relative_dirname", "every", "loggers"]
)
def test_harmless_changes_still_resume(tmp_path, classification_data, monkeypatch, change):
    monkeypatch.chdir(tmp_path.parent)
    tmp_path = tmp_path.parent / "ckpt" if change == "relative_dirname" else tmp_path
    first, second = _harmless_changes(tmp_path.resolve())[change]
    resumed, reference = _interrupted_then_resumed(tmp_path, classification_data, first, second)
    (checkpoint,) = [cb for cb in resumed.callbacks_ if isinstance(cb, Checkpoint)]
    assert checkpoint.resumed_from_ is not None
    assert len(list(tmp_path.resolve().glob("*/latest.pt"))) == 1
    X = classification_data[0]
    np.testing.assert_array_equal(resumed.predict_proba(X), reference.predict_proba(X))


def test_random_state_none_makes_every_fit_a_new_run(tmp_path, classification_data):
    X, y = classification_data
    params = {**FAST, "random_state": None, "early_stopping": False, "max_epochs": 3}
    first = NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **params).fit(X, y)
    second = NeuralClassifier(callbacks=[Checkpoint(tmp_path)], **params).fit(X, y)
    assert second.callbacks_[0].resumed_from_ is None
    assert second.callbacks_[0].directory_ != first.callbacks_[0].directory_
    assert second.n_iter_ == 3
    assert not np.allclose(second.predict_proba(X), first.predict_proba(X))


def test_resume_from_another_runs_file_names_what_differs(tmp_path, classification_data):
    X, y = classification_data
    params = {**FAST, "early_stopping": False, "max_epochs": 2}
    NeuralClassifier(callbacks=[Checkpoint(tmp_path / "a")], **params).fit(X, y)
    (latest,) = (tmp_path / "a").glob("*/latest.pt")
    before = latest.read_bytes()
    # Same tensor shapes: only the settings differ.
    other = NeuralClassifier(
        callbacks=[Checkpoint(tmp_path / "b", resume=latest)],
        **{**params, "lr": 3e-3, "activation": "tanh"},
    )
    with pytest.raises(ValueError) as error:
        other.fit(X, y)
    message = str(error.value)
    assert str(latest) in message and "different training run" in message
    assert 'activation="relu" there, "tanh" here' in message
    assert "lr=0.01 there, 0.003 here" in message
    with pytest.raises(ValueError, match="different training data"):
        NeuralClassifier(callbacks=[Checkpoint(tmp_path / "c", resume=latest)], **params).fit(
            X[:-5], y[:-5]
        )
    with pytest.raises(ValueError, match="random_state=None draws new ones for every fit"):
        unseeded = {**params, "random_state": None}
        NeuralClassifier(callbacks=[Checkpoint(tmp_path / "d")], **unseeded).fit(X, y)
        (unseeded_latest,) = (tmp_path / "d").glob("*/latest.pt")
        callback = Checkpoint(tmp_path / "e", resume=unseeded_latest)
        NeuralClassifier(callbacks=[callback], **unseeded).fit(X, y)
    assert latest.read_bytes() == before


def test_load_best_refuses_another_runs_file(tmp_path, classification_data):
    X, y = classification_data
    params = {**FAST, "early_stopping": False, "max_epochs": 2}
    monitored = {"monitor": "valid_loss", "load_best": True}
    NeuralClassifier(callbacks=[Checkpoint(tmp_path / "a", **monitored)], **params).fit(X, y)
    (foreign,) = (tmp_path / "a").glob("*/best.pt")
    clf = NeuralClassifier(callbacks=[Checkpoint(tmp_path / "b", **monitored)], **params)

    def swap_in_the_foreign_best(trainer, **kwargs):
        (best,) = (tmp_path / "b").glob("*/best.pt")
        best.write_bytes(foreign.read_bytes())

    swap = LambdaCallback(on_train_end=swap_in_the_foreign_best)
    clf.set_params(callbacks=[swap, *clf.callbacks], lr=3e-3)
    with pytest.raises(ValueError, match="best.pt': the file belongs to a different training run"):
        clf.fit(X, y)
