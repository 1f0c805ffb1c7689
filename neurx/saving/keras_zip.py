"""The `.keras` format: a zip of `config.json`, `metadata.json` and `model.weights.h5`.

What it owns: writing the archive (atomically) and reading it back: the
archive's members are checked first (`safety.check_archive`), the config is
checked for bytecode in safe mode before anything is built, the model is
rebuilt from the config (compiled from its `compile_config` when asked), and
the weights are checked against the model before any is assigned. Errors name
the file.
"""
from __future__ import annotations

import datetime
import io
import json
import zipfile

import h5py
import numpy as np

from neurx.legacy import spelled_by_a_file
from neurx.saving import keras_layout, object_registry, safety
from neurx.saving.atomic import atomic_path
from neurx.saving.deserialization import deserialize_keras_object
from neurx.saving.serialization import serialize_keras_object

KERAS_VERSION = "3.15.1"     # the Keras file format version neurx writes
CONFIG_NAME, METADATA_NAME, WEIGHTS_NAME = "config.json", "metadata.json", "model.weights.h5"


def json_default(value):
    """`json.dumps` fallback for NumPy values and tuples in configs.

    >>> json.dumps({"a": np.float32(1.5), "b": np.arange(2)}, default=json_default)
    '{"a": 1.5, "b": [0, 1]}'
    """
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable: {value!r}")


def model_config_json(model) -> str:
    """The model's config (with its compile config) as Keras 3 writes `config.json`.

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> json.loads(model_config_json(model))["class_name"]
    'Sequential'
    """
    return json.dumps(serialize_keras_object(model), default=json_default)


def save_model(model, filepath, include_optimizer: bool = True) -> None:
    """Writes `model` to a `.keras` archive at `filepath` (atomically).

    >>> import os, tempfile
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(2, input_shape=(3,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.keras")
    >>> save_model(model, path)
    >>> sorted(zipfile.ZipFile(path).namelist())
    ['config.json', 'metadata.json', 'model.weights.h5']
    """
    config_json = model_config_json(model)
    metadata = json.dumps({"keras_version": KERAS_VERSION,
                           "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                           "saved_by": "neurx"})
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        keras_layout.save_state(model, h5, include_optimizer=include_optimizer)
    with atomic_path(filepath) as tmp:
        with zipfile.ZipFile(tmp, "w") as archive:
            archive.writestr(METADATA_NAME, metadata)
            archive.writestr(CONFIG_NAME, config_json)
            archive.writestr(WEIGHTS_NAME, buffer.getvalue())


def open_archive(filepath) -> zipfile.ZipFile:
    """Opens and checks a `.keras` archive; errors name the file.

    >>> import os, tempfile
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> save_model(model, path)
    >>> with open_archive(path) as archive:
    ...     sorted(archive.namelist())
    ['config.json', 'metadata.json', 'model.weights.h5']
    """
    try:
        archive = zipfile.ZipFile(filepath, "r")
    except zipfile.BadZipFile as error:
        raise ValueError(f"Cannot load '{filepath}': it is not a valid .keras archive (the file "
                         f"is truncated or is not a zip file): {error}") from None
    safety.check_archive(archive, str(filepath))
    names = archive.namelist()
    if CONFIG_NAME not in names or WEIGHTS_NAME not in names:
        raise ValueError(f"Cannot load '{filepath}': a .keras archive holds '{CONFIG_NAME}' and "
                         f"'{WEIGHTS_NAME}', but this one holds {names}.")
    return archive


def _read_member(archive, name, filepath) -> bytes:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise ValueError(f"Cannot load '{filepath}': archive member '{name}' cannot be read "
                         f"(the file is truncated or corrupted): {error}") from None


def read_config(archive, filepath) -> dict:
    """The archive's `config.json` as a dict (checked to describe an object).

    >>> import os, tempfile
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> save_model(model, path)
    >>> with open_archive(path) as archive:
    ...     read_config(archive, path)["class_name"]
    'Sequential'
    """
    raw = _read_member(archive, CONFIG_NAME, filepath)
    try:
        config = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"Cannot load '{filepath}': its {CONFIG_NAME} is not valid JSON "
                         f"({error}).") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Cannot load '{filepath}': its {CONFIG_NAME} does not describe a "
                         "model (no 'class_name').")
    return config


def build_model(config: dict, filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuilds (and compiles) the model a config describes, naming the file on errors.

    Keras 2 spellings in the config (`Embedding(input_length=...)`, `lr=`) are the
    file's, not the user's: they load without a deprecation warning.

    >>> config = {"class_name": "Sequential", "config": {"layers": [
    ...     {"class_name": "Dense", "config": {"units": 2, "batch_input_shape": [None, 3]}}]}}
    >>> build_model(config, "an inline config").output_shape
    (None, 2)
    """
    config = dict(config)
    if not compile:
        config.pop("compile_config", None)
    safety.check_config(config, str(filepath), safe_mode)
    try:
        with object_registry.CustomObjectScope(custom_objects or {}), \
                safety.safe_mode_scope(safe_mode), spelled_by_a_file():
            model = deserialize_keras_object(config, custom_objects, safe_mode, what="class")
    except (ValueError, TypeError, KeyError) as error:
        raise type(error)(f"Cannot load '{filepath}': {error}") from error
    if not hasattr(model, "predict"):
        raise ValueError(f"Cannot load '{filepath}': its config describes a "
                         f"{type(model).__name__}, not a model.")
    return model


def load_weights_into(model, archive, filepath, skip_mismatch=False, load_optimizer=True):
    """Loads the archive's `model.weights.h5` into `model` (all or nothing).

    >>> import os, tempfile
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> save_model(model, path)
    >>> with open_archive(path) as archive:
    ...     load_weights_into(model, archive, path)
    """
    data = _read_member(archive, WEIGHTS_NAME, filepath)
    try:
        h5 = h5py.File(io.BytesIO(data), "r")
    except OSError as error:
        raise ValueError(f"Cannot load '{filepath}': its {WEIGHTS_NAME} is not a readable HDF5 "
                         f"file ({error}).") from None
    with h5:
        plan = keras_layout.load_state(model, h5, str(filepath), skip_mismatch, load_optimizer)
        plan.apply(model)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Reads a `.keras` archive back into a model (see module notes).

    >>> import os, tempfile
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> save_model(model, path)
    >>> load_model(path).count_params()
    3
    """
    with open_archive(filepath) as archive:
        config = read_config(archive, filepath)
        model = build_model(config, filepath, custom_objects, compile, safe_mode)
        load_weights_into(model, archive, filepath, load_optimizer=compile)
    return model
