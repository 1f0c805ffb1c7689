"""neurx.datasets.california_housing: embedded copy, Keras's split, download fallback, conversion."""
import os

import numpy as np
import pytest

from neurx.datasets import california_housing as ch


@pytest.fixture
def homes(tmp_path, monkeypatch):
    """Empty neurx and Keras dataset folders, so no real cached copy is used."""
    monkeypatch.setenv("NEURX_HOME", str(tmp_path / "neurx"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path


def _keras_layout(n, seed=0):
    """A fake Keras file: 8 raw census columns and the target in dollars."""
    rng = np.random.RandomState(seed)
    households = rng.randint(50, 2000, n).astype(np.float64)
    rooms = households * rng.uniform(2, 8, n)
    x = np.stack([rng.uniform(-124, -114, n), rng.uniform(32, 42, n), rng.randint(1, 52, n),
                  rooms, rooms * rng.uniform(0.1, 0.3, n), households * rng.uniform(1, 5, n),
                  households, rng.uniform(0.5, 15, n)], axis=1)
    y = rng.uniform(15_000, 500_001, n)
    return x, y


def _expected(x, y):
    lon, lat, age, rooms, beds, pop, hh, inc = x.T
    return (np.stack([inc, age, rooms / hh, beds / hh, pop, pop / hh, lat, lon], 1).astype("f4"),
            (y / 100_000).astype("f4"))


def test_embedded_shapes_dtypes_and_values():
    (x_train, y_train), (x_test, y_test) = ch.load_embedded()
    assert x_train.shape == (16512, 8) and x_test.shape == (4128, 8)
    assert y_train.shape == (16512,) and y_test.shape == (4128,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype("float32")}
    x = np.concatenate([x_train, x_test])
    assert not np.isnan(x).any()
    assert ch.feature_names[0] == "MedInc" and len(ch.feature_names) == 8
    # Same marginals as scikit-learn's fetch_california_housing (its documented means).
    np.testing.assert_allclose(x.mean(0)[[0, 1, 4, 6, 7]],
                               [3.8707, 28.639, 1425.48, 35.632, -119.570], rtol=1e-3)
    assert 0.14 < np.concatenate([y_train, y_test]).min() < 0.15
    assert np.concatenate([y_train, y_test]).max() == pytest.approx(5.00001)


def test_embedded_first_row_is_the_csv_first_row():
    with np.load(ch.EMBEDDED_PATH) as f:
        x0, y0 = f["x"][0], f["y"][0]
    # housing.csv row 1: -122.23,37.88,41,880,129,322,126,8.3252,452600
    np.testing.assert_allclose(x0, [8.3252, 41, 880 / 126, 129 / 126, 322, 322 / 126, 37.88,
                                    -122.23], rtol=1e-6)
    assert y0 == pytest.approx(4.526)


def test_split_is_seeded_like_keras():
    (a, b), (c, d) = ch.load_embedded(seed=1)
    (a2, _), (c2, _) = ch.load_embedded(seed=1)
    (a3, _), _ = ch.load_embedded(seed=2)
    np.testing.assert_array_equal(a, a2)
    np.testing.assert_array_equal(c, c2)
    assert not np.array_equal(a, a3)
    with np.load(ch.EMBEDDED_PATH) as f:
        x = f["x"]
    perm = np.random.RandomState(1).permutation(len(x))  # what Keras's shuffle gives
    np.testing.assert_array_equal(a, x[perm[:16512]])
    (_, _), (x_test, _) = ch.load_embedded(test_split=0.5)
    assert len(x_test) == 10320


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="test_split=1"):
        ch.load_embedded(test_split=1)
    with pytest.raises(ValueError, match="version='medium'"):
        ch.load_data(version="medium")


def test_download_is_attempted_then_falls_back(homes, monkeypatch):
    calls = []

    def offline(url, dest, timeout=30.0):
        calls.append((url, dest))
        raise OSError("no network")

    monkeypatch.setattr(ch, "_download", offline)
    with pytest.warns(UserWarning, match="embedded"):
        (x_train, y_train), (x_test, y_test) = ch.load_data()
    assert calls == [(ch.ORIGIN, os.path.join(str(homes), "neurx", "datasets",
                                              "california_housing.npz"))]
    (ex, ey), (tx, ty) = ch.load_embedded()
    np.testing.assert_array_equal(x_train, ex)
    np.testing.assert_array_equal(y_test, ty)
    with pytest.warns(UserWarning):
        (xs, _), (xt, _) = ch.load_data(version="small")
    assert xs.shape == (480, 8) and xt.shape == (120, 8)


def test_cached_keras_file_is_converted(homes, monkeypatch):
    monkeypatch.setattr(ch, "_download", lambda *a, **k: pytest.fail("should not download"))
    x, y = _keras_layout(700)
    folder = homes / "neurx" / "datasets"
    folder.mkdir(parents=True)
    np.savez(folder / "california_housing.npz", x=x, y=y)
    (x_train, y_train), (x_test, y_test) = ch.load_data(test_split=0.25, seed=7)
    ex, ey = _expected(x, y)
    perm = np.random.RandomState(7).permutation(700)
    np.testing.assert_allclose(x_train, ex[perm[:525]], rtol=1e-6)
    np.testing.assert_allclose(y_test, ey[perm[525:]], rtol=1e-6)
    assert x_train.dtype == y_train.dtype == np.float32
    (xs, _), (xst, _) = ch.load_data(version="small", test_split=0.25, seed=7)
    assert len(xs) + len(xst) == 600


def test_keras_cache_is_reused_and_download_lands_in_neurx_home(homes, monkeypatch):
    x, y = _keras_layout(40, seed=1)
    keras_dir = homes / "keras" / "datasets"
    keras_dir.mkdir(parents=True)
    np.savez(keras_dir / "california_housing.npz", x=x, y=y)
    monkeypatch.setattr(ch, "_download", lambda *a, **k: pytest.fail("should not download"))
    (x_train, _), _ = ch.load_data(test_split=0.0)
    np.testing.assert_allclose(np.sort(x_train[:, 0]), np.sort(_expected(x, y)[0][:, 0]))

    def fake_download(url, dest, timeout=30.0):
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        np.savez(dest, x=x[:10], y=y[:10])

    monkeypatch.setattr(ch, "_download", fake_download)
    (x_train, _), (x_test, _) = ch.load_data(path="other.npz", test_split=0.2)
    assert (homes / "neurx" / "datasets" / "other.npz").exists()
    assert len(x_train) == 8 and len(x_test) == 2


def test_wrong_file_layout_is_explained(homes, monkeypatch):
    folder = homes / "neurx" / "datasets"
    folder.mkdir(parents=True)
    np.savez(folder / "california_housing.npz", x=np.zeros((5, 3)), y=np.zeros(5))
    with pytest.raises(ValueError, match=r"x\.shape=\(5, 3\)"):
        ch.load_data()


def test_mlp_beats_the_mean_baseline():
    import neurx as keras
    from neurx.rng import set_seed

    set_seed(0)
    (x_train, y_train), _ = ch.load_embedded()
    mean, std = x_train.mean(0), x_train.std(0)
    x_train = (x_train - mean) / std
    x_valid, y_valid = x_train[-3000:], y_train[-3000:]
    x_train, y_train = x_train[:-3000], y_train[:-3000]
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(30, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    history = model.fit(x_train, y_train, epochs=5, validation_data=(x_valid, y_valid),
                        verbose=0)
    baseline = float(np.mean((y_valid - y_train.mean()) ** 2))
    assert history.history["val_loss"][-1] < 0.5 * baseline
