"""The public saving API: `save_model`, `load_model`, `model_from_json`.

What it owns: choosing the format from the file name when saving (`.keras`
zip; `.h5` / `.hdf5` Keras 2 layout; any other name, e.g. `"my_model"`, the
`.keras` zip under that exact name, with a warning saying so) and from the
file's content when loading (so whatever `save` wrote, `load_model` reads, and
a folder with `saved_model.pb` is read as tf.keras 2's SavedModel), and the
clear refusals: a subclassed model without `get_config`, a folder that is not a
SavedModel, a file that is not a model.
"""
from __future__ import annotations

import json
import os
import warnings

from neurx.saving import keras_zip, legacy_h5, safety
from neurx.saving.savedmodel import loader as savedmodel
from neurx.saving.serialization import get_build_config, is_functional, is_sequential
from neurx.saving.weights import file_kind

_NOTED: set = set()


def _defines_get_config(model) -> bool:
    for klass in type(model).__mro__:
        if klass.__module__.startswith("neurx."):
            return False
        if "get_config" in vars(klass):
            return True
    return False


def check_saveable(model) -> None:
    """Refuses a subclassed model whose class cannot be rebuilt from a config.

    >>> from neurx import Sequential, layers
    >>> check_saveable(Sequential([layers.Dense(1, input_shape=(2,))]))
    """
    if is_functional(model) or is_sequential(model):
        return
    if _defines_get_config(model):
        if model.built and get_build_config(model) is None:
            raise ValueError(
                f"Model '{model.name}' was built with model.build() but never called on data, "
                "so neurx does not know the input shape to rebuild it with. Call it once on "
                "a batch (e.g. model.predict(x[:1])) before saving.")
        return
    cls = type(model).__name__
    raise NotImplementedError(
        f"Model '{model.name}' is a subclassed model (class {cls}) that does not define "
        "get_config(), so model.save() cannot record how to rebuild it. Either define "
        f"get_config() returning {cls}'s constructor arguments and decorate the class with "
        "@keras.saving.register_keras_serializable(), then keras.models.load_model() restores "
        f"it; or save only the weights with model.save_weights('{model.name}.weights.h5') and "
        f"rebuild the model in code before calling model.load_weights(...).")


def _choose_format(filepath: str, save_format) -> tuple[str, bool]:
    """`(format, guessed)` with format 'keras' or 'h5'."""
    if save_format is not None:
        fmt = str(save_format).lower()
        if fmt in ("h5", "hdf5"):
            return "h5", False
        if fmt in ("keras", "tf", "keras_v3"):
            return "keras", fmt == "tf"
        raise ValueError(f"Unknown save_format={save_format!r}: use 'keras' or 'h5'.")
    if filepath.endswith(".keras"):
        return "keras", False
    if filepath.endswith((".h5", ".hdf5")):
        return "h5", False
    return "keras", True


def save_model(model, filepath, overwrite: bool = True, include_optimizer: bool = True,
               save_format=None, **kwargs) -> None:
    """Saves a model: `.keras` (default), `.h5`/`.hdf5` (Keras 2 layout), or any other name.

    A name without a known extension (`"my_model"`, the habit of TensorFlow's
    SavedModel) is written in the `.keras` zip format under exactly that name,
    and a `UserWarning` says so (once per file); `load_model` reads it back.

    Example:
    >>> import os, tempfile
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> save_model(model, os.path.join(tempfile.mkdtemp(), "m.keras"))
    """
    filepath = os.fspath(filepath)
    fmt, guessed = _choose_format(filepath, save_format)
    check_saveable(model)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"'{filepath}' exists and overwrite=False.")
    if fmt == "h5":
        legacy_h5.save_model(model, filepath, include_optimizer=include_optimizer)
    else:
        keras_zip.save_model(model, filepath, include_optimizer=include_optimizer)
    if guessed and filepath not in _NOTED:      # once per file: checkpoints save every epoch
        _NOTED.add(filepath)
        warnings.warn(
            f"Saved model to '{filepath}' in the Keras format (a .keras zip archive), since the "
            "name has no .keras or .h5 extension (tf.keras 2 wrote a SavedModel folder here). "
            f"Load it with keras.models.load_model('{filepath}'); save to a '.h5' name for a "
            "file that tf.keras 2 loads too.", stacklevel=3)


def _check_custom_objects(custom_objects, owner: str) -> None:
    if custom_objects is not None and not isinstance(custom_objects, dict):
        raise TypeError(f"`custom_objects` of {owner} must be a dict mapping the names in the "
                        "file to classes or functions, e.g. {'MyLayer': MyLayer}. Received: "
                        f"custom_objects={custom_objects!r}")


def load_model(filepath, custom_objects=None, compile: bool = True, safe_mode: bool = True):
    """Loads a model saved by `save` (`.keras` archive or `.h5`), by neurx or by Keras,
    or the SavedModel folder tf.keras 2's `model.save("my_keras_model")` wrote.

    With `compile=True` the optimizer (with its state), loss, metrics and loss
    weights are restored, so `fit` continues where it stopped. `safe_mode=True`
    refuses files that carry Python bytecode (a `Lambda` layer's lambda).

    Example:
    >>> import os, tempfile
    >>> import numpy as np
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> model.save(path)
    >>> restored = load_model(path)
    >>> restored.loss, type(restored.optimizer).__name__
    ('mse', 'Adam')
    >>> bool(np.allclose(restored.predict(np.ones((1, 2)), verbose=0),
    ...                  model.predict(np.ones((1, 2)), verbose=0)))
    True
    """
    _check_custom_objects(custom_objects, "load_model()")
    filepath = os.fspath(filepath)
    kind = file_kind(filepath)
    if kind == "missing":
        hint = ""
        for ext in (".keras", ".h5"):
            if os.path.exists(filepath + ext):
                hint = f" Did you mean '{filepath + ext}'?"
        raise FileNotFoundError(f"No model file found at '{filepath}'.{hint}")
    if kind == "directory":
        if savedmodel.is_saved_model(filepath):
            return savedmodel.load_model(filepath, custom_objects, compile, safe_mode)
        raise ValueError(f"Cannot load '{filepath}': it is a directory without saved_model.pb, "
                         "so neither a model file nor a TensorFlow SavedModel folder. neurx "
                         "reads .keras archives, .h5 files and tf.keras 2's SavedModel folders.")
    if kind == "zip":
        return keras_zip.load_model(filepath, custom_objects, compile, safe_mode)
    if kind == "hdf5":
        return legacy_h5.load_model(filepath, custom_objects, compile, safe_mode)
    raise ValueError(f"Cannot load '{filepath}': it is not a Keras model file (expected a .keras "
                     "zip archive or an HDF5 .h5 file; the file may be truncated or hold "
                     "something else).")


def model_from_json(json_string: str, custom_objects=None):
    """A new (uncompiled unless the JSON says so) model from `model.to_json()`.

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(4, input_shape=(3,))])
    >>> model_from_json(model.to_json()).layers[0].units
    4
    """
    _check_custom_objects(custom_objects, "model_from_json()")
    try:
        config = json.loads(json_string)
    except (TypeError, ValueError) as error:
        raise ValueError("model_from_json() needs the JSON text that model.to_json() returns "
                         f"({error}). Received: {str(json_string)[:80]!r}") from None
    safety.check_config(config, "the JSON string", True)
    return keras_zip.build_model(config, "the JSON string", custom_objects, compile=True)
