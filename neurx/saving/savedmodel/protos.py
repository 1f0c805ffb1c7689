"""The protobuf messages of a TF2 SavedModel folder, built at import from a descriptor.

What it owns: the message classes neurx reads, made with the real protobuf
implementation (`descriptor_pb2` + `message_factory`) in a private descriptor pool,
so nothing clashes with TensorFlow's or TensorBoard's own copies when those are
imported too. Only protobuf is needed (the `savedmodel` extra), not TensorBoard.

Where the definitions come from (field names, numbers and types, nothing else):
- `SavedMetadata`, `SavedObject`, `VersionDef`: tf-keras's
  `tf_keras/protobuf/saved_metadata.proto` and `versions.proto` (`keras_metadata.pb`).
- `BundleHeaderProto`, `BundleEntryProto`: TensorFlow's
  `tensorflow/core/protobuf/tensor_bundle.proto` (`variables/variables.index`).
- `TensorShapeProto` (+ `Dim`): `tensorflow/core/framework/tensor_shape.proto`.
- `TrackableObjectGraph` (+ `TrackableObject`, `ObjectReference`, `SerializedTensor`,
  `SlotVariableReference`): `tensorflow/core/protobuf/trackable_object_graph.proto`.
- `SavedModel`, `MetaGraphDef`: `tensorflow/core/protobuf/saved_model.proto` and
  `meta_graph.proto`; `SavedObjectGraph`, `SavedUserObject` and `SavedGraphObject` (TF's
  `SavedObject`, renamed here beside Keras's): `saved_object_graph.proto`
  (`saved_model.pb`, read for the Keras records of TF 2.0-2.4 folders).

Enums (`DataType`, `Endianness`) are declared as `int32`, their wire type; a
`TensorSliceProto` (partitioned variables, which Keras models do not write) is kept
as raw bytes, enough to notice one. Fields neurx does not read are left out; the
parser keeps them as unknown fields.

Example:
>>> graph = message("TrackableObjectGraph")()
>>> node = graph.nodes.add()
>>> node.children.add(node_id=1, local_name="layer_with_weights-0")
node_id: 1
local_name: "layer_with_weights-0"
<BLANKLINE>
>>> message("TrackableObjectGraph").FromString(graph.SerializeToString()) == graph
True
"""
from __future__ import annotations

import functools

PACKAGE = "neurx_savedmodel"

# name -> [(field, number, type, repeated)]; a type that is not a scalar names a message.
_SCALARS = ("int32", "int64", "string", "bytes", "bool", "fixed32")
_MESSAGES = {
    "VersionDef": [("producer", 1, "int32", False), ("min_consumer", 2, "int32", False),
                   ("bad_consumers", 3, "int32", True)],
    "SavedObject": [("node_id", 2, "int32", False), ("node_path", 3, "string", False),
                    ("identifier", 4, "string", False), ("metadata", 5, "string", False),
                    ("version", 6, "VersionDef", False)],
    "SavedMetadata": [("nodes", 1, "SavedObject", True)],
    "Dim": [("size", 1, "int64", False), ("name", 2, "string", False)],
    "TensorShapeProto": [("dim", 2, "Dim", True), ("unknown_rank", 3, "bool", False)],
    "BundleHeaderProto": [("num_shards", 1, "int32", False), ("endianness", 2, "int32", False),
                          ("version", 3, "VersionDef", False)],
    "BundleEntryProto": [("dtype", 1, "int32", False), ("shape", 2, "TensorShapeProto", False),
                         ("shard_id", 3, "int32", False), ("offset", 4, "int64", False),
                         ("size", 5, "int64", False), ("crc32c", 6, "fixed32", False),
                         ("slices", 7, "bytes", True)],
    "ObjectReference": [("node_id", 1, "int32", False), ("local_name", 2, "string", False)],
    "SerializedTensor": [("name", 1, "string", False), ("full_name", 2, "string", False),
                         ("checkpoint_key", 3, "string", False)],
    "SlotVariableReference": [("original_variable_node_id", 1, "int32", False),
                              ("slot_name", 2, "string", False),
                              ("slot_variable_node_id", 3, "int32", False)],
    "TrackableObject": [("children", 1, "ObjectReference", True),
                        ("attributes", 2, "SerializedTensor", True),
                        ("slot_variables", 3, "SlotVariableReference", True)],
    "TrackableObjectGraph": [("nodes", 1, "TrackableObject", True)],
    "SavedUserObject": [("identifier", 1, "string", False), ("version", 2, "VersionDef", False),
                        ("metadata", 3, "string", False)],
    "SavedGraphObject": [("children", 1, "ObjectReference", True),
                         ("user_object", 4, "SavedUserObject", False)],
    "SavedObjectGraph": [("nodes", 1, "SavedGraphObject", True)],
    "MetaGraphDef": [("object_graph_def", 7, "SavedObjectGraph", False)],
    "SavedModel": [("saved_model_schema_version", 1, "int64", False),
                   ("meta_graphs", 2, "MetaGraphDef", True)],
}


def import_protobuf():
    """protobuf's `(descriptor_pb2, descriptor_pool, message_factory)`, or a clear ImportError.

    >>> import_protobuf()[2].__name__
    'google.protobuf.message_factory'
    """
    try:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    except ImportError:
        raise ImportError(
            "Loading a TensorFlow SavedModel folder needs the 'protobuf' package, which is "
            "not installed. Install it with: pip install 'neurx[savedmodel]' (or pip install "
            "protobuf).") from None
    if not hasattr(message_factory, "GetMessageClass"):
        raise ImportError("Loading a TensorFlow SavedModel folder needs protobuf>=4.25; "
                          "upgrade it with: pip install -U 'neurx[savedmodel]'.")
    return descriptor_pb2, descriptor_pool, message_factory


@functools.cache
def _pool():
    descriptor_pb2, descriptor_pool, _ = import_protobuf()
    field = descriptor_pb2.FieldDescriptorProto
    types = {name: getattr(field, f"TYPE_{name.upper()}") for name in _SCALARS}
    file = descriptor_pb2.FileDescriptorProto(name="neurx_savedmodel.proto", package=PACKAGE,
                                              syntax="proto3")
    for name, fields in _MESSAGES.items():
        proto = file.message_type.add(name=name)
        for field_name, number, kind, repeated in fields:
            entry = proto.field.add(name=field_name, number=number,
                                    label=field.LABEL_REPEATED if repeated
                                    else field.LABEL_OPTIONAL)
            if kind in types:
                entry.type = types[kind]
            else:
                entry.type = field.TYPE_MESSAGE
                entry.type_name = f".{PACKAGE}.{kind}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return pool


@functools.cache
def message(name: str) -> type:
    """The message class `name` (one of the SavedModel messages listed above).

    >>> entry = message("BundleEntryProto")(dtype=1, offset=8, size=16)
    >>> entry.shape.dim.add(size=4).size
    4
    """
    if name not in _MESSAGES:
        raise KeyError(f"No SavedModel message named {name!r}; known: {sorted(_MESSAGES)}.")
    _, _, message_factory = import_protobuf()
    return message_factory.GetMessageClass(_pool().FindMessageTypeByName(f"{PACKAGE}.{name}"))


def parse(name: str, raw: bytes, source: str):
    """`raw` parsed as the message `name`; a ValueError naming `source` if it is not one.

    >>> parse("VersionDef", b"\\x08\\x02", "keras_metadata.pb").producer
    2
    >>> parse("VersionDef", b"\\xff", "keras_metadata.pb")
    Traceback (most recent call last):
    ...
    ValueError: 'keras_metadata.pb' is corrupted: it does not parse as a VersionDef (...).
    """
    message_class = message(name)
    from google.protobuf.message import DecodeError
    try:
        return message_class.FromString(raw)
    except DecodeError as error:
        raise ValueError(f"'{source}' is corrupted: it does not parse as a {name} "
                         f"({error}).") from None
