"""The model's layer DAG as a TensorFlow `GraphDef`, the format TensorBoard's Graphs tab draws.

What this module owns: one `NodeDef` per layer (nested Functional and
Sequential models expanded, their layers named `outer/inner/layer` so the
Graphs tab shows each nested model as a box that opens), the arrows as node
inputs (`producer` or `producer:k` for output k), and the attributes the
node's info card shows: `keras_class`, `dtype`, `_output_shapes` (drawn on the
arrows) and the layer's simple config values. TensorBoard reads the graph
from an `Event.graph_def` record; this is what its `/data/plugin/graphs/graph`
route returns.
"""
from __future__ import annotations

import re

import jax
import numpy as np

from neurx.tensorboard._deps import tensorboard_module
from neurx.visualization.layer_graph import layer_dag

_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.\-]")
_SIMPLE = (str, int, float, bool)


def _node_name(scope: tuple, name: str) -> str:
    parts = [_NAME_CHARS.sub("_", part) or "_" for part in scope + (name,)]
    if parts[0][0] in "_-":  # TF node names start with a letter, digit or '.'
        parts[0] = "." + parts[0] if parts[0][0] == "_" else "x" + parts[0]
    return "/".join(parts)


def _dtype_enum(dtype) -> int | None:
    types_pb2 = tensorboard_module("compat.proto.types_pb2")
    name = "DT_" + {"bool": "BOOL", "bfloat16": "BFLOAT16"}.get(str(dtype), str(dtype).upper())
    return getattr(types_pb2, name, None)


def _output_tensors(layer) -> list:
    try:
        output = layer.output
    except (AttributeError, ValueError):
        return []
    return jax.tree_util.tree_leaves(output, is_leaf=lambda t: hasattr(t, "shape"))


def _set_attributes(node_def, layer) -> None:
    attr_pb2 = tensorboard_module("compat.proto.attr_value_pb2")
    shape_pb2 = tensorboard_module("compat.proto.tensor_shape_pb2")
    node_def.attr["keras_class"].s = type(layer).__name__.encode()
    outputs = _output_tensors(layer)
    if outputs:
        enum = _dtype_enum(outputs[0].dtype)
        if enum is not None:
            node_def.attr["dtype"].type = enum
        shapes = [shape_pb2.TensorShapeProto(dim=[
            shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else int(d))
            for d in tensor.shape]) for tensor in outputs]
        node_def.attr["_output_shapes"].CopyFrom(
            attr_pb2.AttrValue(list=attr_pb2.AttrValue.ListValue(shape=shapes)))
    if getattr(layer, "built", False) and getattr(layer, "weights", None):
        node_def.attr["parameters"].i = int(sum(np.prod(w.shape) for w in layer.weights))
    try:
        config = layer.get_config()
    except (NotImplementedError, TypeError, AttributeError):
        config = {}
    for key, value in config.items():
        if key in ("name", "dtype") or not isinstance(value, _SIMPLE):
            continue
        node_def.attr[key].s = str(value).encode()


def model_graph_def(model):
    """A `GraphDef` with one node per layer of `model` and its layer-to-layer edges.

    Example:

    >>> from neurx import Sequential, backend, layers
    >>> backend.clear_session()
    >>> model = Sequential([layers.Dense(3, input_shape=(2,), name="hidden"),
    ...                     layers.Dense(1, name="out")])
    >>> graph = model_graph_def(model)
    >>> [(n.name, n.op, list(n.input)) for n in graph.node][1:]
    [('hidden', 'Dense', ['input_layer']), ('out', 'Dense', ['hidden'])]
    """
    graph_pb2 = tensorboard_module("compat.proto.graph_pb2")
    dag = layer_dag(model, expand_nested=True, sequential_input=True)
    names = {node.key: _node_name(node.scope, node.layer.name) for node in dag.nodes}
    graph = graph_pb2.GraphDef()
    definitions = {}
    for node in dag.nodes:
        node_def = graph.node.add(name=names[node.key], op=type(node.layer).__name__)
        _set_attributes(node_def, node.layer)
        definitions[node.key] = node_def
    for edge in dag.edges:
        source = names[edge.source] + (f":{edge.output_index}" if edge.output_index else "")
        definitions[edge.target].input.append(source)
    return graph
