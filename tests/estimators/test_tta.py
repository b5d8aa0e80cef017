"""Test-time augmentation (``tta=``): averaged views, row invariance, errors."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV

from skneural import NeuralClassifier, NeuralRegressor
from skneural.augmentation import BatchAugmentation, ImageAugment, tta_views

FAST = {"max_epochs": 3, "lr": 1e-2, "random_state": 0, "module": "cnn"}
FLIP = ImageAugment(horizontal_flip=1.0, rotation=0, translate=0, scale=0)


@pytest.fixture(scope="module")
def images():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(80, 1, 6, 6)).astype(np.float32)
    y = (X[:, 0, :, :3].mean(axis=(1, 2)) > X[:, 0, :, 3:].mean(axis=(1, 2))).astype(int)
    return X, y


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_two_views_average_the_image_and_its_mirror(Estimator, images):
    X, y = images
    est = Estimator(**FAST, augmentation=FLIP, module_params={"channels": (4,)}).fit(X, y)
    method = "predict_proba" if Estimator is NeuralClassifier else "predict"
    plain = getattr(est, method)(X)
    mirrored = getattr(est, method)(X[..., ::-1].copy())
    averaged = getattr(est.set_params(tta=2), method)(X)
    np.testing.assert_allclose(averaged, (plain + mirrored) / 2, rtol=1e-6)
    assert not np.allclose(averaged, plain)


def test_random_views_are_deterministic_and_row_invariant(images):
    X, y = images
    clf = NeuralClassifier(**FAST, augmentation=ImageAugment(rotation=30), tta=5).fit(X, y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    np.testing.assert_array_equal(clf.predict_proba(X[7:9]), proba[7:9])
    np.testing.assert_array_equal(clf.predict_proba(X[::-1]), proba[::-1])
    assert not np.allclose(clf.set_params(tta=1).predict_proba(X), proba)


def test_tta_is_searchable(images):
    X, y = images
    clf = NeuralClassifier(**FAST, augmentation=FLIP)
    search = GridSearchCV(clf, {"tta": [1, 2]}, cv=2).fit(X, y)
    assert [p["tta"] for p in search.cv_results_["params"]] == [1, 2]


def test_tta_needs_a_batch_augmentation(images):
    X, y = images
    with pytest.raises(ValueError, match="tta=3 averages predictions over views"):
        NeuralClassifier(**FAST, tta=3).fit(X, y)
    clf = NeuralClassifier(**FAST, augmentation=lambda X: X).fit(X, y)
    with pytest.raises(ValueError, match="must then be a skneural BatchAugmentation"):
        clf.set_params(tta=2).predict(X)


class Shift(BatchAugmentation):
    """Adds one uniform draw per row (the default, row-by-row augment_view)."""

    def augment_inputs(self, X, generator):
        return X + torch.rand(len(X), 1, generator=generator)


@pytest.mark.parametrize("augmentation", [ImageAugment(rotation=40, cutout=0.5), Shift()])
def test_shared_draw_views_equal_one_row_batches(augmentation):
    X = torch.rand(5, 1, 6, 6) if isinstance(augmentation, ImageAugment) else torch.rand(5, 3)
    generator = torch.Generator().manual_seed(3)
    view = augmentation.augment_view(X, generator)
    after_batch = generator.get_state()
    for row in range(len(X)):
        generator.manual_seed(3)
        expected = augmentation.augment_inputs(X[row : row + 1], generator)
        torch.testing.assert_close(view[row : row + 1], expected, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(generator.get_state(), after_batch)  # one row's draws
    views = list(tta_views(augmentation, X, 3, generator.manual_seed(3), shared_draws=True))
    torch.testing.assert_close(views[1], view)


def test_tta_does_not_change_the_training_run(images):
    X, y = images
    identities = [
        NeuralClassifier(**FAST, augmentation=FLIP, tta=tta)._run_identity(X, y, None, 0, (1, 2))
        for tta in (1, 3)
    ]
    assert identities[0] == identities[1]
