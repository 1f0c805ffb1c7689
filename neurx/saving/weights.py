"""`save_weights` / `load_weights`: which file layout a name gets, and reading any of them.

What it owns: the choice of layout — `*.h5` / `*.hdf5` (but not `*.weights.h5`) get
Keras 2's layout (`layer_names`, `<layer>/kernel:0`, as `save_weights("x.h5")`
wrote in Keras 2); every other name (`*.weights.h5`, `my_keras_weights.ckpt`,
no extension) gets Keras 3's `.weights.h5` layout, with the optimizer's state —
and reading by content, whatever the name: a Keras 3 weights file, a Keras 2
weights or model `.h5`, or a `.keras` archive.
"""
from __future__ import annotations

import os

import h5py

from neurx.saving import keras_layout, keras_zip, legacy_h5
from neurx.saving.atomic import atomic_path

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"


def file_kind(filepath) -> str:
    """'zip', 'hdf5', 'directory', 'missing' or 'unknown', from the file's first bytes.

    >>> file_kind("/no/such/file")
    'missing'
    """
    if os.path.isdir(filepath):
        return "directory"
    if not os.path.exists(filepath):
        return "missing"
    with open(filepath, "rb") as f:
        head = f.read(8)
    if head.startswith(ZIP_SIGNATURE):
        return "zip"
    if head == HDF5_SIGNATURE:
        return "hdf5"
    return "unknown"


def uses_legacy_layout(filepath) -> bool:
    """Whether `save_weights(filepath)` writes Keras 2's layout (`.h5`/`.hdf5` names).

    >>> uses_legacy_layout("model-weights.h5"), uses_legacy_layout("m.weights.h5")
    (True, False)
    >>> uses_legacy_layout("my_keras_weights.ckpt")
    False
    """
    name = str(filepath)
    return name.endswith((".h5", ".hdf5")) and not name.endswith(".weights.h5")


def _require_built(model, action: str) -> None:
    if not model.built:
        raise ValueError(f"Model '{model.name}' is not built yet, so it has no weights to "
                         f"{action}. Call it on data, fit it, or call model.build(input_shape) "
                         "first.")


def save_weights(model, filepath, overwrite: bool = True) -> None:
    """Writes the model's weights to `filepath` in the layout its name selects.

    >>> import os, tempfile
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(2, input_shape=(3,))])
    >>> folder = tempfile.mkdtemp()
    >>> save_weights(model, os.path.join(folder, "my_keras_weights.ckpt"))
    >>> load_weights(model, os.path.join(folder, "my_keras_weights.ckpt"))
    """
    filepath = os.fspath(filepath)
    if filepath.endswith(".keras"):
        raise ValueError(f"save_weights() writes weights only; '{filepath}' names a whole-model "
                         "file. Use model.save('" + filepath + "') to save the model, or a "
                         "name such as 'model.weights.h5' for its weights.")
    _require_built(model, "save")
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"'{filepath}' exists and overwrite=False.")
    with atomic_path(filepath) as tmp:
        with h5py.File(tmp, "w") as f:
            if uses_legacy_layout(filepath):
                legacy_h5.save_weights_to_group(model, f)
            else:
                keras_layout.save_state(model, f)


def load_weights(model, filepath, skip_mismatch: bool = False, by_name: bool = False) -> None:
    """Loads weights saved by `save_weights` or `save` (any layout); all or nothing.

    >>> import os, tempfile
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(2, input_shape=(3,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "model-weights.h5")
    >>> save_weights(model, path)
    >>> load_weights(model, path, by_name=True)
    """
    filepath = os.fspath(filepath)
    kind = file_kind(filepath)
    if kind == "missing":
        raise FileNotFoundError(f"No weights file found at '{filepath}'.")
    if kind == "directory":
        raise ValueError(f"Cannot load weights from '{filepath}': it is a directory (a "
                         "TensorFlow SavedModel/checkpoint folder?). neurx reads weights saved "
                         "with save_weights() or save() to a file.")
    _require_built(model, "load")
    if kind == "zip":
        if by_name:
            raise ValueError("`by_name=True` is only supported for legacy .h5 weights files.")
        with keras_zip.open_archive(filepath) as archive:
            keras_zip.load_weights_into(model, archive, filepath, skip_mismatch)
        return
    if kind != "hdf5":
        raise ValueError(f"Cannot load weights from '{filepath}': it is neither an HDF5 weights "
                         "file nor a .keras archive (the file may be truncated or hold "
                         "something else).")
    try:
        f = h5py.File(filepath, "r")
    except OSError as error:
        raise ValueError(f"Cannot load weights from '{filepath}': the HDF5 file cannot be read "
                         f"(truncated or corrupted): {error}") from None
    with f:
        legacy_group = f["model_weights"] if "model_weights" in f else f
        if "layer_names" in legacy_group.attrs or "layer_names0" in legacy_group.attrs:
            legacy_h5.load_weights_from_group(model, legacy_group, filepath, by_name,
                                              skip_mismatch)
            return
        if by_name:
            raise ValueError("`by_name=True` is only supported for legacy .h5 weights files; "
                             f"'{filepath}' uses Keras 3's .weights.h5 layout.")
        plan = keras_layout.load_state(model, f, filepath, skip_mismatch)
        plan.apply(model)
