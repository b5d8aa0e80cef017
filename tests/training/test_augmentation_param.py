"""The estimators' ``augmentation=`` parameter: training batches only, seeded,
searchable, soft targets from mixing, clear errors."""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError

from skneural import NeuralClassifier, NeuralRegressor
from skneural.augmentation import BatchAugmentation, ImageAugment, mix_targets
from skneural.training._augment import BatchAugmenter
from tests.conftest import FAST

STOCHASTIC = {**FAST, "batch_size": 32, "max_epochs": 4}


class Noise(BatchAugmentation):
    """Gaussian input noise and optional mixup, all from the given generator."""

    def __init__(self, sigma=0.3, mixup=False):
        self.sigma = sigma
        self.mixup = mixup

    def augment_inputs(self, X, generator):
        noise = torch.randn(X.shape, generator=generator, dtype=X.dtype, device=X.device)
        return X + self.sigma * noise

    def mix(self, X, y, generator, n_classes=None):
        if not self.mixup:
            return X, y
        partner = torch.randperm(len(X), generator=generator, device=X.device)
        weight = torch.rand(len(X), generator=generator, device=X.device)
        mixed = weight[:, None] * X + (1 - weight[:, None]) * X[partner]
        return mixed, mix_targets(y, partner, weight, n_classes)


class Recorder(BatchAugmentation):
    """Records the batches it sees (rows, target dtype and n_classes), changes nothing."""

    def __init__(self, log=None):
        self.log = log

    def __call__(self, X, y, *, generator, n_classes=None):
        self.log.append((X.shape[0], y.dtype, n_classes))
        return X, y


class TargetSpy:
    """A classification loss that records the targets it is given."""

    def __init__(self):
        self.targets = []

    def __call__(self, logits, y):
        self.targets.append(y.detach().clone())
        if torch.is_floating_point(y):
            return -(y * logits.log_softmax(dim=1)).sum(dim=1)
        return torch.nn.functional.cross_entropy(logits, y, reduction="none")


@pytest.mark.parametrize("validation_fraction", [0.0, 0.25])
def test_only_training_batches_are_augmented(classification_data, validation_fraction):
    X, y = classification_data
    log = []
    clf = NeuralClassifier(
        **{**STOCHASTIC, "early_stopping": False},
        validation_fraction=validation_fraction,
        augmentation=Recorder(log),
    ).fit(X, y)
    n_train = len(X) - round(validation_fraction * len(X))
    assert sum(rows for rows, _, _ in log) == n_train * clf.n_iter_
    assert {(dtype, n_classes) for _, dtype, n_classes in log} == {(torch.int64, 3)}
    seen = len(log)
    clf.predict_proba(X)
    clf.score(X, y)
    assert len(log) == seen


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
@pytest.mark.parametrize(
    "augmentation", [Noise(), Noise(mixup=True), lambda X: X + 0.5 * torch.randn_like(X)]
)
def test_augmented_fits_are_bit_identical_and_seeded(Estimator, augmentation, classification_data):
    X, y = classification_data

    def outputs(**params):
        estimator = Estimator(**{**STOCHASTIC, **params}).fit(X, y)
        return (
            estimator.predict_proba(X) if hasattr(estimator, "classes_") else estimator.predict(X)
        )

    first = outputs(augmentation=augmentation)
    np.testing.assert_array_equal(first, outputs(augmentation=clone(augmentation, safe=False)))
    assert not np.array_equal(first, outputs())
    assert not np.array_equal(first, outputs(augmentation=augmentation, random_state=1))


def test_global_torch_rng_is_untouched(classification_data):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    NeuralClassifier(**STOCHASTIC, augmentation=Noise(mixup=True)).fit(*classification_data)
    np.testing.assert_array_equal(torch.rand(3), expected)


@pytest.mark.parametrize("loss", ["log_loss", "cross_entropy", "binary_cross_entropy"])
def test_mixing_gives_classifier_losses_soft_targets(binary_data, loss):
    X, y = binary_data
    clf = NeuralClassifier(**STOCHASTIC, loss=loss, augmentation=Noise(mixup=True)).fit(X, y)
    assert all(np.isfinite(clf.history_.column("train_loss")))
    assert clf.score(X, y) > 0.8


def test_mixed_class_targets_are_probabilities(classification_data):
    X, y = classification_data
    spy = TargetSpy()
    NeuralClassifier(
        **{**STOCHASTIC, "max_epochs": 1},
        loss=spy,
        validation_fraction=0.0,
        augmentation=Noise(sigma=0.0, mixup=True),
    ).fit(X, y)
    (targets, *_) = spy.targets
    assert targets.dtype == torch.float32 and targets.shape == (32, 3)
    torch.testing.assert_close(targets.sum(dim=1), torch.ones(32))
    assert ((targets > 0) & (targets < 1)).any()


def test_mixup_on_multilabel_and_regression_targets(classification_data):
    X, y = classification_data
    Y = np.stack([y == 0, y == 1, y > 0], axis=1).astype(int)
    clf = NeuralClassifier(**STOCHASTIC, augmentation=Noise(mixup=True)).fit(X, Y)
    assert clf.predict(X).shape == Y.shape
    reg = NeuralRegressor(**STOCHASTIC, augmentation=Noise(mixup=True)).fit(X, Y.astype(float))
    assert np.isfinite(reg.predict(X)).all()


def test_image_augmentation_on_tabular_batches_is_a_clear_error(classification_data):
    clf = NeuralClassifier(**STOCHASTIC, augmentation=ImageAugment())
    with pytest.raises(ValueError, match=r"needs image batches of shape \(n, C, H, W\)"):
        clf.fit(*classification_data)
    assert not hasattr(clf, "module_")


def test_augmentation_settings_are_searchable(classification_data):
    X, y = classification_data
    clf = NeuralClassifier(**STOCHASTIC, augmentation=Noise())
    assert clf.get_params()["augmentation__sigma"] == 0.3
    assert clf.set_params(augmentation__sigma=0.1).augmentation.sigma == 0.1
    assert clone(clf).augmentation.sigma == 0.1
    search = GridSearchCV(clf, {"augmentation__sigma": [0.0, 1.0]}, cv=2).fit(X, y)
    assert [p["augmentation__sigma"] for p in search.cv_results_["params"]] == [0.0, 1.0]
    scores = search.cv_results_["mean_test_score"]
    assert scores[0] != scores[1]


def test_invalid_augmentation_values():
    X, y = np.random.RandomState(0).rand(20, 3), np.arange(20) % 2
    with pytest.raises(InvalidParameterError, match="augmentation"):
        NeuralClassifier(augmentation="flip").fit(X, y)
    with pytest.raises(TypeError, match="got the class ImageAugment"):
        NeuralClassifier(augmentation=ImageAugment).fit(X, y)
    with pytest.raises(InvalidParameterError, match="rotation"):
        NeuralClassifier(augmentation=ImageAugment(rotation=500)).fit(X, y)


@pytest.mark.parametrize(
    "augmentation, match",
    [
        (lambda X: X.numpy(), "must return a torch.Tensor batch"),
        (lambda X: X[1:], "must keep the batch's rows, dtype and device"),
        (lambda X: X.double(), "must keep the batch's rows, dtype and device"),
    ],
)
def test_a_bad_callable_is_a_clear_error(classification_data, augmentation, match):
    clf = NeuralClassifier(**STOCHASTIC, augmentation=augmentation)
    with pytest.raises((TypeError, ValueError), match=match):
        clf.fit(*classification_data)


def test_augmenter_state_round_trips():
    generator = torch.Generator().manual_seed(0)
    augmenter = BatchAugmenter(Noise(), generator)
    state = augmenter.state_dict()
    X, y = torch.zeros(4, 2), torch.zeros(4, dtype=torch.int64)
    first = augmenter(X, y)[0]
    augmenter.load_state_dict(state)
    torch.testing.assert_close(augmenter(X, y)[0], first, rtol=0, atol=0)


def test_partial_fit_augments_its_epoch(classification_data):
    X, y = classification_data
    log = []
    clf = NeuralClassifier(**STOCHASTIC, augmentation=Recorder(log))
    clf.partial_fit(X, y, classes=np.unique(y))
    clf.partial_fit(X, y)
    assert sum(rows for rows, _, _ in log) == 2 * len(X)
