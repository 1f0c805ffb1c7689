"""`load_model("my_keras_model")` for a SavedModel folder written by tf.keras 2.

What it owns: the folder as a whole. `keras_metadata.pb` (a `SavedMetadata`) holds,
for the model and each of its layers, its node path (`root`,
`root.layer_with_weights-0`, ...), an identifier (`_tf_keras_layer`,
`_tf_keras_network`, ...) and a JSON record; the root's record has the model's
`class_name`, `config` and `training_config`, the same dicts tf.keras 2 writes into
an `.h5` file (tuples spelled `{"class_name": "__tuple__", "items": [...]}`). The
model is rebuilt from that config by neurx's Keras 2 config reader, compiled from
the training config, and given the checkpoint's weights and optimizer state (see
`checkpoint`). `saved_model.pb` (TensorFlow's graph and functions) is not read:
the model runs as neurx code. Every file is read and checked before the model is
returned.

Example:
>>> import tempfile
>>> is_saved_model(tempfile.mkdtemp())
False
"""
from __future__ import annotations

import json
import os
import warnings

from neurx.saving import keras_layout, safety
from neurx.saving.compile_config import compile_from_config
from neurx.saving.keras_zip import build_model
from neurx.saving.savedmodel.bundle import BundleReader
from neurx.saving.savedmodel.checkpoint import Checkpoint, optimizer_values, weight_plan
from neurx.saving.savedmodel.protos import parse

SAVED_MODEL = "saved_model.pb"
METADATA = "keras_metadata.pb"
_LAYER_IDENTIFIERS = ("_tf_keras_layer", "_tf_keras_rnn_layer", "_tf_keras_network",
                      "_tf_keras_sequential", "_tf_keras_model")


def is_saved_model(path) -> bool:
    """Whether `path` is a TensorFlow SavedModel folder (it has `saved_model.pb`).

    >>> is_saved_model("/no/such/folder")
    False
    """
    return os.path.isfile(os.path.join(path, SAVED_MODEL))


def plain_json(value):
    """tf.keras's JSON record with its tuples and TensorShapes as plain lists.

    >>> plain_json({"shape": {"class_name": "__tuple__", "items": [None, 3]}})
    {'shape': [None, 3]}
    """
    if isinstance(value, dict):
        if value.get("class_name") in ("__tuple__", "TensorShape") and "items" in value:
            return [plain_json(item) for item in value["items"]]
        return {key: plain_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_json(item) for item in value]
    return value


def read_metadata(folder: str) -> list[tuple[str, str, dict]]:
    """`(node path, identifier, record)` for each object in `keras_metadata.pb`.

    >>> import tempfile
    >>> read_metadata(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    ValueError: Cannot load '...': it is a TensorFlow SavedModel without Keras metadata ...
    """
    path = os.path.join(folder, METADATA)
    if not os.path.isfile(path):
        raise ValueError(
            f"Cannot load '{folder}': it is a TensorFlow SavedModel without Keras metadata "
            f"(no {METADATA}), as tf.saved_model.save() writes for a tf.Module or a Keras 3 "
            "model.export(); neurx rebuilds only models saved by tf.keras 2's "
            "model.save('name'). Load it in TensorFlow and re-save the Keras model as "
            "'model.keras' or 'model.h5'.")
    with open(path, "rb") as f:
        raw = f.read()
    nodes = parse("SavedMetadata", raw, path).nodes
    try:
        return [(node.node_path, node.identifier,
                 plain_json(json.loads(node.metadata)) if node.metadata else {})
                for node in nodes]
    except json.JSONDecodeError as error:
        raise ValueError(f"'{path}' is corrupted: a layer's JSON record does not parse "
                         f"({error}).") from None


def layer_paths(metadata: list) -> dict[str, dict[str, str]]:
    """`{parent path: {layer name: node path}}` for the layers in the metadata.

    >>> layer_paths([("root", "_tf_keras_sequential", {"name": "m"}),
    ...              ("root.layer_with_weights-0", "_tf_keras_layer", {"name": "dense"})])
    {'root': {'dense': 'root.layer_with_weights-0'}}
    """
    paths: dict = {}
    for path, identifier, record in metadata:
        if identifier in _LAYER_IDENTIFIERS and "." in path and "name" in record:
            parent = path.rsplit(".", 1)[0]
            paths.setdefault(parent, {})[record["name"]] = path
    return paths


def _model_config(folder: str, metadata: list) -> dict:
    root = next((record for path, _, record in metadata if path == "root"), None)
    if root is None or "class_name" not in root:
        raise ValueError(f"Cannot load '{folder}': {METADATA} has no record for the model "
                         "itself (node 'root'); the folder is incomplete.")
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
    ValueError: Cannot load '...': it is a TensorFlow SavedModel without Keras metadata (no keras_metadata.pb), as tf.saved_model.save() writes for a tf.Module or a Keras 3 model.export(); neurx rebuilds only models saved by tf.keras 2's model.save('name'). Load it in TensorFlow and re-save the Keras model as 'model.keras' or 'model.h5'.
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
