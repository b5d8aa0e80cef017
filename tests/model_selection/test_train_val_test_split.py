import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from skneural.model_selection import train_val_test_split


def _rows(parts):
    """The first column of each part, as sets of row ids."""
    return [set(np.asarray(part)[:, 0].tolist()) for part in parts]


@pytest.mark.parametrize(
    "val_size, test_size, sizes",
    [
        (0.2, 0.1, (70, 20, 10)),
        (15, 25, (60, 15, 25)),
        (0.15, 5, (80, 15, 5)),
        (0.001, 0.001, (98, 1, 1)),
    ],
)
def test_sizes_and_rows_cover_the_data_once(val_size, test_size, sizes):
    X = np.arange(200).reshape(100, 2)
    train, val, test = train_val_test_split(
        X, val_size=val_size, test_size=test_size, random_state=0
    )
    assert (len(train), len(val), len(test)) == sizes
    rows = _rows([train, val, test])
    assert set.union(*rows) == set(X[:, 0].tolist())
    assert sum(len(r) for r in rows) == 100


def test_parts_come_per_array_in_train_val_test_order_and_keep_types():
    X = pd.DataFrame({"a": range(10)}, index=range(100, 110))
    y = pd.Series(range(10), index=X.index)
    listed, matrix = list(range(10)), sp.csr_matrix(np.arange(10).reshape(10, 1))
    parts = train_val_test_split(X, y, listed, matrix, val_size=2, test_size=3, random_state=1)
    assert len(parts) == 12
    for k in range(3):
        X_part, y_part, list_part, sparse_part = parts[k], parts[3 + k], parts[6 + k], parts[9 + k]
        assert isinstance(X_part, pd.DataFrame) and isinstance(y_part, pd.Series)
        assert isinstance(list_part, list) and sp.issparse(sparse_part)
        assert X_part["a"].tolist() == y_part.tolist() == list_part
        assert sparse_part.toarray().ravel().tolist() == list_part
        assert X_part.index.tolist() == [100 + v for v in list_part]
    assert [len(parts[k]) for k in range(3)] == [5, 2, 3]


def test_stratified_parts_keep_the_class_proportions():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    X = np.column_stack([np.arange(100), y])
    parts = train_val_test_split(X, y, val_size=0.2, test_size=0.2, stratify=y, random_state=0)
    for y_part, n in zip(parts[3:], (60, 20, 20), strict=True):
        counts = np.bincount(y_part, minlength=3)
        np.testing.assert_allclose(counts / n, [0.6, 0.3, 0.1], atol=0.05)


def test_groups_never_span_two_parts():
    groups = np.repeat(np.arange(20), 5)
    X = np.column_stack([np.arange(100), groups])
    train, val, test = train_val_test_split(
        X, val_size=0.2, test_size=0.1, groups=groups, random_state=0
    )
    seen = [set(part[:, 1].tolist()) for part in (train, val, test)]
    assert [len(s) for s in seen] == [14, 4, 2]  # sizes count groups
    assert not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2])


@pytest.mark.parametrize("groups", [None, np.repeat(np.arange(25), 4)])
def test_a_seed_gives_the_same_split_and_another_seed_another(groups):
    X = np.arange(100).reshape(100, 1)
    params = {"val_size": 0.2, "test_size": 0.2, "groups": groups}
    first = train_val_test_split(X, random_state=3, **params)
    again = train_val_test_split(X, random_state=np.random.RandomState(3), **params)
    other = train_val_test_split(X, random_state=4, **params)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[2], other[2])


def test_without_shuffle_parts_are_consecutive():
    X = np.arange(10).reshape(10, 1)
    train, val, test = train_val_test_split(X, val_size=0.2, test_size=0.3, shuffle=False)
    assert [p.ravel().tolist() for p in (train, val, test)] == [[0, 1, 2, 3, 4], [5, 6], [7, 8, 9]]
    groups = ["b", "b", "a", "a", "c", "c", "d", "d", "e", "e"]
    parts = train_val_test_split(X, val_size=1, test_size=2, groups=groups, shuffle=False)
    assert [p.ravel().tolist() for p in parts] == [[0, 1, 2, 3], [4, 5], [6, 7, 8, 9]]


@pytest.mark.parametrize(
    "params, match",
    [
        ({"val_size": 0.5, "test_size": 0.5}, "leave no training rows"),
        ({"val_size": 6, "test_size": 4}, "leave no training rows"),
        ({"val_size": 0.0, "test_size": 0.2}, "val_size must be"),
        ({"val_size": 0.2, "test_size": 1.5}, "test_size must be"),
        ({"val_size": 0.2, "test_size": True}, "test_size must be"),
        (
            {"val_size": 1, "test_size": 1, "stratify": [0, 1] * 5, "groups": range(10)},
            "cannot be combined",
        ),
        ({"val_size": 1, "test_size": 1, "stratify": [0, 1] * 5, "shuffle": False}, "shuffle=True"),
        ({"val_size": 1, "test_size": 1, "groups": [0] * 9}, "inconsistent numbers of samples"),
        (
            {"val_size": 0.2, "test_size": 0.2, "groups": [0] * 5 + [1] * 5},
            "leave no training groups",
        ),
        ({"val_size": 1, "test_size": 1, "groups": np.zeros((10, 2))}, r"1-D.*shape \(10, 2\)"),
    ],
)
def test_bad_arguments_are_rejected(params, match):
    with pytest.raises(ValueError, match=match):
        train_val_test_split(np.zeros((10, 1)), **params)


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA], ids=["None", "nan", "pd.NA"])
def test_missing_group_labels_are_refused_not_dropped(missing):
    groups = pd.Series(["a", "a", missing, "b", "c", "d"], dtype=object)
    with pytest.raises(ValueError, match="1 missing labels .* first at row 2"):
        train_val_test_split(np.arange(6), val_size=1, test_size=1, groups=groups)


def test_at_least_one_array_is_needed():
    with pytest.raises(ValueError, match="at least one array"):
        train_val_test_split(val_size=0.1, test_size=0.1)
