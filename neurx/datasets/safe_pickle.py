"""Reading the pickles inside the published dataset files without running arbitrary code.

What this module owns: `SafeUnpickler`, which resolves only the globals needed to rebuild NumPy
arrays (`numpy.ndarray`, `numpy.dtype` and `multiarray._reconstruct`, under NumPy 1's and
NumPy 2's module names) and refuses any other (a tampered pickle cannot reach `os.system`);
`load_pickle` for CIFAR's batch files (Python 2 pickles, read with `encoding="bytes"` as Keras
reads them); and `load_npz` for IMDB's and Reuters' `.npz` files, whose ragged sequences are
object arrays that `np.load(allow_pickle=False)` refuses.
"""
from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np

__all__ = ["SafeUnpickler", "load_pickle", "load_npz"]

try:  # NumPy >= 2 (and 1.26's forward-compatible alias)
    from numpy._core.multiarray import _reconstruct
except ImportError:  # pragma: no cover - older NumPy
    from numpy.core.multiarray import _reconstruct

_ALLOWED = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
}


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds NumPy arrays, lists, dicts, strings and numbers, and nothing
    that needs another global.

    >>> import io, pickle
    >>> data = pickle.dumps({"x": np.arange(3)}, protocol=3)
    >>> SafeUnpickler(io.BytesIO(data)).load()["x"]
    array([0, 1, 2])
    >>> SafeUnpickler(io.BytesIO(pickle.dumps(print))).load()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: Refusing to load `builtins.print` from a dataset file: ...
    """

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"Refusing to load `{module}.{name}` from a dataset file: only NumPy arrays, "
                "lists, dicts, strings and numbers are expected. The file may be corrupted or "
                "malicious; delete it to download it again.") from None


def load_pickle(path: str, encoding: str = "bytes"):
    """Loads a pickle file with `SafeUnpickler`.

    Args:
        path: the file.
        encoding: how Python 2 strings are decoded; `"bytes"` keeps them as `bytes` (CIFAR's
            keys are then `b"data"`, `b"labels"`, as Keras reads them).

    >>> import os, pickle, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "batch")
    >>> with open(path, "wb") as f:
    ...     pickle.dump({b"labels": [3, 1]}, f, protocol=3)
    >>> load_pickle(path)
    {b'labels': [3, 1]}
    """
    with open(path, "rb") as f:
        return SafeUnpickler(f, encoding=encoding).load()


def _read_npy(fp: io.BytesIO) -> np.ndarray:
    """One `.npy` member: plain arrays without pickle at all, object arrays with SafeUnpickler."""
    version = np.lib.format.read_magic(fp)
    # Versions 2.0 and 3.0 share the header layout (3.0 only allows UTF-8 field names).
    read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                   else np.lib.format.read_array_header_2_0)
    _, _, dtype = read_header(fp)
    if not dtype.hasobject:
        fp.seek(0)
        return np.lib.format.read_array(fp, allow_pickle=False)
    array = SafeUnpickler(fp).load()
    if not isinstance(array, np.ndarray):
        raise pickle.UnpicklingError(f"Expected a NumPy array in the .npy member, found a "
                                     f"{type(array).__name__}. The file may be corrupted.")
    return array


def load_npz(path: str) -> dict[str, np.ndarray]:
    """Loads every array of an `.npz` file, object arrays included, without arbitrary pickles.

    A drop-in for `dict(np.load(path, allow_pickle=True))` on the published dataset files.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "seqs.npz")
    >>> ragged = np.array([[1, 2, 3], [4]], dtype=object)
    >>> np.savez(path, x=ragged, y=np.array([0, 1]))
    >>> arrays = load_npz(path)
    >>> arrays["x"][0], arrays["y"]
    ([1, 2, 3], array([0, 1]))
    """
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as f:
                    arrays[member[: -len(".npy")]] = _read_npy(io.BytesIO(f.read()))
    return arrays
