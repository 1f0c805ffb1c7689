"""mnist, fashion_mnist, cifar10, cifar100 on small files in the published formats."""
import dataclasses
import os
import pickle

import numpy as np
import pytest
from dataset_fakes import (
    keras_reads,
    pin_hash,
    serve,
    write_cifar_archive,
    write_idx_pair,
    write_npz,
)

import neurx
from neurx.datasets import cifar10, cifar100, fashion_mnist, mnist, sources
from neurx.support import file_utils


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURX_HOME", str(tmp_path / "neurx"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "neurx"


@pytest.fixture
def offline(monkeypatch):
    def urlopen(url, timeout=None):
        raise file_utils.urllib.error.URLError("no network in this test")
    monkeypatch.setattr(file_utils, "_urlopen", urlopen)


def _images(rng, n, shape=(28, 28)):
    return rng.randint(0, 256, size=(n, *shape)).astype(np.uint8)


def _assert_same(ours, theirs):
    for a, b in zip(np.asarray(ours, dtype=object).ravel(), np.asarray(theirs, object).ravel()):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- mnist
def _fake_mnist(home, monkeypatch):
    rng = np.random.RandomState(0)
    arrays = write_npz(str(home / "datasets" / "mnist.npz"),
                       x_train=_images(rng, 6), y_train=rng.randint(0, 10, 6).astype(np.uint8),
                       x_test=_images(rng, 4), y_test=rng.randint(0, 10, 4).astype(np.uint8))
    pin_hash(monkeypatch, "mnist", "mnist.npz", home / "datasets" / "mnist.npz")
    return arrays


def test_mnist_round_trip_and_keras_parity(home, monkeypatch, offline):
    arrays = _fake_mnist(home, monkeypatch)
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    _assert_same([x_train, y_train, x_test, y_test],
                 [arrays[k] for k in ("x_train", "y_train", "x_test", "y_test")])
    assert x_train.shape == (6, 28, 28) and x_train.dtype == np.uint8
    keras = pytest.importorskip("keras")
    keras_reads(monkeypatch, home, keras.datasets.mnist.load_data)
    _assert_same(mnist.load_data(), keras.datasets.mnist.load_data())


def test_mnist_tampered_file_is_refused(home, monkeypatch, offline):
    _fake_mnist(home, monkeypatch)
    path = home / "datasets" / "mnist.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    path.write_bytes(bytes(data))
    with pytest.raises(OSError, match=r"mnist\.npz.*was not used: its hash does not match"):
        mnist.load_data()


# ----------------------------------------------------------------------------- fashion_mnist
def _fake_fashion(folder, seed=1):
    rng = np.random.RandomState(seed)
    train = _images(rng, 7), rng.randint(0, 10, 7)
    test = _images(rng, 3), rng.randint(0, 10, 3)
    write_idx_pair(folder, "train", *train)
    write_idx_pair(folder, "t10k", *test)
    return train, test


def test_fashion_mnist_round_trip_and_keras_parity(home, monkeypatch, offline):
    (x_tr, y_tr), (x_te, y_te) = _fake_fashion(home / "datasets" / "fashion-mnist")
    (x_train, y_train), (x_test, y_test) = neurx.datasets.fashion_mnist.load_data()
    assert x_train.shape == (7, 28, 28) and y_test.shape == (3,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    np.testing.assert_array_equal(x_train, x_tr)
    np.testing.assert_array_equal(y_test, y_te)
    keras = pytest.importorskip("keras")
    keras_reads(monkeypatch, home, keras.datasets.fashion_mnist.load_data)
    _assert_same(fashion_mnist.load_data(), keras.datasets.fashion_mnist.load_data())


def test_fashion_mnist_reuses_the_keras_cache(home, tmp_path, offline):
    (x_tr, _), _ = _fake_fashion(tmp_path / "keras" / "datasets" / "fashion-mnist")
    (x_train, _), _ = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, x_tr)
    assert not (home / "datasets" / "fashion-mnist" / "train-images-idx3-ubyte.gz").exists()


def test_fashion_mnist_corrupted_file_is_explained(home, offline):
    folder = home / "datasets" / "fashion-mnist"
    _fake_fashion(folder)
    write_idx_pair(folder, "t10k", np.zeros((3, 28, 28)), np.zeros(2))  # 2 labels, 3 images
    with pytest.raises(ValueError, match=r"t10k-images.*expected magic number 2051 and 2 items"):
        fashion_mnist.load_data()


def test_fashion_mnist_served_download(home, tmp_path, monkeypatch, capsys):
    www = tmp_path / "www"
    (x_tr, y_tr), _ = _fake_fashion(www)
    with serve(www) as url:
        entries = [dataclasses.replace(e, origin=url + e.fname)
                   for e in sources.DATASETS["fashion_mnist"]]
        monkeypatch.setitem(sources.DATASETS, "fashion_mnist", tuple(entries))
        (x_train, y_train), _ = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, x_tr)
    assert sorted(os.listdir(home / "datasets" / "fashion-mnist")) == sorted(
        e.fname for e in entries)
    assert capsys.readouterr().out.count("Downloading data from") == 4


def test_fashion_mnist_offline_names_the_file_and_folder(home, offline):
    folder = home / "datasets" / "fashion-mnist"
    with pytest.raises(OSError, match=f"train-labels-idx1-ubyte.gz.*storage.googleapis.com.*"
                                      f"folder {folder}"):
        fashion_mnist.load_data()


# ----------------------------------------------------------------------------- cifar
def _fake_cifar(home, monkeypatch, kind, sizes, seed=2):
    name = "cifar-10-batches-py-target" if kind == "cifar10" else "cifar-100-python-target"
    archive = home / "datasets" / f"{name}_archive"
    archive.parent.mkdir(parents=True, exist_ok=True)
    written = write_cifar_archive(archive, kind, np.random.RandomState(seed), sizes)
    pin_hash(monkeypatch, kind, name, archive)
    return written


def _nhwc(data):
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


def test_cifar10_layout_dtypes_and_values(home, monkeypatch, offline):
    written = _fake_cifar(home, monkeypatch, "cifar10", [4, 4, 4, 4, 3, 5])
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (19, 32, 32, 3) and y_train.shape == (19, 1)
    assert x_test.shape == (5, 32, 32, 3) and y_test.shape == (5, 1)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    train = [written[f"data_batch_{i}"] for i in range(1, 6)]
    np.testing.assert_array_equal(x_train, _nhwc(np.concatenate([d for d, _ in train])))
    np.testing.assert_array_equal(y_train[:, 0], sum((lab["labels"] for _, lab in train), []))
    np.testing.assert_array_equal(x_test, _nhwc(written["test_batch"][0]))
    # A pixel by hand: image 0 of batch 1, row 2, column 5 is byte (channel * 1024 + 2 * 32 + 5).
    for channel in range(3):
        assert x_train[0, 2, 5, channel] == train[0][0][0, channel * 1024 + 69]
    neurx.config.set_image_data_format("channels_first")
    try:
        (x_first, _), _ = cifar10.load_data()
    finally:
        neurx.config.set_image_data_format("channels_last")
    np.testing.assert_array_equal(x_first, x_train.transpose(0, 3, 1, 2))


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_keras_parity(home, monkeypatch, offline, label_mode):
    written = _fake_cifar(home, monkeypatch, "cifar100", [6, 4])
    (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode=label_mode)
    assert x_train.shape == (6, 32, 32, 3) and y_test.shape == (4, 1)
    np.testing.assert_array_equal(y_train[:, 0], written["train"][1][f"{label_mode}_labels"])
    keras = pytest.importorskip("keras")
    keras_reads(monkeypatch, home, keras.datasets.cifar100.load_data)
    _assert_same(cifar100.load_data(label_mode),
                 keras.datasets.cifar100.load_data(label_mode=label_mode))


def test_cifar_served_download_extracts_once(home, tmp_path, monkeypatch, capsys):
    www = tmp_path / "www"
    www.mkdir()
    written = write_cifar_archive(www / "cifar-100-python.tar.gz", "cifar100",
                                  np.random.RandomState(3), [3, 2])
    with serve(www) as url:
        pin_hash(monkeypatch, "cifar100", "cifar-100-python-target",
                 www / "cifar-100-python.tar.gz", origin=url + "cifar-100-python.tar.gz")
        (x_train, _), _ = cifar100.load_data()
    np.testing.assert_array_equal(x_train, _nhwc(written["train"][0]))
    folder = home / "datasets"
    assert sorted(os.listdir(folder)) == ["cifar-100-python-target",
                                          "cifar-100-python-target_archive"]
    assert "Downloading data from" in capsys.readouterr().out
    (x_again, _), _ = cifar100.load_data()  # cached: the server is gone
    np.testing.assert_array_equal(x_again, x_train)


def test_cifar_tampered_archive_and_pickle_are_refused(home, monkeypatch, offline, tmp_path):
    _fake_cifar(home, monkeypatch, "cifar10", [1] * 6)
    archive = home / "datasets" / "cifar-10-batches-py-target_archive"
    archive.write_bytes(archive.read_bytes() + b"\x00")
    with pytest.raises(OSError, match="cifar-10-batches-py-target_archive was not used"):
        cifar10.load_data()
    # A batch whose pickle calls a function is refused even when the archive is trusted.
    evil = tmp_path / "evil_batch"
    evil.write_bytes(pickle.dumps({"data": os.getcwd}, protocol=3))
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load `posix.getcwd`"):
        neurx.datasets.cifar.load_batch(str(evil))


def test_cifar100_bad_label_mode():
    with pytest.raises(ValueError, match="label_mode=medium"):
        cifar100.load_data(label_mode="medium")
