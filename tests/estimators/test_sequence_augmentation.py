"""SequenceAugment through the estimators' augmentation= parameter."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV

from skneural import NeuralClassifier, NeuralRegressor
from skneural.augmentation import SequenceAugment

SMALL = {
    "module": "gru",
    "module_params": {"hidden_size": 8},
    "max_epochs": 4,
    "lr": 1e-2,
    "random_state": 0,
}


@pytest.fixture
def sequences(rng):
    X = rng.normal(size=(80, 2, 24))
    X[::3, :, 16:] = np.nan  # a third of the rows are 16 steps long
    y = (np.nanmean(X[:, 0], axis=1) > 0).astype(int)
    return X, y


def test_an_augmented_fit_is_seeded_and_changes_the_training(sequences):
    X, y = sequences
    augment = SequenceAugment(time_warp=0.2, crop=0.9, mixup=0.2)
    first = NeuralClassifier(augmentation=augment, **SMALL).fit(X, y)
    second = NeuralClassifier(augmentation=augment, **SMALL).fit(X, y)
    plain = NeuralClassifier(**SMALL).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert not np.array_equal(first.predict_proba(X), plain.predict_proba(X))
    assert np.isfinite(first.predict_proba(X)).all()


def test_augmentation_settings_are_searchable(sequences):
    X, y = sequences
    search = GridSearchCV(
        NeuralClassifier(augmentation=SequenceAugment(), **SMALL),
        {"augmentation__jitter": [0.0, 0.1], "augmentation__mixup": [0.0, 0.4]},
        cv=2,
    ).fit(X, y)
    assert set(search.best_params_) == {"augmentation__jitter", "augmentation__mixup"}
    assert search.best_estimator_.augmentation.jitter == search.best_params_["augmentation__jitter"]


def test_a_regressor_trains_on_augmented_sequences(sequences):
    X, _ = sequences
    target = np.nanmean(X[:, 0], axis=1)
    reg = NeuralRegressor(augmentation=SequenceAugment(scaling=0.0, jitter=0.01), **SMALL)
    assert reg.fit(X, target).predict(X).shape == (len(X),)


def test_token_sequences_are_augmented_by_token_masking(rng):
    rows = [rng.randint(0, 10, size=n).astype(float) for n in rng.randint(3, 9, size=60)]
    y = np.array([int(row[0] > 4) for row in rows])
    params = {**SMALL, "module_params": {"vocab_size": 10, "hidden_size": 8, "patch_size": 1}}
    augment = SequenceAugment(tokens=True, vocab_size=10, token_masking=0.3)
    clf = NeuralClassifier(augmentation=augment, **params).fit(rows, y)
    assert clf.predict(rows).shape == (60,)
    with pytest.raises(ValueError, match="use SequenceAugment\\(tokens=True, vocab_size=10\\)"):
        NeuralClassifier(augmentation=SequenceAugment(), **params).fit(rows, y)


@pytest.mark.parametrize(
    "augment, match",
    [
        (SequenceAugment(tokens=True, mask_token=10), "mask_token=10\\) would put ids"),
        (SequenceAugment(tokens=True, vocab_size=50), "vocab_size=50\\) would put ids .* 0 to 9"),
    ],
)
def test_token_settings_outside_the_vocabulary_are_refused_before_training(rng, augment, match):
    rows = [rng.randint(0, 10, size=n).astype(float) for n in rng.randint(3, 9, size=20)]
    params = {**SMALL, "module_params": {"vocab_size": 10, "hidden_size": 8}}
    clf = NeuralClassifier(augmentation=augment, **params)
    with pytest.raises(ValueError, match=match):
        clf.fit(rows, np.arange(20) % 2)
    assert not hasattr(clf, "module_")


@pytest.mark.parametrize("module", ["gru", "tcn", "inception_time"])
def test_a_row_gets_the_same_tta_views_whatever_it_is_predicted_with(sequences, module):
    X, _ = sequences
    augment = SequenceAugment(probability=1.0, jitter=0.5, time_warp=0.3, crop=0.8, cutout=0.2)
    reg = NeuralRegressor(augmentation=augment, tta=3, **{**SMALL, "module": module})
    reg.set_params(module_params=None, max_epochs=1).fit(X, X[:, 0, 0])
    short, long = X[0, :, :5], X[1]
    alone = reg.predict([short])
    np.testing.assert_allclose(reg.predict([short, long])[:1], alone, rtol=1e-5)
    np.testing.assert_allclose(reg.predict([long, short])[1:], alone, rtol=1e-5)


class _Samples(torch.utils.data.Dataset):
    def __init__(self, X):
        self.X = X.astype(np.float32)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        return self.X[index]


def test_sequences_of_a_torch_dataset_are_augmented(rng):
    X = rng.normal(size=(40, 2, 12))
    y = (X[:, 0].mean(axis=1) > 0).astype(int)
    augmented = NeuralClassifier(augmentation=SequenceAugment(), tta=2, **SMALL)
    plain = NeuralClassifier(**SMALL)
    proba = augmented.fit(_Samples(X), y).predict_proba(_Samples(X))
    assert not np.array_equal(proba, plain.fit(_Samples(X), y).predict_proba(_Samples(X)))
    np.testing.assert_allclose(augmented.predict_proba(_Samples(X[:1])), proba[:1], rtol=1e-5)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"module": "mlp", "module_params": None}, "reads X as numeric inputs: choose a seq"),
        ({}, "tokens=True\\) masks token ids, but the inputs are float"),
    ],
)
def test_sequence_augment_on_other_inputs_is_a_clear_error(sequences, params, match):
    X, y = sequences
    augment = SequenceAugment(tokens=True, vocab_size=10)
    X = X[:, 0, :16] if params.get("module") == "mlp" else X
    clf = NeuralClassifier(augmentation=augment, **{**SMALL, **params})
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)
    assert not hasattr(clf, "module_")
