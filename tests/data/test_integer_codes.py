"""Integer columns that are codes (ids), found from the target on large tables."""

import numpy as np
import pandas as pd
import pytest

from skneural import NeuralClassifier, NeuralRegressor, load_pretrained, save_pretrained
from skneural.data._integer_codes import encode_codes, find_code_columns
from skneural.export import to_onnx
from skneural.preprocessing import TabularPreprocessor

N_LARGE = 14_000  # above the ~11,600 training rows of the large-table rules


def _ids_table(n_rows, seed=0, n_ids=300):
    """An id column with an effect of its own per id, a smooth integer
    quantity (age), a float feature and an integer column of pure noise."""
    effects = np.random.default_rng(seed).normal(size=n_ids + 1)
    rng = np.random.default_rng([seed, n_rows])
    ids = rng.integers(1, n_ids + 1, n_rows)
    age = rng.integers(18, 90, n_rows)
    noise_codes = rng.integers(0, 200, n_rows)
    x = rng.normal(size=n_rows)
    y = effects[ids] + 0.05 * (age - 50) + 0.5 * x + rng.normal(scale=0.5, size=n_rows)
    X = np.column_stack([ids, age, x, noise_codes]).astype(np.float64)
    return X, (y - y.mean()) / y.std()


def test_ids_are_found_and_quantities_noise_and_fractions_are_not():
    X, y = _ids_table(8_000)
    found = find_code_columns(X, y)
    assert list(found) == [0]
    np.testing.assert_array_equal(found[0], np.unique(X[:, 0]))


def test_a_weak_smooth_effect_stays_a_number_and_codes_numbered_by_region_are_codes():
    rng = np.random.default_rng(0)
    n_rows = 5_000
    tenure = rng.integers(0, 41, n_rows)  # a weak, noisy effect of a quantity
    commune = rng.integers(0, 200, n_rows)  # codes: region (a smooth part) + own effect
    effects = np.repeat(rng.normal(size=10) * 1.5, 20) + rng.normal(size=200)
    y = 0.03 * tenure + effects[commune] + rng.normal(scale=2.0, size=n_rows)
    X = np.column_stack([tenure, commune]).astype(np.float64)
    assert list(find_code_columns(X, y)) == [1]


def test_class_targets_find_ids_too():
    X, y = _ids_table(8_000)
    labels = np.digitize(y, [-0.5, 0.5]).astype(np.int64)  # three classes
    assert list(find_code_columns(X, labels)) == [0]


@pytest.mark.parametrize(
    "n_ids, n_rows",
    [(30, 8_000), (1_000, 8_000)],  # too few values to embed / too few rows per value
)
def test_columns_outside_the_limits_stay_numbers(n_ids, n_rows):
    X, y = _ids_table(n_rows, n_ids=n_ids)
    assert find_code_columns(X, y) == {}


def test_columns_with_missing_values_or_huge_integers_stay_numbers():
    X, y = _ids_table(8_000)
    with_nan, huge = X.copy(), X.copy()
    with_nan[5, 0] = np.nan
    huge[:, 0] += 2**24
    assert find_code_columns(with_nan, y) == {}
    assert find_code_columns(huge, y) == {}


def test_rows_of_zero_weight_count_as_absent_and_the_scale_of_weights_does_not_matter():
    X, y = _ids_table(8_000)
    X[4_000:, 1] = np.arange(4_000) % 40  # an "id" only in rows of weight 0
    y[4_000:] = np.where(X[4_000:, 1] % 2, 3.0, -3.0)
    weights = np.r_[np.full(4_000, 3.0), np.zeros(4_000)]
    assert list(find_code_columns(X, y, sample_weight=weights)) == [0]
    assert list(find_code_columns(X[:4_000], y[:4_000])) == [0]
    assert find_code_columns(X, y, sample_weight=np.zeros(len(X))) == {}


def test_codes_count_from_one_and_unseen_values_are_zero():
    codes = encode_codes(np.array([3.0, 7.0, 5.0, 3.5, -1.0]), np.array([3.0, 5.0, 7.0]))
    np.testing.assert_array_equal(codes, [1, 3, 2, 0, 0])
    assert codes.dtype == np.float32


def test_a_large_table_embeds_its_ids():
    X, y = _ids_table(N_LARGE)
    reg = NeuralRegressor(max_epochs=2, random_state=0).fit(X, y)
    layer = reg.input_layer_
    assert layer.code_columns_ == {0: 301}
    np.testing.assert_array_equal(layer.code_values_[0], np.arange(1, 301))
    (table,) = reg.categorical_embeddings().values()
    assert table.index.name == "x0" and table.index[:3].tolist() == ["<unknown>", 1, 2]
    # An id not seen in fit (and a fraction) predicts through the unknown code.
    unseen = X[:3].copy()
    unseen[:, 0] = [1000, 2.5, 7]
    assert np.isfinite(reg.predict(unseen)).all()


def test_embedded_ids_learn_what_the_encoding_of_numbers_does_not():
    X, y = _ids_table(N_LARGE, seed=1)
    X_test, y_test = _ids_table(4_000, seed=1)  # same id effects, new rows
    params = {"max_epochs": 8, "random_state": 0}
    embedded = NeuralRegressor(**params).fit(X, y)
    as_numbers = NeuralRegressor(**params, module_params={"categorical_cardinalities": {}})
    as_numbers.fit(X, y)
    assert as_numbers.input_layer_.code_columns_ == {}
    assert embedded.score(X_test, y_test) > as_numbers.score(X_test, y_test) + 0.1


@pytest.mark.parametrize(
    "params",
    [
        {"numeric_encoding": None},
        {"numeric_encoding": "piecewise_linear"},
        {"preprocessing": "standard"},
        {"module_params": {"numeric_embedding": "periodic"}},
    ],
)
def test_ids_are_numbers_unless_the_automatic_encoding_applies(params):
    X, y = _ids_table(N_LARGE)
    reg = NeuralRegressor(max_epochs=1, random_state=0, **params).fit(X, y)
    assert reg.input_layer_.code_columns_ == {}


def test_small_tables_never_look_for_codes():
    X, y = _ids_table(6_000)
    reg = NeuralRegressor(max_epochs=1, random_state=0).fit(X, y)
    assert reg.input_layer_.code_columns_ == {}


def test_a_dataframe_with_text_declares_its_ids_categorical():
    X, y = _ids_table(N_LARGE)
    frame = pd.DataFrame(X[:, :3], columns=["student", "age", "x"]).astype({"student": int})
    frame["group"] = np.where(X[:, 2] > 0, "a", "b")
    labels = np.where(y > 0, "high", "low")
    clf = NeuralClassifier(max_epochs=1, random_state=0).fit(frame, labels)
    kinds = clf.preprocessor_.column_kinds_
    assert kinds["categorical"] == ["student", "group"] and kinds["numeric"] == ["age", "x"]
    assert list(clf.categorical_embeddings()) == ["student"]


def test_a_table_preprocessor_of_the_users_own_is_used_as_set():
    X, y = _ids_table(N_LARGE)
    frame = pd.DataFrame(X[:, :3], columns=["student", "age", "x"]).astype({"student": int})
    frame["group"] = np.where(X[:, 2] > 0, "a", "b")
    reg = NeuralRegressor(preprocessing=TabularPreprocessor(), max_epochs=1, random_state=0)
    reg.fit(frame, y)
    assert reg.input_layer_.found_codes_ == []
    assert reg.preprocessor_.column_kinds_["categorical"] == ["group"]


def test_onnx_maps_ids_to_codes_like_predict():
    X, y = _ids_table(N_LARGE)
    reg = NeuralRegressor(max_epochs=1, random_state=0).fit(X, y)
    sample = X[:20].astype(np.float32)
    sample[:3, 0] = [1000, 2.5, 0]  # unseen ids
    to_onnx(reg, sample, check=True)  # raises when ONNX disagrees with predict


def test_a_saved_model_keeps_its_codes(tmp_path):
    X, y = _ids_table(N_LARGE)
    reg = NeuralRegressor(max_epochs=1, random_state=0).fit(X, y)
    save_pretrained(reg, tmp_path / "ids")
    loaded = load_pretrained(tmp_path / "ids")
    sample = X[:50].copy()
    sample[0, 0] = 1000  # unseen
    np.testing.assert_array_equal(loaded.predict(sample), reg.predict(sample))
    np.testing.assert_array_equal(loaded.input_layer_.code_values_[0], np.arange(1, 301))


def test_onnx_names_ids_found_through_the_table_preprocessor():
    X, y = _ids_table(N_LARGE)
    frame = pd.DataFrame(X[:, :3], columns=["student", "age", "x"]).astype({"student": int})
    frame.loc[0, "x"] = np.nan  # missing values: the table preprocessor
    reg = NeuralRegressor(max_epochs=1, random_state=0).fit(frame, y)
    assert reg.input_layer_.found_codes_ == ["student"]
    with pytest.raises(NotImplementedError, match=r"\['student'\].*numeric_encoding=None"):
        to_onnx(reg, frame.head(20))
    plain = NeuralRegressor(max_epochs=1, random_state=0, numeric_encoding=None).fit(frame, y)
    to_onnx(plain, frame.head(20))
