"""What CIFAR-10 and CIFAR-100 share: reading one pickled batch of the published archives.

Each batch file is a Python 2 pickle of a dict with `bytes` keys: `b"data"`, a uint8 array
`(n, 3072)` (the red, then green, then blue 32x32 planes of each image), and the labels
(`b"labels"` for CIFAR-10; `b"fine_labels"` and `b"coarse_labels"` for CIFAR-100). It is read
with `SafeUnpickler`, so a tampered file cannot run code.
"""
from __future__ import annotations

import os

import numpy as np

from neurx.config import image_data_format
from neurx.datasets.safe_pickle import load_pickle

__all__ = ["load_batch"]


def load_batch(fpath: str, label_key: str = "labels"):
    """Reads one CIFAR batch file.

    Args:
        fpath: path of the batch file.
        label_key: key of the labels in the batch's dict.

    Returns:
        `(data, labels)`: `data` of shape `(n, 3, 32, 32)` (channels first, as stored),
        `labels` as stored (a list of ints).

    >>> import os, pickle, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "data_batch_1")
    >>> with open(path, "wb") as f:
    ...     pickle.dump({b"data": np.zeros((2, 3072), np.uint8), b"labels": [6, 9]}, f, 3)
    >>> data, labels = load_batch(path)
    >>> data.shape, labels
    ((2, 3, 32, 32), [6, 9])
    """
    batch = {(k.decode("utf8") if isinstance(k, bytes) else k): v
             for k, v in load_pickle(fpath, encoding="bytes").items()}
    if "data" not in batch or label_key not in batch:
        raise ValueError(f"{fpath} is not a CIFAR batch file: expected the keys 'data' and "
                         f"{label_key!r}. Received keys: {sorted(batch)}. Delete the cached "
                         "archive and its extracted folder to download them again.")
    data = batch["data"]
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def batch_folder(extracted: str, inner: str) -> str:
    """The folder holding the batch files inside an extracted archive, with a clear error.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> os.makedirs(os.path.join(folder, "cifar-10-batches-py"))
    >>> batch_folder(folder, "cifar-10-batches-py") == os.path.join(folder, "cifar-10-batches-py")
    True
    """
    path = os.path.join(extracted, inner)
    if not os.path.isdir(path):
        raise FileNotFoundError(f"Expected the folder {inner!r} inside {extracted} (the "
                                "extracted archive). Delete that folder and its `_archive` "
                                "file to download them again.")
    return path


def to_data_format(x: np.ndarray) -> np.ndarray:
    """Channels first as stored -> `(n, 32, 32, 3)` when `image_data_format()` is channels_last.

    >>> to_data_format(np.zeros((1, 3, 32, 32))).shape
    (1, 32, 32, 3)
    """
    return x.transpose(0, 2, 3, 1) if image_data_format() == "channels_last" else x
