"""Finding and loading the weights Keras Applications publishes: HDF5 files in Keras 2's
layout.

What it owns: finding a published weight file (`imagenet_file`: the models cache
`$NEURX_HOME/models` or `~/.neurx/models`, a copy in `~/.keras/models`, else a download
from Keras's URL; offline, the error names the file and the folder to put it in), and
checking that a file given to an application is in that layout (`load_h5_weights`). The
reading, the pairing of the file's layers with the model's and the shape checks are the
saving code's (`neurx.saving.legacy_h5.load_weights_from_group`).
"""
from __future__ import annotations

import os

import h5py

from neurx.saving import legacy_h5
from neurx.support.file_utils import get_file

WEIGHTS_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"


def imagenet_file(fname: str, subfolder: str, file_hash: str | None = None) -> str:
    """The local path of a published weight file, downloaded into the models cache if needed.

    Args:
        fname: Keras's file name, e.g. "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5".
        subfolder: the folder of the file under Keras's base URL, e.g. "vgg16".
        file_hash: the md5 Keras publishes for the file (a cached copy must match it).
    """
    return get_file(fname, f"{WEIGHTS_BASE}{subfolder}/{fname}", cache_subdir="models",
                    file_hash=file_hash)


def load_h5_weights(model, filepath, by_name: bool = False, skip_mismatch: bool = False):
    """Loads a Keras 2-layout HDF5 weight file into `model`.

    Args:
        model: a built model.
        filepath: the `.h5` file (Keras Applications' files, or a Keras `model.save('x.h5')`).
        by_name: pair layers by name only, leaving the model's other layers untouched.
        skip_mismatch: skip layers whose weight shapes differ (with a warning) instead of
            raising.

    Example:
    >>> import os, tempfile
    >>> import h5py, numpy as np
    >>> import neurx as keras
    >>> model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,), name="fc")])
    >>> path = os.path.join(tempfile.mkdtemp(), "fc.h5")
    >>> with h5py.File(path, "w") as f:
    ...     f.attrs["layer_names"] = [b"fc"]
    ...     group = f.create_group("fc")
    ...     group.attrs["weight_names"] = [b"fc/kernel:0", b"fc/bias:0"]
    ...     group["fc/kernel:0"] = np.ones((3, 2)); group["fc/bias:0"] = np.zeros(2)
    >>> load_h5_weights(model, path)
    >>> model.get_weights()[0].tolist()
    [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]
    """
    filepath = os.fspath(filepath)
    with h5py.File(filepath, "r") as f:
        root = f["model_weights"] if "model_weights" in f else f
        if "layer_names" not in root.attrs and "layer_names0" not in root.attrs:
            raise ValueError(f"{filepath} is not a Keras 2-layout weight file (no "
                             "`layer_names` attribute). For Keras 3 `.weights.h5` files use "
                             "`model.load_weights`.")
        legacy_h5.load_weights_from_group(model, root, filepath, by_name, skip_mismatch)


def resolve_weights(weights, fname: str, subfolder: str, file_hash: str | None = None):
    """The file an application's `weights` argument names: None, the cached or downloaded
    ImageNet file for 'imagenet', or the given path. Called before the model is built, so
    a missing file is reported at once."""
    if weights is None:
        return None
    if weights == "imagenet":
        return imagenet_file(fname, subfolder, file_hash)
    return os.fspath(weights)
