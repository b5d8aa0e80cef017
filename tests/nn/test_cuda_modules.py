"""The built-in architectures on a CUDA device (skipped where there is none)."""

import pickle

import numpy as np
import pytest
import torch

from skneural import NeuralClassifier
from skneural.nn import compute_bin_edges

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")

TINY = {
    "mlp": {},
    "resnet": {"n_blocks": 1, "d_block": 16},
    "ft_transformer": {"d_token": 8, "n_heads": 2, "n_blocks": 1},
}


def _data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 5))
    X[:, 4] = rng.randint(0, 4, size=200)
    y = (X[:, 0] + (X[:, 4] == 2) > 0.5).astype(int)
    return X, y


@pytest.mark.parametrize("module", list(TINY))
@pytest.mark.parametrize("numeric_embedding", [None, "periodic", "piecewise_linear"])
def test_fit_predict_on_cuda_with_categories_and_embeddings(module, numeric_embedding):
    X, y = _data()
    params = {**TINY[module], "categorical_cardinalities": {4: 4}}
    if numeric_embedding is not None:
        params["numeric_embedding"] = numeric_embedding
    if numeric_embedding == "piecewise_linear":
        params["bin_edges"] = compute_bin_edges(X, n_bins=4, categorical_columns=[4])
    clf = NeuralClassifier(
        module=module,
        module_params=params,
        hidden_layer_sizes=(16,),
        max_epochs=5,
        lr=1e-2,
        device="cuda",
        random_state=0,
    ).fit(X, y)
    assert all(t.is_cuda for t in clf.module_.state_dict().values())
    assert clf.module_.categorical_embeddings()[4].is_cuda
    proba = clf.predict_proba(X)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.predict_proba(X), proba, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("module", list(TINY))
def test_code_beyond_cardinality_is_a_clear_error_on_cuda(module):
    X, y = _data()
    clf = NeuralClassifier(
        module=module,
        module_params={**TINY[module], "categorical_cardinalities": {4: 4}},
        max_epochs=2,
        device="cuda",
        random_state=0,
    ).fit(X, y)
    X[0, 4] = 4
    with pytest.raises(ValueError, match="Categorical column 4 has 4 categories"):
        clf.predict(X)
    X[0, 4] = 0  # the device is still usable after the error
    assert clf.predict(X).shape == (200,)
