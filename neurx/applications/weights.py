"""Loading the weights Keras Applications publishes: HDF5 files in Keras 2's layout.

What it owns: finding a published weight file (`imagenet_file`: the models cache
`$NEURX_HOME/models` or `~/.neurx/models`, a copy in `~/.keras/models`, else a download
from Keras's URL; offline, the error names the file and the folder to put it in), and
reading the Keras 2 layout into a model (`load_h5_weights`).

The layout: a root group (the file itself, or `model_weights` in a full-model file)
whose `layer_names` attribute lists the layers in Keras's order; each layer's group has
a `weight_names` attribute with the paths of its arrays inside the group
(`<layer>/kernel:0`, ... in Keras 2; `<layer>/kernel` or nested paths in Keras 3's .h5).
Like Keras's `load_weights`, layers with weights are paired in that order with the
model's layers (Keras's layer order), unless every name matches, when they are paired by
name. Every shape is checked before anything is assigned.
"""
from __future__ import annotations

import os

import h5py
import numpy as np

from neurx.saving.model_config import model_layers
from neurx.utils.file_utils import get_file

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


def _text(value) -> str:
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _read_layers(root) -> list[tuple[str, list[np.ndarray]]]:
    """`(layer name, arrays)` for each layer with weights, in the file's order."""
    out = []
    for name in (_text(n) for n in root.attrs["layer_names"]):
        group = root[name]
        names = [_text(w) for w in group.attrs.get("weight_names", [])]
        if names:
            out.append((name, [np.asarray(group[w]) for w in names]))
    return out


def load_h5_weights(model, filepath, by_name: bool = False, skip_mismatch: bool = False):
    """Loads a Keras 2-layout HDF5 weight file into `model`.

    Args:
        model: a built model.
        filepath: the `.h5` file (Keras Applications' files, or a Keras `model.save('x.h5')`).
        by_name: pair layers by name only, leaving the model's other layers untouched.
        skip_mismatch: with `by_name`, skip layers whose weight shapes differ instead of
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
        if "layer_names" not in root.attrs:
            raise ValueError(f"{filepath} is not a Keras 2-layout weight file (no "
                             "`layer_names` attribute). For Keras 3 `.weights.h5` files use "
                             "`model.load_weights`.")
        saved = _read_layers(root)
    layers = [layer for layer in model_layers(model) if layer.weights]
    names = {layer.name for layer in layers}
    if by_name or {name for name, _ in saved} == names:
        pairs = _pairs_by_name(model, saved, layers, by_name)
    else:
        if len(saved) != len(layers):
            raise ValueError(
                f"Cannot load {filepath} into model '{model.name}': the file has weights for "
                f"{len(saved)} layers ({[n for n, _ in saved][:5]}...), the model has "
                f"{len(layers)} layers with weights ({[l.name for l in layers][:5]}...). "
                "Check that the model is built as the file's model was (same include_top, "
                "classes, alpha, ...).")
        pairs = [(layer, name, arrays) for layer, (name, arrays) in zip(layers, saved)]
    checked = []
    for layer, name, arrays in pairs:
        expected = [v.shape for v in layer.weights]
        got = [a.shape for a in arrays]
        if expected != got:
            if skip_mismatch and by_name:
                continue
            raise ValueError(
                f"Cannot load {filepath} into model '{model.name}': layer '{layer.name}' "
                f"({type(layer).__name__}) has weights of shapes {expected}, but the file's "
                f"layer '{name}' has {got}.")
        checked.append((layer, arrays))
    for layer, arrays in checked:
        layer.set_weights(arrays)


def _pairs_by_name(model, saved, layers, by_name):
    by_layer = {layer.name: layer for layer in layers}
    pairs = [(by_layer[name], name, arrays) for name, arrays in saved if name in by_layer]
    if not pairs and saved:
        raise ValueError(f"No layer of model '{model.name}' has the name of a layer in the "
                         f"file ({[n for n, _ in saved][:5]}...).")
    return pairs


def resolve_weights(weights, fname: str, subfolder: str, file_hash: str | None = None):
    """The file an application's `weights` argument names: None, the cached or downloaded
    ImageNet file for 'imagenet', or the given path. Called before the model is built, so
    a missing file is reported at once."""
    if weights is None:
        return None
    if weights == "imagenet":
        return imagenet_file(fname, subfolder, file_hash)
    return os.fspath(weights)
