"""The dataset case: training and predicting from a torch Dataset through a DataLoader."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, cross_val_score
from skorch.helper import SliceDataset
from torch.utils.data import Dataset

from skneural import NeuralClassifier, NeuralRegressor
from skneural.augmentation import ImageAugment
from skneural.callbacks import Checkpoint
from skneural.data import DatasetInput

FAST = {"max_epochs": 3, "lr": 1e-2, "random_state": 0, "batch_size": 64}
SMALL_CNN = {"channels": (4, 8)}


class Pairs(Dataset):
    """A map-style dataset of ``(sample, target)`` pairs, as torch users write them."""

    def __init__(self, X, y):
        self.X, self.y = X, y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        return torch.as_tensor(self.X[index]), self.y[index]


class Samples(Dataset):
    """A dataset of single samples (a list of arrays, say)."""

    def __init__(self, samples):
        self.samples = samples

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        return self.samples[index]


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    return (data.images[:240] * 16).astype(np.uint8), data.target[:240]


def _cnn(**params):
    return NeuralClassifier(module="cnn", module_params=SMALL_CNN, **{**FAST, **params})


def test_a_dataset_trains_like_the_array_it_holds(digits):
    images, y = digits
    X = SliceDataset(Pairs(images, y))
    from_dataset = _cnn().fit(X, y)
    from_array = _cnn().fit(images, y)
    assert isinstance(from_dataset.input_layer_, DatasetInput)
    assert from_dataset.input_layer_.input_shape_ == (1, 8, 8)
    assert from_dataset.n_features_in_ == 64
    np.testing.assert_array_equal(from_dataset.predict_proba(X), from_array.predict_proba(images))
    assert [row["valid_loss"] for row in from_dataset.history_] == [
        row["valid_loss"] for row in from_array.history_
    ]


def test_workers_read_the_same_batches_in_the_same_order(digits):
    images, y = digits
    X = SliceDataset(Pairs(images, y))
    in_process = _cnn(augmentation=ImageAugment(horizontal_flip=0.5)).fit(X, y)
    with_workers = _cnn(augmentation=ImageAugment(horizontal_flip=0.5), num_workers=2).fit(X, y)
    np.testing.assert_array_equal(with_workers.predict_proba(X), in_process.predict_proba(X))
    assert with_workers.history_[-1]["train_loss"] == in_process.history_[-1]["train_loss"]


def test_scikit_learn_splits_and_searches_a_slice_dataset(digits):
    images, y = digits
    X = SliceDataset(Pairs(images, y))
    scores = cross_val_score(_cnn(max_epochs=2), X, y, cv=2)
    np.testing.assert_array_equal(scores, cross_val_score(_cnn(max_epochs=2), images, y, cv=2))
    search = GridSearchCV(_cnn(max_epochs=2), {"lr": [1e-2, 3e-3]}, cv=2).fit(X, y)
    assert search.best_estimator_.predict(X[:5]).shape == (5,)


def test_workers_start_inside_parallel_searches(digits):
    images, y = digits
    X = SliceDataset(Pairs(images, y))
    search = GridSearchCV(_cnn(max_epochs=1, num_workers=1), {"lr": [1e-2]}, cv=2, n_jobs=2)
    assert search.fit(X, y).best_score_ > 0


def test_a_tabular_module_reads_feature_vectors_unscaled():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 5)).astype(np.float32)
    y = X @ np.arange(1.0, 6.0)
    params = {"max_epochs": 4, "random_state": 0}
    from_dataset = NeuralRegressor(**params).fit(Samples(list(X)), y)
    from_array = NeuralRegressor(preprocessing=None, **params).fit(X, y)
    np.testing.assert_array_equal(from_dataset.predict(Samples(list(X))), from_array.predict(X))


def test_a_sequence_module_reads_channel_by_time_samples():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2, 16)).astype(np.float32)
    y = (X[:, 0].mean(axis=1) > 0).astype(int)
    clf = NeuralClassifier(module="gru", max_epochs=2, random_state=0).fit(Samples(list(X)), y)
    assert clf.input_layer_.layout == ("sample", "channel", "time")
    assert clf.predict(Samples(list(X[:7]))).shape == (7,)


def test_training_resumes_from_a_checkpoint(digits, tmp_path):
    images, y = digits
    X = SliceDataset(Pairs(images, y))
    full = _cnn(max_epochs=4).fit(X, y)
    first = _cnn(max_epochs=2, callbacks=[Checkpoint(tmp_path)]).fit(X, y)
    assert first.n_iter_ == 2
    resumed = _cnn(max_epochs=4, callbacks=[Checkpoint(tmp_path)]).fit(X, y)
    assert resumed.n_iter_ == 4
    np.testing.assert_array_equal(resumed.predict_proba(X), full.predict_proba(X))


@pytest.mark.parametrize(
    ("dataset", "params", "message"),
    [
        (Pairs(np.zeros((4, 8, 8)), np.arange(4)), {}, "tuples of 2 values"),
        (Samples([np.zeros(8)] * 4), {}, r"takes samples of shape \(C, H, W\)"),
        (Samples([np.zeros((8, 8))] * 4), {"preprocessing": "standard"}, "preprocessing"),
        (Samples([]), {}, "empty dataset"),
        (Samples([np.zeros((8, 8))] * 3 + [np.zeros((7, 8))]), {}, "like the first one"),
        (Samples([np.zeros((8, 8))] * 3 + [np.full((8, 8), np.nan)]), {}, "NaN"),
        (Samples(["text"] * 4), {}, "numeric array"),
    ],
)
def test_bad_datasets_get_clear_errors(dataset, params, message):
    with pytest.raises(ValueError, match=message):
        _cnn(max_epochs=1, batch_size=2, **params).fit(dataset, np.arange(len(dataset)) % 2)


def test_predict_needs_samples_like_the_training_ones(digits):
    images, y = digits
    clf = _cnn(max_epochs=1).fit(Samples(list(images)), y)
    with pytest.raises(TypeError, match="fitted on a torch Dataset"):
        clf.predict(images)
    with pytest.raises(ValueError, match=r"items of shape \(8, 8\)"):
        clf.predict(Samples([np.zeros((9, 9), np.uint8)]))
    with pytest.raises(ValueError, match="on another scale"):
        clf.predict(Samples([np.zeros((8, 8), np.float32)]))


def test_num_workers_is_validated():
    with pytest.raises(ValueError, match="num_workers"):
        NeuralClassifier(num_workers=-1).fit(np.zeros((4, 2)), [0, 1, 0, 1])
