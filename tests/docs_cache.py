"""A dataset cache of small files in the published formats, for running the docs and examples.

`fill(home, monkeypatch)` writes Fashion-MNIST, MNIST, CIFAR-10, IMDB and California housing into `home` (the folder
`NEURX_HOME` points at) with learnable contents (each class has its own pattern), and pins the
published hashes to the small files so the loaders' hash checks still run. The loaders are the
real ones: only the files are small.
"""
from __future__ import annotations

import numpy as np
from dataset_fakes import (
    pin_hash,
    ragged,
    write_cifar_archive,
    write_idx_pair,
    write_json,
    write_npz,
)


def _images(rng, labels, centers):
    """Each image is its class's pattern plus noise (one set of patterns per dataset, so the
    test split looks like the training split)."""
    noise = rng.randint(-40, 41, size=(len(labels), *centers.shape[1:]))
    return np.clip(centers[labels] + noise, 0, 255).astype(np.uint8)


def _fashion(home, rng, n_train=600, n_test=200):
    folder = home / "datasets" / "fashion-mnist"
    centers = rng.randint(0, 256, size=(10, 28, 28))
    for split, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.randint(0, 10, n).astype(np.uint8)
        write_idx_pair(str(folder), split, _images(rng, labels, centers), labels)


def _mnist(home, monkeypatch, rng, n_train=600, n_test=200):
    y_train, y_test = (rng.randint(0, 10, n).astype(np.uint8) for n in (n_train, n_test))
    centers = rng.randint(0, 256, size=(10, 28, 28))
    path = home / "datasets" / "mnist.npz"
    write_npz(str(path), x_train=_images(rng, y_train, centers), y_train=y_train,
              x_test=_images(rng, y_test, centers), y_test=y_test)
    pin_hash(monkeypatch, "mnist", "mnist.npz", path)


def _cifar10(home, monkeypatch, rng):
    path = home / "datasets" / "cifar-10-batches-py-target_archive"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_cifar_archive(str(path), "cifar10", rng, [40] * 5 + [40])
    pin_hash(monkeypatch, "cifar10", "cifar-10-batches-py-target", path)


def _imdb(home, monkeypatch, rng, n=400, vocabulary=1000):
    def reviews(count):
        labels = rng.randint(0, 2, count)
        texts = ragged(rng, count, vocabulary, max_len=80)
        for text, label in zip(texts, labels):  # positive reviews use a few telltale words
            text.extend([4 + 2 * int(label)] * 5)
        return texts, labels

    (x_train, y_train), (x_test, y_test) = reviews(n), reviews(n // 2)
    path = home / "datasets" / "imdb.npz"
    write_npz(str(path), x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    pin_hash(monkeypatch, "imdb", "imdb.npz", path)
    index = {f"word{i}": i for i in range(1, vocabulary)}
    index.update({"the": 1, "and": 2, "a": 3, "great": 4, "bad": 6})
    index_path = home / "datasets" / "imdb_word_index.json"
    write_json(str(index_path), index)
    pin_hash(monkeypatch, "imdb", "imdb_word_index.json", index_path)


def _california(home, rng, n=6000):
    """Keras's raw layout: x = 8 census columns (longitude ... median income), y in dollars."""
    households = rng.uniform(100, 1000, n)
    income = rng.uniform(0.5, 15, n)
    x = np.stack([rng.uniform(-124, -114, n), rng.uniform(32, 42, n), rng.randint(1, 52, n),
                  households * rng.uniform(3, 7, n), households * rng.uniform(0.8, 1.3, n),
                  households * rng.uniform(2, 4, n), households, income], axis=1)
    y = np.clip(40_000 * income + rng.normal(0, 30_000, n), 15_000, 500_001)
    write_npz(str(home / "datasets" / "california_housing.npz"), x=x, y=y)


def fill(home, monkeypatch) -> None:
    """Writes the small datasets under `home` and points `NEURX_HOME` / `KERAS_HOME` there."""
    monkeypatch.setenv("NEURX_HOME", str(home))
    monkeypatch.setenv("KERAS_HOME", str(home / "keras"))
    rng = np.random.RandomState(0)
    _fashion(home, rng)
    _mnist(home, monkeypatch, rng)
    _cifar10(home, monkeypatch, rng)
    _imdb(home, monkeypatch, rng)
    _california(home, rng)
