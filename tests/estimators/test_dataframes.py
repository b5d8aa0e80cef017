"""Raw DataFrames (text, categories, booleans, dates, missing values) go straight in."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.preprocessing import TabularPreprocessor
from tests.conftest import FAST


@pytest.fixture
def messy_frame():
    rng = np.random.RandomState(0)
    n = 300
    city = rng.choice(["Paris", "Lyon", "Nice", "Lille", "Metz"], size=n)
    income = rng.lognormal(3, 1, size=n)
    income[rng.rand(n) < 0.1] = np.nan
    frame = pd.DataFrame(
        {
            "income": income,
            "city": pd.Series(city).where(rng.rand(n) > 0.05),
            "member": rng.rand(n) > 0.5,
            "segment": pd.Categorical(rng.choice(["a", "b", "c"], size=n)),
            "joined": pd.date_range("2020-01-01", periods=n, freq="D"),
            "store": [f"store{i}" for i in rng.randint(0, 40, size=n)],
        }
    )
    signal = (frame["city"].isin(["Paris", "Nice"])).astype(int) + frame["member"].astype(int)
    y = (signal + rng.rand(n) > 1.2).astype(int)
    return frame, np.where(y == 1, "buy", "skip")


def test_classifier_fits_a_raw_dataframe(messy_frame):
    X, y = messy_frame
    clf = NeuralClassifier(**{**FAST, "max_epochs": 40}).fit(X, y)
    assert isinstance(clf.preprocessor_, TabularPreprocessor)
    assert list(clf.feature_names_in_) == list(X.columns)
    assert clf.score(X, y) > 0.75
    assert set(clf.predict(X.head())) <= {"buy", "skip"}


def test_unseen_category_and_missing_values_at_predict(messy_frame):
    X, y = messy_frame
    clf = NeuralClassifier(**FAST).fit(X, y)
    new = X.head(3).copy()
    new.loc[0, "city"] = "Brest"
    new.loc[1, "income"] = np.nan
    assert clf.predict_proba(new).shape == (3, 2)


def test_missing_column_at_predict_is_named(messy_frame):
    X, y = messy_frame
    clf = NeuralClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="city"):
        clf.predict(X.drop(columns="city"))


def test_regressor_on_a_raw_dataframe(messy_frame):
    X, _ = messy_frame
    target = np.log1p(X["income"].fillna(20)) + X["member"]
    reg = NeuralRegressor(**{**FAST, "max_epochs": 40}).fit(X, target)
    assert reg.score(X, target) > 0.5


def test_numeric_dataframe_equals_array(binary_data):
    X, y = binary_data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    from_frame = NeuralClassifier(**FAST).fit(frame, y).predict_proba(frame)
    from_array = NeuralClassifier(**FAST).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(from_frame, from_array)


def test_numeric_inputs_are_standardised_unless_disabled(binary_data):
    X, y = binary_data
    scaled = NeuralClassifier(**FAST).fit(X * 1000 + 50, y)
    assert isinstance(scaled.preprocessor_, StandardScaler)
    assert scaled.score(X * 1000 + 50, y) > 0.85
    raw = NeuralClassifier(preprocessing=None, **FAST).fit(X, y)
    assert raw.preprocessor_ is None


def test_numpy_nan_suggests_an_imputing_preprocessor(binary_data):
    X, y = binary_data
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN.*TabularPreprocessor"):
        NeuralClassifier(**FAST).fit(X, y)
    clf = NeuralClassifier(preprocessing=SimpleImputer(), **FAST).fit(X, y)
    assert clf.predict(X).shape == y.shape


def test_user_transformer_output_must_be_finite(binary_data):
    X, y = binary_data
    X[0, 0] = np.nan

    class Passthrough(StandardScaler):
        pass

    with pytest.raises(ValueError, match="output of the preprocessing Passthrough contains NaN"):
        NeuralClassifier(preprocessing=Passthrough(), **FAST).fit(X, y)


def test_pickled_model_with_tabular_preprocessing(messy_frame):
    X, y = messy_frame
    clf = NeuralClassifier(**FAST).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_categories_are_embedded_and_readable(messy_frame):
    X, y = messy_frame
    clf = NeuralClassifier(**FAST).fit(X, y)
    embeddings = clf.categorical_embeddings()
    assert set(embeddings) == {"store"}  # more than 32 levels; fewer are one-hot encoded
    store = embeddings["store"]
    assert store.index[0] == "<unknown>"
    assert set(store.index[1:]) == set(X["store"])
    assert store.shape[1] >= 2
    assert np.abs(store.loc["store3"]).sum() > 0


def test_a_tabular_preprocessor_given_as_preprocessing_embeds_its_code_columns(messy_frame):
    X, y = messy_frame
    X = X.assign(shop=np.arange(len(X)) % 40)  # integer codes, a category to the user
    prep = TabularPreprocessor(categorical_columns=["city", "segment", "store", "shop"])
    clf = NeuralClassifier(preprocessing=prep, **FAST).fit(X, y)
    assert clf.input_layer_.kind == "tabular"
    assert set(clf.categorical_embeddings()) == {"store", "shop"}  # over its 10 levels
    assert not hasattr(prep, "column_kinds_")  # the estimator fitted a clone
    everything_one_hot = prep.set_params(max_onehot_cardinality=None)
    clf = NeuralClassifier(preprocessing=everything_one_hot, **FAST).fit(X, y)
    assert clf.input_layer_.code_columns_ == {}


@pytest.mark.parametrize("module", ["resnet", "ft_transformer"])
def test_other_architectures_take_raw_dataframes(messy_frame, module):
    X, y = messy_frame
    clf = NeuralClassifier(module=module, **{**FAST, "max_epochs": 5}).fit(X, y)
    assert set(clf.categorical_embeddings()) == {"store"}
    assert clf.predict(X.head()).shape == (5,)


def test_piecewise_linear_bins_are_computed_from_training_rows(binary_data):
    X, y = binary_data
    clf = NeuralClassifier(
        module_params={"numeric_embedding": "piecewise_linear", "n_bins": 8}, **FAST
    ).fit(X, y)
    assert clf.score(X, y) > 0.8


def test_no_embedded_column_is_a_clear_error(binary_data):
    clf = NeuralClassifier(**FAST).fit(*binary_data)
    with pytest.raises(ValueError, match="embeds no categorical column"):
        clf.categorical_embeddings()
