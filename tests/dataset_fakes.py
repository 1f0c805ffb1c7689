"""Small files in the published dataset formats, and the switches that make loaders use them.

Writers (each returns the arrays it wrote): `write_idx_pair` (Fashion-MNIST's gzipped IDX),
`write_cifar_archive` (CIFAR's tar.gz of Python 2 pickles), `write_npz` (mnist, boston, imdb,
reuters; ragged sequences as object arrays), `write_json`. Switches: `pin_hash` replaces a
published hash by the fake file's own, so the hash check runs for real; `keras_reads` points
the real Keras's cache at a folder and skips its (unpatchable) hash check; `serve` serves a
folder over HTTP on 127.0.0.1.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import gzip
import http.server
import io
import json
import os
import pickle
import struct
import tarfile
import threading

import numpy as np

from neurx.datasets import sources
from neurx.support.file_utils import hash_file


# ----------------------------------------------------------------------------- formats
def write_idx_pair(folder, split: str, images: np.ndarray, labels: np.ndarray) -> None:
    """`<split>-images-idx3-ubyte.gz` and `<split>-labels-idx1-ubyte.gz`, big-endian headers."""
    os.makedirs(folder, exist_ok=True)
    n = len(labels)
    with gzip.open(os.path.join(folder, f"{split}-labels-idx1-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">II", 2049, n) + labels.astype(np.uint8).tobytes())
    with gzip.open(os.path.join(folder, f"{split}-images-idx3-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, n, 28, 28) + images.astype(np.uint8).tobytes())


class _Py2Pickler(pickle._Pickler):
    """Writes `bytes` as Python 2 `str` opcodes (SHORT_BINSTRING / BINSTRING), as the CIFAR
    batches were written by Python 2's cPickle, protocol 2."""

    def save_bytes(self, obj):
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[bytes] = save_bytes


def py2_pickle(obj) -> bytes:
    buffer = io.BytesIO()
    _Py2Pickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


def _cifar_batch(rng, n: int, label_keys: dict) -> tuple[bytes, np.ndarray, dict]:
    data = rng.randint(0, 256, size=(n, 3072)).astype(np.uint8)
    labels = {key: [int(v) for v in rng.randint(0, high, n)] for key, high in label_keys.items()}
    batch = {b"batch_label": b"fake batch", b"data": data,
             b"filenames": [b"img_%d.png" % i for i in range(n)],
             **{key.encode(): value for key, value in labels.items()}}
    return py2_pickle(batch), data, labels


def write_cifar_archive(path, kind: str, rng, sizes) -> dict:
    """CIFAR-10 (`data_batch_1..5`, `test_batch`) or CIFAR-100 (`train`, `test`) as tar.gz."""
    if kind == "cifar10":
        inner, names, keys = "cifar-10-batches-py", [f"data_batch_{i}" for i in range(1, 6)] + [
            "test_batch"], {"labels": 10}
    else:
        inner, names, keys = "cifar-100-python", ["train", "test"], {"fine_labels": 100,
                                                                     "coarse_labels": 20}
    written = {}
    with tarfile.open(path, "w:gz") as archive:
        for name, n in zip(names, sizes):
            payload, data, labels = _cifar_batch(rng, n, keys)
            info = tarfile.TarInfo(f"{inner}/{name}")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
            written[name] = (data, labels)
    return written


def ragged(rng, n: int, vocabulary: int, max_len: int = 12) -> np.ndarray:
    """An object array of `n` lists of word indices in `[1, vocabulary)`, of varied lengths."""
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = [int(w) for w in rng.randint(1, vocabulary, size=rng.randint(1, max_len))]
    return out


def write_npz(path, **arrays) -> dict:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savez(path, **arrays)
    return arrays


def write_json(path, obj) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f)


# ----------------------------------------------------------------------------- switches
def pin_hash(monkeypatch, dataset: str, fname: str, path, origin: str | None = None) -> str:
    """Makes `sources.DATASETS[dataset]`'s entry `fname` expect the hash of the file at `path`
    (SHA-256, or MD5 where the published hash is an MD5), and optionally another origin."""
    entries = list(sources.DATASETS[dataset])
    i = [entry.fname for entry in entries].index(fname)
    algorithm = "md5" if entries[i].file_hash and len(entries[i].file_hash) == 32 else "sha256"
    digest = hash_file(str(path), algorithm)
    entries[i] = dataclasses.replace(entries[i], file_hash=digest,
                                     origin=origin or entries[i].origin)
    monkeypatch.setitem(sources.DATASETS, dataset, tuple(entries))
    return digest


def keras_reads(monkeypatch, home, *loaders) -> None:
    """The real Keras's `get_file`, as each of `loaders` (Keras functions) calls it, uses `home`
    as its cache and accepts the fake files. Patched through the functions' own globals, so a
    second copy of `keras.src` in `sys.modules` (a test that purges modules) cannot dodge it."""
    for loader in loaders:
        keras_get_file = loader.__globals__["get_file"]
        monkeypatch.setitem(keras_get_file.__globals__, "validate_file", lambda *a, **k: True)
        monkeypatch.setattr(keras_get_file.__globals__["config"], "_KERAS_DIR", str(home))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder):
    """Serves `folder` on 127.0.0.1 (a free port); yields the base URL, e.g. `http://...:port/`."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
