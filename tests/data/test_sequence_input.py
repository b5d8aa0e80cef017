"""The sequence case: which fits pick it, the tensor it makes, scaling, bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.preprocessing import StandardScaler
from torch import nn

from skneural import NeuralClassifier, NeuralRegressor
from skneural.data import NumericInput, SequenceInput, select_input_layer

SMALL = {
    "module_params": {"hidden_size": 8, "patch_size": 1},
    "hidden_layer_sizes": (),
    "max_epochs": 5,
    "lr": 1e-2,
    "random_state": 0,
}


def _select(X, **params):
    params = {"preprocessing": "auto", "module": "mlp", "module_params": None, **params}
    return select_input_layer(params, X, owner="Test", random_state=0)


class _FixedLength(nn.Module):
    """A user's module that flattens (n, C, T) and so needs the training length."""

    def __init__(self, input_shape, n_outputs):
        super().__init__()
        self.layer = nn.Linear(int(np.prod(input_shape)), n_outputs)

    def forward(self, X):
        return self.layer(X.nan_to_num().flatten(1))


@pytest.fixture
def sequences(rng):
    """120 sequences of 2 channels and 24 steps; the class is the sign of the
    mean of the first channel."""
    X = rng.normal(size=(120, 2, 24))
    y = (X[:, 0].mean(axis=1) > 0).astype(int)
    return X, y


@pytest.mark.parametrize(
    "X, params, kind",
    [
        (np.zeros((4, 5)), {"module": "gru"}, "sequence"),
        (np.zeros((4, 2, 5)), {"module": "inception_time"}, "sequence"),
        (np.zeros((4, 2, 5)), {"module": _FixedLength}, "sequence"),
        ([np.zeros((2, 5)), np.zeros((2, 3))], {"module": _FixedLength}, "sequence"),
        (np.zeros((4, 5)), {"module": _FixedLength}, "numeric"),
        (np.zeros((4, 5)), {"module": "mlp"}, "numeric"),
        (np.zeros((4, 2, 5)), {"module": "mlp"}, "numeric"),  # which then raises, see below
    ],
)
def test_the_sequence_case_follows_the_module_and_X(X, params, kind):
    assert _select(X, **params).kind == kind


def test_a_three_entry_input_shape_is_left_to_images():
    params = {"module": _FixedLength, "module_params": {"input_shape": (1, 5, 5)}}
    assert not SequenceInput.accepts(params, np.zeros((4, 5, 5)))


def test_a_2d_array_is_univariate_and_a_list_is_padded_with_nan():
    layer = _select(np.zeros((3, 5)), module="gru", preprocessing=None)
    assert layer.fit_transform(np.arange(15.0).reshape(3, 5)).shape == (3, 1, 5)
    assert layer.module_kwargs["n_features_in"] == 1
    rows = [np.ones((2, 4)), np.full((2, 2), 2.0)]
    tensor = _select(rows, module="gru", preprocessing=None).fit_transform(rows)
    assert tensor.dtype == np.float32 and tensor.shape == (2, 2, 4)
    np.testing.assert_array_equal(tensor[1, :, :2], 2.0)
    assert np.isnan(tensor[1, :, 2:]).all()
    univariate = [np.ones(3), np.ones(5)]
    assert _select(univariate, module="gru").fit_transform(univariate).shape == (2, 1, 5)


def test_channels_are_standardised_from_the_training_rows_only(rng):
    X = rng.normal(loc=[[5.0], [-3.0]], scale=[[2.0], [0.5]], size=(50, 2, 30))
    X[:10, :, 20:] = np.nan  # padding is left out of the statistics
    layer = _select(X, module="gru")
    tensor = layer.fit_transform(X)
    np.testing.assert_allclose(layer.channel_mean_, np.nanmean(X, axis=(0, 2)))
    np.testing.assert_allclose(layer.channel_scale_, np.nanstd(X, axis=(0, 2)))
    assert np.isnan(tensor[:10, :, 20:]).all()
    np.testing.assert_allclose(np.nanmean(tensor, axis=(0, 2)), 0, atol=1e-5)
    # Rows to predict are scaled with the training statistics, not their own.
    shifted = layer.transform(X[10:15] + 1.0)
    expected = np.broadcast_to(1.0 / layer.channel_scale_[None, :, None], shifted.shape)
    np.testing.assert_allclose(shifted - tensor[10:15], expected, rtol=1e-4)


def test_weighted_statistics_count_a_weight_of_two_as_two_rows(rng):
    X = rng.normal(size=(6, 1, 4))
    weighted = _select(X, module="gru")
    weighted.fit_transform(X, sample_weight=np.array([2.0, 1, 1, 1, 1, 1]))
    repeated = _select(X, module="gru")
    repeated.fit_transform(np.concatenate([X[:1], X]))
    np.testing.assert_allclose(weighted.channel_mean_, repeated.channel_mean_)
    np.testing.assert_allclose(weighted.channel_scale_, repeated.channel_scale_)


def test_preprocessing_none_and_tokens_are_not_scaled(rng):
    X = rng.normal(loc=4.0, size=(5, 1, 6))
    np.testing.assert_array_equal(
        _select(X, module="gru", preprocessing=None).fit_transform(X), X.astype(np.float32)
    )
    ids = rng.randint(0, 7, size=(5, 6))
    layer = _select(ids, module="gru", module_params={"vocab_size": 7})
    np.testing.assert_array_equal(layer.fit_transform(ids)[:, 0], ids)
    assert layer.channel_mean_ is None


def test_a_padded_row_predicts_like_the_same_row_unpadded(sequences):
    X, y = sequences
    clf = NeuralClassifier(module="gru", **SMALL).fit(X, y)
    ragged = [X[0, :, :10], X[1], X[2, :, :17]]
    padded = np.full((3, 2, 24), np.nan)
    for i, row in enumerate(ragged):
        padded[i, :, : row.shape[1]] = row
    np.testing.assert_allclose(clf.predict_proba(ragged), clf.predict_proba(padded), atol=1e-6)
    np.testing.assert_allclose(
        clf.predict_proba(ragged)[:1], clf.predict_proba(X[:1, :, :10]), atol=1e-6
    )
    # A built-in module takes any length, longer than in fit too.
    assert clf.predict(np.tile(X[:4], 2)).shape == (4,)


@pytest.mark.parametrize("module", ["gru", "lstm", "inception_time", "tcn", "sequence_transformer"])
def test_every_sequence_module_learns_through_the_estimator(module, sequences):
    X, y = sequences
    small = {
        "gru": {"hidden_size": 8},
        "lstm": {"hidden_size": 8},
        "inception_time": {"n_filters": 4, "depth": 3, "kernel_sizes": (9, 5, 3)},
        "tcn": {"n_filters": 8, "depth": 2},
        "sequence_transformer": {"d_model": 16, "n_heads": 2, "num_layers": 1},
    }[module]
    # 80 sequences train as one batch (no validation split below 100 held-out
    # rows), so 30 epochs are 30 steps: a high constant rate.
    clf = NeuralClassifier(
        module=module, module_params=small, max_epochs=30, lr=3e-2, random_state=0
    )
    clf.fit(X[:80], y[:80])
    assert clf.score(X[80:], y[80:]) > 0.7  # chance is about 0.5


def test_a_seeded_fit_is_bit_identical(sequences):
    X, y = sequences
    first = NeuralClassifier(module="gru", **SMALL).fit(X, y).predict_proba(X)
    second = NeuralClassifier(module="gru", **SMALL).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)


def test_token_sequences_are_embedded(rng):
    # The class: whether the sequence holds token 0.
    rows = [rng.randint(1, 10, size=n).astype(float) for n in rng.randint(4, 12, size=160)]
    y = rng.randint(0, 2, size=160)
    for row, label in zip(rows, y, strict=True):
        if label:
            row[rng.randint(len(row))] = 0
    clf = NeuralClassifier(
        module="gru",
        module_params={"vocab_size": 10, "embedding_dim": 8, "hidden_size": 8, "patch_size": 1},
        max_epochs=40,
        lr=1e-2,
        random_state=0,
    ).fit(rows[:120], y[:120])
    assert clf.score(rows[120:], y[120:]) > 0.8


def test_sequences_are_tuned_and_cross_validated_like_tables(sequences):
    X, y = sequences
    search = GridSearchCV(
        NeuralClassifier(module="gru", **SMALL),
        {"module_params__hidden_size": [4, 8]},
        cv=2,
    ).fit(X, y)
    assert search.best_params_["module_params__hidden_size"] in (4, 8)
    reg = NeuralRegressor(module="tcn", module_params={"n_filters": 4, "depth": 2}, max_epochs=3)
    assert cross_val_score(reg, X, X[:, 0, -1], cv=2).shape == (2,)


class _AnyLength(_FixedLength):
    accepts_any_length = True


def test_a_fixed_length_module_pads_shorter_rows_and_rejects_longer(sequences):
    X, y = sequences
    clf = NeuralClassifier(module=_FixedLength, max_epochs=2, random_state=0).fit(X, y)
    assert clf.input_layer_.kind == "sequence"
    assert clf.predict(X[:3, :, :20]).shape == (3,)
    with pytest.raises(ValueError, match="trained on 24 steps and does not declare"):
        clf.predict(np.tile(X[:3], 2))
    with pytest.raises(RuntimeError):  # the module itself cannot: the user declared it can
        NeuralClassifier(module=_AnyLength, max_epochs=2).fit(X, y).predict(np.tile(X[:3], 2))


@pytest.mark.parametrize(
    "fit_X, predict_X, match",
    [
        (np.zeros((8, 3, 10)), np.zeros((2, 2, 10)), "2 channel\\(s\\), but .* fitted on 3"),
        (np.zeros((8, 3, 10)), np.zeros((2, 10, 3)), "pass X.transpose\\(0, 2, 1\\)"),
        (np.zeros((8, 1, 10)), np.zeros((2, 10)), "pass X\\[:, None, :\\] for one channel"),
        (np.zeros((8, 10)), np.zeros((2, 1, 10)), "fitted on a 2-D X"),
        (np.zeros((8, 10)), np.zeros((2, 12)), "expecting 10 features .* other lengths"),
        (np.zeros((8, 2, 10)), [np.zeros((3, 4))], "3 channel\\(s\\), but .* fitted on 2"),
        (np.zeros((8, 10)), [np.zeros(10)] * 2, "fitted on a 2-D X.* pass np.stack\\(X\\)"),
        (np.zeros((8, 2, 10)), np.full((2, 2, 10), 1e39), "too large for float32 .* row 0"),
    ],
)
def test_predict_inputs_that_do_not_match_fit_are_named(fit_X, predict_X, match):
    y = np.arange(8) % 2
    fit_X = fit_X + np.arange(fit_X.shape[-1])  # not constant
    clf = NeuralClassifier(module="gru", **SMALL).fit(fit_X, y)
    with pytest.raises(ValueError, match=match):
        clf.predict(predict_X)


def _all_nan_row():
    X = np.ones((8, 2, 5))
    X[3] = np.nan
    return X


@pytest.mark.parametrize(
    "X, params, error, match",
    [
        (_all_nan_row(), {}, ValueError, "1 sequence\\(s\\) without any value .* row 3"),
        (np.full((8, 4), np.inf), {}, ValueError, "infinity"),
        (np.ones((8, 0, 4)), {}, ValueError, "at least one channel and one step"),
        ([np.ones(4)] * 7 + [np.full(3, -1e39)], {}, ValueError, "too large .* row 7, channel 0"),
        (
            np.arange(32).reshape(8, 4),
            {"module_params": {"vocab_size": 20}},
            ValueError,
            "integer ids in \\[0, 20\\) .* holds \\[20, 21, 22, 23, 24\\]",
        ),
        (
            np.full((8, 4), 1.5),
            {"module_params": {"vocab_size": 20}},
            ValueError,
            "integer ids .* holds \\[1.5\\]",
        ),
        ([np.ones((2, 4)), np.ones((3, 4))] * 4, {}, ValueError, "same number of channels"),
        ([np.ones(4), np.ones((1, 4))] * 4, {}, ValueError, "all 1-D"),
        (sp.csr_matrix(np.ones((8, 4))), {}, TypeError, "must be dense"),
        (np.ones((8, 1, 2, 4)), {}, ValueError, "does not take images"),
        (np.ones((8, 4)), {"preprocessing": StandardScaler()}, TypeError, "transformer"),
    ],
)
def test_bad_sequences_get_clear_errors(X, params, error, match):
    with pytest.raises(error, match=match):
        NeuralClassifier(module="gru", max_epochs=1, **params).fit(X, np.arange(8) % 2)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.zeros((8, 2, 5)), "choose a sequence module, module='gru'"),
        ([np.zeros(3), np.zeros(5)] * 4, "choose a sequence module, module='gru'"),
        (np.zeros((8, 1, 2, 2)), "use module='cnn' or 'resnet_cnn'"),
    ],
)
def test_sequences_given_to_a_tabular_module_name_the_modules_to_choose(X, match):
    with pytest.raises(ValueError, match=match):
        NeuralClassifier(max_epochs=1).fit(X, np.arange(8) % 2)


def test_a_tabular_fit_is_unchanged_by_the_sequence_case(binary_data):
    X, y = binary_data
    assert isinstance(_select(X), NumericInput)
    assert NeuralClassifier(max_epochs=1).fit(X, y).n_features_in_ == X.shape[1]


@pytest.mark.parametrize("preprocessing", ["auto", None])
@pytest.mark.parametrize("shape", [(6, 9), (6, 2, 9)])
def test_affine_steps_rebuild_the_transform(rng, preprocessing, shape):
    X = rng.normal(loc=3.0, size=shape)
    X[0, ..., 5:] = np.nan  # padding stays NaN through the steps
    layer = _select(X, module="gru", preprocessing=preprocessing)
    layer.fit_transform(X)
    rebuilt = X.astype(np.float32).reshape(len(X), *layer.input_shape_)
    for operation, operand in layer.affine_steps():
        rebuilt = rebuilt - operand if operation == "subtract" else rebuilt / operand
    assert len(layer.affine_steps()) == (0 if preprocessing is None else 2)
    np.testing.assert_array_equal(rebuilt, layer.transform(X))
