"""`load_model("my_keras_model")` for a SavedModel folder written by tf.keras 2.

What it owns: the folder as a whole. The Keras records (see `metadata`) give the
model's `class_name`, `config` and `training_config`, the same dicts tf.keras 2
writes into an `.h5` file. The model is rebuilt from that config by neurx's Keras 2
config reader, compiled from the training config, and given the checkpoint's
weights and optimizer state (see `checkpoint`). TensorFlow's graph and functions in
`saved_model.pb` are not used: the model runs as neurx code. Every file is read and
checked before the model is returned.

Example:
>>> import tempfile
>>> is_saved_model(tempfile.mkdtemp())
False
"""
from __future__ import annotations

import os
import warnings

from neurx.saving import keras_layout, safety
from neurx.saving.compile_config import compile_from_config
from neurx.saving.keras_zip import build_model
from neurx.saving.savedmodel.bundle import BundleReader
from neurx.saving.savedmodel.checkpoint import Checkpoint, optimizer_values, weight_plan
from neurx.saving.savedmodel.metadata import METADATA, SAVED_MODEL, layer_paths, read_metadata


def is_saved_model(path) -> bool:
    """Whether `path` is a TensorFlow SavedModel folder (it has `saved_model.pb`).

    >>> is_saved_model("/no/such/folder")
    False
    """
    return os.path.isfile(os.path.join(path, SAVED_MODEL))


def _model_config(folder: str, metadata: list) -> dict:
    root = next((record for path, _, record in metadata if path == "root"), None)
    if root is None or "class_name" not in root:
        raise ValueError(f"Cannot load '{folder}': its Keras metadata ({METADATA}) has no "
                         "record for the model itself (node 'root'); the folder is incomplete.")
    if not isinstance(root.get("config"), dict):
        raise ValueError(
            f"Cannot load '{folder}': the model (class {root['class_name']}) is a subclassed "
            "model whose get_config() tf.keras could not save, so there is no config to "
            "rebuild it from. Rebuild the model in code and load weights saved in TensorFlow "
            "with model.save_weights('model.weights.h5').")
    return root


def load_model(folder, custom_objects=None, compile: bool = True, safe_mode: bool = True):
    """Rebuilds the Keras model in a tf.keras 2 SavedModel folder, weights and optimizer included.

    See the module docstring for the format; errors name the folder and what is wrong
    or missing, and nothing is returned half-loaded. Here, a folder with `saved_model.pb`
    but no Keras metadata (as `tf.saved_model.save(module)` writes):

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> open(os.path.join(folder, SAVED_MODEL), "wb").close()
    >>> load_model(folder)
    Traceback (most recent call last):
    ...
    ValueError: Cannot load '...': it is a TensorFlow SavedModel without Keras metadata (no keras_metadata.pb, and no Keras records in saved_model.pb), ...
    """
    folder = os.fspath(folder)
    metadata = read_metadata(folder)
    root = _model_config(folder, metadata)
    checkpoint = Checkpoint(BundleReader(os.path.join(folder, "variables", "variables")))
    config = {"class_name": root["class_name"], "config": root["config"]}
    model = build_model(config, folder, custom_objects, compile=False, safe_mode=safe_mode)
    plan = weight_plan(model, checkpoint, layer_paths(metadata), folder)
    optimizer_state = None
    training = root.get("training_config")
    if compile and isinstance(training, dict):
        safety.check_config(training, folder, safe_mode)
        compile_from_config(model, training, custom_objects, safe_mode)
        keras_layout.build_optimizer_for(model)
        optimizer_state = optimizer_values(model, checkpoint, plan)
        if optimizer_state is not None and \
                len(optimizer_state) != len(model.optimizer.variables):
            warnings.warn(f"Skipping the optimizer state in '{folder}': optimizer "
                          f"'{model.optimizer.name}' has {len(model.optimizer.variables)} "
                          f"variables but the checkpoint fits {len(optimizer_state)}. Training "
                          "restarts the optimizer's state.", stacklevel=2)
            optimizer_state = None
    for variable, array, _ in plan:
        variable.assign(array)
    if optimizer_state is not None:
        keras_layout.set_optimizer_values(model.optimizer, model, optimizer_state)
    return model
