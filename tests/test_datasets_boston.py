"""boston_housing on a small npz in the published layout, against the real Keras."""
import numpy as np
import pytest
from dataset_fakes import keras_reads, pin_hash, write_npz

from neurx.datasets import boston_housing
from neurx.support import file_utils


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURX_HOME", str(tmp_path / "neurx"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    def offline(url, timeout=None):
        raise file_utils.urllib.error.URLError("no network in this test")

    monkeypatch.setattr(file_utils, "_urlopen", offline)
    return tmp_path / "neurx"


@pytest.fixture
def fake_boston(home, monkeypatch):
    rng = np.random.RandomState(0)
    path = home / "datasets" / "boston_housing.npz"
    arrays = write_npz(str(path), x=rng.uniform(0, 100, (51, 13)), y=rng.uniform(5, 50, 51))
    pin_hash(monkeypatch, "boston_housing", "boston_housing.npz", path)
    return arrays


def test_boston_split_by_hand(fake_boston):
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert x_train.shape == (40, 13) and x_test.shape == (11, 13) and y_train.shape == (40,)
    assert x_train.dtype == y_test.dtype == np.float64
    perm = np.random.RandomState(113).permutation(51)
    np.testing.assert_array_equal(x_train, fake_boston["x"][perm[:40]])
    np.testing.assert_array_equal(y_test, fake_boston["y"][perm[40:]])
    with pytest.raises(ValueError, match="test_split=1.5"):
        boston_housing.load_data(test_split=1.5)


def test_boston_matches_keras(fake_boston, home, monkeypatch):
    keras = pytest.importorskip("keras")
    keras_reads(monkeypatch, home, keras.datasets.boston_housing.load_data)
    for kwargs in ({}, {"test_split": 0.5, "seed": 3}, {"test_split": 0.0}):
        ours = boston_housing.load_data(**kwargs)
        theirs = keras.datasets.boston_housing.load_data(**kwargs)
        for a, b in zip(np.asarray(ours, object).ravel(), np.asarray(theirs, object).ravel()):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


def test_boston_tampered_file_is_refused(fake_boston, home):
    path = home / "datasets" / "boston_housing.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(OSError, match="boston_housing.npz was not used: its hash does not match"):
        boston_housing.load_data()
