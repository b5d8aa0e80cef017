"""Data on disk: read-only memmaps are read, never written, and partial_fit
over chunks trains on a memmap larger than the memory the process may use."""

import hashlib
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from skneural import NeuralClassifier, NeuralRegressor
from tests._scripts import ROOT
from tests.conftest import FAST


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_only_memmap(path, values: np.ndarray) -> np.memmap:
    """``values`` written to ``path``, then opened again with ``mode="r"``."""
    on_disk = np.memmap(path, dtype=values.dtype, mode="w+", shape=values.shape)
    on_disk[:] = values
    on_disk.flush()
    del on_disk
    return np.memmap(path, dtype=values.dtype, mode="r", shape=values.shape)


def _run_python(code: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """``code`` in a fresh interpreter importing this checkout, one thread,
    every warning an error."""
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": pythonpath}
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("preprocessing", ["auto", None])
def test_read_only_memmap_fits_and_predicts_and_is_never_written(tmp_path, dtype, preprocessing):
    rng = np.random.default_rng(0)
    path = tmp_path / "X.dat"
    X = _read_only_memmap(path, rng.standard_normal((300, 4)).astype(dtype))
    before = _digest(path)
    y_reg = np.asarray(X[:, 0] - X[:, 1], dtype=np.float64)
    y_clf = (y_reg > 0).astype(int)

    reg = NeuralRegressor(preprocessing=preprocessing, **FAST).fit(X, y_reg)
    reg.partial_fit(X[:100], y_reg[:100])
    clf = NeuralClassifier(preprocessing=preprocessing, **FAST).fit(X, y_clf)

    assert np.isfinite(reg.predict(X)).all()
    assert clf.score(X, y_clf) > 0.8
    assert _digest(path) == before
    assert not X.flags.writeable


def test_a_read_only_network_input_raises_no_torch_warning(tmp_path):
    # torch warns once per process about non-writable arrays, so a fresh one:
    # float32 without preprocessing is the case where the memmap itself is
    # the network input, trained on and predicted in place.
    result = _run_python(
        f"""
        import numpy as np
        from skneural import NeuralRegressor
        X = np.memmap({str(tmp_path / "X.dat")!r}, dtype=np.float32, mode="w+", shape=(200, 3))
        X[:] = np.random.default_rng(0).standard_normal((200, 3))
        X.flush()
        X = np.memmap(X.filename, dtype=np.float32, mode="r", shape=(200, 3))
        net = NeuralRegressor(
            preprocessing=None, max_epochs=2, early_stopping=False, random_state=0
        )
        net.fit(X, X[:, 0].astype(np.float64)).predict(X)
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ok"]


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="RLIMIT_DATA counts heap mappings on Linux"
)
def test_partial_fit_over_chunks_of_a_memmap_larger_than_the_memory_limit(tmp_path):
    # 64 MiB of float32 data; the process may then allocate at most 48 MiB more
    # (RLIMIT_DATA counts the heap and anonymous mappings, not the pages of a
    # file mapped read-only): it cannot hold a copy of the data, yet one pass
    # of partial_fit over 1024-row chunks and a predict over every row run.
    n_rows, n_columns, headroom_mb, chunk = 16_384, 1_024, 48, 1_024
    result = _run_python(
        f"""
        import resource
        import numpy as np
        from skneural import NeuralRegressor

        def data_mb():
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmData:"):
                        return int(line.split()[1]) / 1024

        path = {str(tmp_path / "X.dat")!r}
        n_rows, n_columns = {n_rows}, {n_columns}
        on_disk = np.memmap(path, dtype=np.float32, mode="w+", shape=(n_rows, n_columns))
        rng = np.random.default_rng(0)
        for start in range(0, n_rows, 1024):
            on_disk[start:start + 1024] = rng.standard_normal((1024, n_columns))
        on_disk.flush()
        del on_disk
        X = np.memmap(path, dtype=np.float32, mode="r", shape=(n_rows, n_columns))
        y = np.asarray(X[:, 0], dtype=np.float64)
        # Warm up torch's one-off allocations before the limit is set.
        NeuralRegressor(hidden_layer_sizes=(16,), max_epochs=1, early_stopping=False).fit(
            X[:256], y[:256]
        )
        limit = int((data_mb() + {headroom_mb}) * 2**20)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, resource.RLIM_INFINITY))
        try:
            np.array(X)
        except MemoryError:
            print("a copy does not fit")
        net = NeuralRegressor(hidden_layer_sizes=(16,), random_state=0)
        for start in range(0, n_rows, {chunk}):
            net.partial_fit(X[start:start + {chunk}], y[start:start + {chunk}])
        prediction = net.predict(X)
        print("trained", net.n_iter_, "epochs; predicted", prediction.shape[0], "rows")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "a copy does not fit",
        f"trained {n_rows // chunk} epochs; predicted {n_rows} rows",
    ]


def test_dask_ml_incremental_trains_block_by_block_on_a_dask_array():
    da = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(800, 4)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    X_blocks, y_blocks = da.from_array(X, chunks=200), da.from_array(y, chunks=200)
    incremental = wrappers.Incremental(NeuralClassifier(random_state=0), shuffle_blocks=False)
    incremental.fit(X_blocks, y_blocks, classes=[0, 1])
    network = incremental.estimator_
    assert network.n_iter_ == 4  # one partial_fit per block
    predicted = incremental.predict(X_blocks)
    assert isinstance(predicted, da.Array)
    np.testing.assert_array_equal(predicted.compute(), network.predict(X))
    # The same four partial_fit calls by hand give the same network.
    by_hand = NeuralClassifier(random_state=0)
    for block in np.split(np.arange(len(X)), 4):
        by_hand.partial_fit(X[block], y[block], classes=[0, 1])
    np.testing.assert_array_equal(by_hand.predict_proba(X), network.predict_proba(X))
    assert network.score(X, y) > 0.9
