"""Where each dataset's files come from: Keras's published URLs, file names and hashes.

What this module owns: `DATASETS`, the table of the files each loader reads (the same names,
URLs, SHA-256/MD5 hashes and cache sub-folders as Keras 3, so a copy Keras downloaded is
reused), `fetch` (one file of one dataset through `neurx.utils.get_file`), and `cached` (which
files of a dataset are already on disk, for `neurx info` and `neurx datasets`). The loaders read
the table at call time, so a test can substitute its own hashes.

>>> [f.fname for f in DATASETS["imdb"]]
['imdb.npz', 'imdb_word_index.json']
"""
from __future__ import annotations

import dataclasses
import os

from neurx.support.file_utils import get_file, keras_home, neurx_home

__all__ = ["RemoteFile", "DATASETS", "fetch", "remote", "cached"]

_KERAS_STORAGE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_TORONTO = "https://www.cs.toronto.edu/~kriz/"


@dataclasses.dataclass(frozen=True)
class RemoteFile:
    """One published file: its default local name, URL, expected hash and cache sub-folder.

    With `extract=True` the file is an archive: it is stored as `<fname>_archive` and extracted
    into the folder `<fname>` (Keras's layout for a name without an extension).

    >>> RemoteFile("a.npz", "https://example.com/a.npz").stored_name
    'a.npz'
    """

    fname: str
    origin: str
    file_hash: str | None = None
    cache_subdir: str = "datasets"
    extract: bool = False

    @property
    def stored_name(self) -> str:
        """The name of the downloaded file in the cache folder."""
        return f"{self.fname}_archive" if self.extract else self.fname

    def paths(self) -> list[str]:
        """Where the file is looked for: neurx's cache (where it is downloaded), then Keras's."""
        return [os.path.join(home, self.cache_subdir, self.stored_name)
                for home in (neurx_home(), keras_home())]


def _keras(fname: str, file_hash: str | None, cache_subdir: str = "datasets") -> RemoteFile:
    return RemoteFile(fname, _KERAS_STORAGE + fname, file_hash, cache_subdir)


_FASHION_DIR = os.path.join("datasets", "fashion-mnist")

DATASETS: dict[str, tuple[RemoteFile, ...]] = {
    "mnist": (
        _keras("mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),),
    # Keras publishes no hashes for the Fashion-MNIST files.
    "fashion_mnist": tuple(_keras(name, None, _FASHION_DIR) for name in (
        "train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")),
    "cifar10": (RemoteFile(
        "cifar-10-batches-py-target", _TORONTO + "cifar-10-python.tar.gz",
        "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce", extract=True),),
    "cifar100": (RemoteFile(
        "cifar-100-python-target", _TORONTO + "cifar-100-python.tar.gz",
        "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7", extract=True),),
    "imdb": (
        _keras("imdb.npz", "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"),
        _keras("imdb_word_index.json", "bfafd718b763782e994055a2d397834f")),
    "reuters": (
        _keras("reuters.npz", "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"),
        _keras("reuters_word_index.json", "4d44cc38712099c9e383dc6e5f11a921")),
    "boston_housing": (_keras(
        "boston_housing.npz", "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"),),
    "california_housing": (_keras(
        "california_housing.npz",
        "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"),),
}


def remote(dataset: str, fname: str) -> RemoteFile:
    """The entry of `DATASETS[dataset]` whose default file name is `fname`.

    >>> remote("mnist", "mnist.npz").origin
    'https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz'
    """
    if dataset not in DATASETS:
        raise ValueError(f"Unknown dataset {dataset!r}. Available: {', '.join(DATASETS)}")
    for entry in DATASETS[dataset]:
        if entry.fname == fname:
            return entry
    raise ValueError(f"Dataset {dataset!r} has no file {fname!r}. Its files: "
                     f"{[entry.fname for entry in DATASETS[dataset]]}")


def fetch(dataset: str, fname: str, path: str | None = None) -> str:
    """Local path of one of a dataset's files, downloaded and verified if needed.

    Args:
        dataset: a key of `DATASETS`.
        fname: the file's default name in that entry.
        path: the local name to cache it under (a loader's `path` argument); default `fname`.

    Returns:
        The path `get_file` returns (the extraction folder for archives).

    Fashion-MNIST's files have no published hash, so a copy put in the cache is used as is:

    >>> import os, tempfile
    >>> from unittest import mock
    >>> home = tempfile.mkdtemp()
    >>> os.makedirs(os.path.join(home, "datasets", "fashion-mnist"))
    >>> open(os.path.join(home, "datasets", "fashion-mnist", "t10k-labels-idx1-ubyte.gz"),
    ...      "wb").close()
    >>> with mock.patch.dict(os.environ, {"NEURX_HOME": home}):
    ...     path = fetch("fashion_mnist", "t10k-labels-idx1-ubyte.gz")
    >>> os.path.relpath(path, home)
    'datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz'
    """
    entry = remote(dataset, fname)
    return get_file(path or entry.fname, origin=entry.origin, file_hash=entry.file_hash,
                    cache_subdir=entry.cache_subdir, extract=entry.extract)


def cached(dataset: str) -> list[str | None]:
    """For each file of `dataset`: the path of a copy on disk (neurx's cache first, then
    Keras's), or `None`. Hashes are not checked here (that happens when the file is loaded).

    >>> import os, tempfile
    >>> from unittest import mock
    >>> empty = {"NEURX_HOME": tempfile.mkdtemp(), "KERAS_HOME": tempfile.mkdtemp()}
    >>> with mock.patch.dict(os.environ, empty):
    ...     cached("boston_housing")
    [None]
    """
    if dataset not in DATASETS:
        raise ValueError(f"Unknown dataset {dataset!r}. Available: {', '.join(DATASETS)}")
    found = []
    for entry in DATASETS[dataset]:
        found.append(next((p for p in entry.paths() if os.path.isfile(p)), None))
    return found
