"""ENAS-style weight sharing in ArchitectureSearchCV, and the SharedMLP super-network."""

import numpy as np
import pytest
import torch

from skneural import NeuralClassifier
from skneural.callbacks import Callback
from skneural.model_selection import ArchitectureSearchCV, ArchitectureSpace, Decision
from skneural.nn._shared_mlp import SharedMLP
from tests.model_selection.conftest import TINY

MICRO = {**TINY, "max_epochs": 2}


class CountFits(Callback):
    fits = 0

    def on_train_begin(self, trainer, **kwargs):
        type(self).fits += 1


def mlp_space():
    return ArchitectureSpace(
        [
            Decision("depth", (1, 2)),
            Decision("width_1", (4, 8), param="hidden_layer_sizes[0]"),
            Decision("width_2", (4, 16), param="hidden_layer_sizes[1]", when={"depth": 2}),
            Decision("activation", ("relu", "tanh"), param="activation"),
            Decision("dropout", (0.0, 0.2), param="dropout"),
        ]
    )


def test_a_subnetwork_is_the_top_left_block_of_the_shared_weights():
    torch.manual_seed(0)
    net = SharedMLP(3, 2, max_widths=(8, 16), activations=("relu", "tanh")).eval()
    net.active = {"hidden_layer_sizes": (4, 5), "activation": "tanh", "dropout": 0.5}
    X = torch.randn(6, 3)
    first, second, head = net.layers[0], net.layers[1], net.heads[1]
    hidden = torch.tanh(X @ first.weight[:4].T + first.bias[:4])
    hidden = torch.tanh(hidden @ second.weight[:5, :4].T + second.bias[:5])
    torch.testing.assert_close(net(X), hidden @ head.weight[:, :5].T + head.bias)
    # a one-layer sub-network reads the head of depth 1
    net.active = {"hidden_layer_sizes": (2,), "activation": "relu", "dropout": 0.0}
    expected = torch.relu(X @ first.weight[:2].T + first.bias[:2]) @ net.heads[0].weight[:, :2].T
    torch.testing.assert_close(net(X), expected + net.heads[0].bias)


@pytest.mark.parametrize("sizes", [(9,), (4, 17), (4, 4, 4), ()])
def test_an_active_network_outside_the_super_network_is_refused(sizes):
    net = SharedMLP(3, 2, max_widths=(8, 16))
    net.active = {"hidden_layer_sizes": sizes, "activation": "relu", "dropout": 0.0}
    with pytest.raises(ValueError, match="is not a sub-network of max_widths"):
        net(torch.zeros(1, 3))


def test_screens_every_proposal_and_retrains_the_best(small_classification):
    X, y = small_classification
    CountFits.fits = 0
    search = ArchitectureSearchCV(
        NeuralClassifier(**MICRO, callbacks=[CountFits()]),
        mlp_space(),
        weight_sharing=True,
        shared_epochs=2,
        n_retrain=2,
        n_iter=6,
        proposals_per_update=3,
        cv=3,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    shared = results["shared_score"]
    assert np.isfinite(shared).all() and len(shared) == 6
    retrained = results["state"] == "COMPLETE"
    assert retrained.sum() == 2 and set(results["state"]) == {"COMPLETE", "SCREENED"}
    # the two best shared scores were cross-validated from scratch
    assert shared[retrained].min() >= shared[~retrained].max()
    assert np.isfinite(results["mean_test_score"][retrained]).all()
    assert np.isnan(results["mean_test_score"][~retrained]).all()
    assert search.best_index_ in np.flatnonzero(retrained)
    # 2 rounds of super-network training, 2 x 3 folds from scratch and the refit
    assert CountFits.fits == 2 + 2 * 3 + 1
    assert [r["mean_reward"] for r in search.policy_history_] == [
        pytest.approx(np.mean(shared[:3])),
        pytest.approx(np.mean(shared[3:])),
    ]
    assert search.best_estimator_.get_params()["module"] == "mlp"


def test_same_seed_same_weight_sharing_search(small_classification):
    X, y = small_classification
    searches = [
        ArchitectureSearchCV(
            NeuralClassifier(**MICRO),
            mlp_space(),
            weight_sharing=True,
            shared_epochs=1,
            n_iter=4,
            proposals_per_update=2,
            cv=2,
            random_state=0,
            refit=False,
        ).fit(X, y)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(*(s.cv_results_["shared_score"] for s in searches))


def test_default_space_with_weight_sharing_is_the_mlp_part():
    X, y = np.random.RandomState(0).normal(size=(60, 3)), np.arange(60) % 2
    search = ArchitectureSearchCV(
        NeuralClassifier(**MICRO),
        weight_sharing=True,
        shared_epochs=1,
        n_iter=3,
        proposals_per_update=2,
        cv=2,
        n_retrain=1,
        random_state=0,
    ).fit(X, y)
    names = [decision.name for decision in search.space_]
    assert names == [
        "module",
        "depth",
        "width_1",
        "width_2",
        "width_3",
        "width_4",
        "activation",
        "dropout",
    ]


@pytest.mark.parametrize(
    "params, match",
    [
        (
            {"space": [Decision("module", ("mlp", "resnet"), param="module")]},
            "can set module='resnet'",
        ),
        ({"space": [Decision("lr", (1e-3, 1e-2), param="lr")]}, r"also sets \['lr'\]"),
        ({"checkpoint": "somewhere"}, "checkpoint is not supported with weight_sharing"),
    ],
)
def test_what_weight_sharing_cannot_do_is_refused(params, match, small_classification):
    CountFits.fits = 0
    search = ArchitectureSearchCV(
        NeuralClassifier(**MICRO, callbacks=[CountFits()]),
        weight_sharing=True,
        n_iter=4,
        proposals_per_update=2,
        cv=2,
        **params,
    )
    with pytest.raises(ValueError, match=match):
        search.fit(*small_classification)
    assert CountFits.fits == 0
