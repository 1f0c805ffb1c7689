"""Embedding Projector files that TensorBoard reads without TensorFlow.

Keras writes a `projector_config.pbtxt` naming a TensorFlow checkpoint variable;
TensorBoard can only open such checkpoints when TensorFlow is installed. Its
projector plugin also reads an embedding from a plain TSV file named by the
config's `tensor_path`, which needs nothing else, so that is what is written
here. The plugin looks for `projector_config.pbtxt` in each run folder and
only accepts files inside the folder of the config, so everything goes in the
training run folder (`<log_dir>/train/`): it is found both when TensorBoard's
`--logdir` is `log_dir` and when it is a root holding many runs.

What this module owns: finding the embedding layers (layers with an
`embeddings` weight of rank 2, nested models included), resolving
`embeddings_metadata`, and writing the TSV tensors, metadata copies and the
config.
"""
from __future__ import annotations

import os
import re
import shutil

import numpy as np

from neurx.support.folders import make_folders
from neurx.tensorboard._deps import tensorboard_module

CONFIG_FILENAME = "projector_config.pbtxt"


def embedding_layers(model) -> list:
    """The layers of `model` (nested ones included) with a 2-D `embeddings` weight.

    >>> embedding_layers(object())
    []
    """
    found, stack = [], list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop(0)
        embeddings = getattr(layer, "embeddings", None)
        if embeddings is not None and len(getattr(embeddings, "shape", ())) == 2:
            found.append(layer)
        stack.extend(getattr(layer, "layers", []) if hasattr(layer, "layers") else [])
    return found


def resolve_metadata(layers, embeddings_metadata) -> dict:
    """Maps layer names to metadata files from Keras's `embeddings_metadata` argument.

    A string applies to every embedding layer; a dict maps layer names to files
    and must name existing embedding layers.

    >>> resolve_metadata([], None)
    {}
    """
    names = [layer.name for layer in layers]
    if embeddings_metadata is None:
        return {}
    if isinstance(embeddings_metadata, (str, os.PathLike)):
        return {name: os.fspath(embeddings_metadata) for name in names}
    if not isinstance(embeddings_metadata, dict):
        raise TypeError("`embeddings_metadata` must be a file name or a dict mapping embedding "
                        "layer names to file names. Received: "
                        f"embeddings_metadata={embeddings_metadata!r}")
    unknown = [key for key in embeddings_metadata if key not in names]
    if unknown:
        raise ValueError("Unrecognized `Embedding` layer names passed to "
                         "`keras.callbacks.TensorBoard` `embeddings_metadata` argument: "
                         f"{unknown}. The model's embedding layers are {names}.")
    return {key: os.fspath(value) for key, value in embeddings_metadata.items()}


def _file_stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def write_projector_files(folder: str, layers, metadata: dict) -> str:
    """Writes each layer's embeddings as TSV plus the config into `folder`; returns the
    config's path. Metadata files are copied next to the config (the plugin
    refuses files outside its folder).

    Example:

    >>> import tempfile, types
    >>> layer = types.SimpleNamespace(name="emb", embeddings=np.eye(2, dtype="float32"))
    >>> path = write_projector_files(tempfile.mkdtemp(), [layer], {})
    >>> with open(path) as file:
    ...     print(file.read().strip())
    embeddings {
      tensor_name: "emb/embeddings"
      tensor_shape: 2
      tensor_shape: 2
      tensor_path: "keras_embedding_emb.tsv"
    }
    """
    config_pb2 = tensorboard_module("plugins.projector.projector_config_pb2")
    from google.protobuf import text_format  # installed with tensorboard (checked above)

    make_folders(folder)
    config = config_pb2.ProjectorConfig()
    for layer in layers:
        stem = _file_stem(layer.name)
        values = np.asarray(getattr(layer.embeddings, "value", layer.embeddings), "float32")
        tensor_file = f"keras_embedding_{stem}.tsv"
        np.savetxt(os.path.join(folder, tensor_file), values, delimiter="\t", fmt="%.8g")
        embedding = config.embeddings.add()
        embedding.tensor_name = f"{layer.name}/embeddings"
        embedding.tensor_shape.extend(values.shape)
        embedding.tensor_path = tensor_file
        source = metadata.get(layer.name)
        if source is not None:
            if not os.path.isfile(source):
                raise FileNotFoundError(
                    f"The metadata file {source!r} given in `embeddings_metadata` for layer "
                    f"'{layer.name}' does not exist. Give one label per line (one line per "
                    "embedding row), or a TSV with a header row.")
            copy = f"keras_embedding_{stem}_metadata.tsv"
            shutil.copyfile(source, os.path.join(folder, copy))
            embedding.metadata_path = copy
    path = os.path.join(folder, CONFIG_FILENAME)
    with open(path, "w", encoding="utf-8") as file:
        file.write(text_format.MessageToString(config))
    return path
