"""The Keras records of a SavedModel folder: what each saved object is, by node path.

What it owns: `(node path, identifier, record)` for the model and each of its layers.
tf.keras 2.5+ writes them to `keras_metadata.pb` (a `SavedMetadata`: node path such as
`root.layer_with_weights-0`, identifier such as `_tf_keras_layer`, and a JSON record;
the root's has the model's `class_name`, `config` and `training_config`). TensorFlow
2.0-2.4 kept the same records in `saved_model.pb`, as the `user_object` of each node
of the SavedObjectGraph; there the paths are found by walking the graph from the
root, breadth first, as TensorFlow named them. tf.keras spells tuples and
TensorShapes in the JSON as `{"class_name": "__tuple__", "items": [...]}`; they are
read back as lists, as an `.h5` file's config has them.

Example:
>>> layer_paths([("root", "_tf_keras_sequential", {"name": "m"}),
...              ("root.layer_with_weights-0", "_tf_keras_layer", {"name": "dense"})])
{'root': {'dense': 'root.layer_with_weights-0'}}
"""
from __future__ import annotations

import json
import os

from neurx.saving.savedmodel.protos import parse

SAVED_MODEL = "saved_model.pb"
METADATA = "keras_metadata.pb"
_LAYER_IDENTIFIERS = ("_tf_keras_layer", "_tf_keras_rnn_layer", "_tf_keras_network",
                      "_tf_keras_sequential", "_tf_keras_model")


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


def _record(text: str, source: str) -> dict:
    try:
        return plain_json(json.loads(text))
    except json.JSONDecodeError as error:
        raise ValueError(f"'{source}' is corrupted: a Keras object's JSON record does not "
                         f"parse ({error}).") from None


def _from_saved_model(folder: str) -> list[tuple[str, str, dict]]:
    """The records TensorFlow 2.0-2.4 kept in `saved_model.pb` (none in later versions)."""
    path = os.path.join(folder, SAVED_MODEL)
    with open(path, "rb") as f:
        saved = parse("SavedModel", f.read(), path)
    if not saved.meta_graphs:
        return []
    nodes = saved.meta_graphs[0].object_graph_def.nodes
    paths, queue = {0: "root"} if nodes else {}, [0] if nodes else []
    for node in queue:
        for reference in nodes[node].children:
            if reference.node_id not in paths:
                paths[reference.node_id] = f"{paths[node]}.{reference.local_name}"
                queue.append(reference.node_id)
    return [(paths[i], node.user_object.identifier, _record(node.user_object.metadata, path))
            for i, node in enumerate(nodes)
            if i in paths and node.user_object.identifier.startswith("_tf_keras_")
            and node.user_object.metadata]


def read_metadata(folder: str) -> list[tuple[str, str, dict]]:
    """`(node path, identifier, record)` for each Keras object saved in `folder`.

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> open(os.path.join(folder, SAVED_MODEL), "wb").close()
    >>> read_metadata(folder)
    Traceback (most recent call last):
    ...
    ValueError: Cannot load '...': it is a TensorFlow SavedModel without Keras metadata ...
    """
    path = os.path.join(folder, METADATA)
    if os.path.isfile(path):
        with open(path, "rb") as f:
            nodes = parse("SavedMetadata", f.read(), path).nodes
        return [(node.node_path, node.identifier,
                 _record(node.metadata, path) if node.metadata else {}) for node in nodes]
    records = _from_saved_model(folder)
    if not records:
        raise ValueError(
            f"Cannot load '{folder}': it is a TensorFlow SavedModel without Keras metadata "
            f"(no {METADATA}, and no Keras records in {SAVED_MODEL}), as "
            "tf.saved_model.save() writes for a tf.Module or Keras 3's model.export() does; "
            "neurx rebuilds only models saved by tf.keras 2's model.save('name') (or a copy "
            f"of such a folder that lost its {METADATA}). Load it in TensorFlow and re-save "
            "the Keras model as 'model.keras' or 'model.h5'.")
    return records


def layer_paths(metadata: list) -> dict[str, dict[str, str]]:
    """`{parent path: {layer name: node path}}` for the layers in the metadata.

    >>> layer_paths([("root.layer_with_weights-0.cell", "_tf_keras_layer",
    ...               {"name": "lstm_cell"})])
    {'root.layer_with_weights-0': {'lstm_cell': 'root.layer_with_weights-0.cell'}}
    """
    paths: dict = {}
    for path, identifier, record in metadata:
        if identifier in _LAYER_IDENTIFIERS and "." in path and "name" in record:
            parent = path.rsplit(".", 1)[0]
            paths.setdefault(parent, {})[record["name"]] = path
    return paths
