"""Sequential and functional model configs in Keras 3's format (Keras 2's is read too).

What it owns: the order Keras gives a functional model's layers (its
`map_graph`: by depth from the inputs, ties broken by first visit from the
outputs) — used for the config's `layers` list, for `model.weights.h5` paths
and for matching optimizer slots; writing each layer with its `inbound_nodes`
(`{"args": [...], "kwargs": {...}}` with `__keras_tensor__` entries whose
`keras_history` is `[layer, node_index, tensor_index]`) and the model's
`input_layers` / `output_layers`; and rebuilding a model from either Keras 3's
node form or Keras 2's nested lists `[[layer, node, tensor, kwargs], ...]`.
"""
from __future__ import annotations

import jax

from neurx.layers.input_layer import InputLayer
from neurx.layers.layer import Layer
from neurx.saving import object_registry
from neurx.saving.deserialization import deserialize_keras_object
from neurx.saving.serialization import is_functional, is_sequential, serialize_keras_object
from neurx.symbolic import KerasTensor, is_symbolic


# --------------------------------------------------------------------------- layer order
def keras_graph(graph):
    """`(layers, node_ids)`: the layers in Keras's order and the ids of the graph's nodes.

    >>> import neurx
    >>> x = neurx.layers.Input(shape=(2,), name="x")
    >>> short = neurx.layers.Dense(1, name="short")(x)
    >>> long = neurx.layers.Dense(1, name="long")(neurx.layers.Dense(3, name="mid")(x))
    >>> model = neurx.Model(x, [short, long])
    >>> [layer.name for layer in keras_graph(model._graph)[0]]
    ['x', 'mid', 'short', 'long']
    """
    input_ids = {id(t) for t in graph.flat_inputs}
    finished, ordered, first_seen = set(), [], {}

    def visit(tensor):
        node = tensor.node
        if node is None or id(node) in finished:
            return
        is_input = isinstance(node.layer, InputLayer)
        if not is_input and id(tensor) in input_ids:
            finished.add(id(node))
            return
        first_seen.setdefault(id(node.layer), len(first_seen))
        if not is_input:
            for inbound in node.inbound:
                visit(inbound)
        finished.add(id(node))
        ordered.append(node)

    for tensor in graph.flat_outputs:
        visit(tensor)
    in_graph = {id(n) for n in ordered}
    node_depth, layer_depth, layers = {}, {}, {}
    for node in reversed(ordered):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        layers[id(node.layer)] = node.layer
        node_depth[id(node)] = depth
        for inbound in node.inbound:
            parent = inbound.node
            if parent is not None and id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    node_ids = set(in_graph)
    for tensor in graph.flat_inputs:
        layer = tensor.node.layer
        if id(layer) not in layer_depth:
            layer_depth[id(layer)], first_seen[id(layer)] = 0, -1
            layers[id(layer)] = layer
            node_ids.add(id(tensor.node))
    order = sorted(layers, key=lambda key: (-layer_depth[key], first_seen[key]))
    return [layers[key] for key in order], node_ids


def model_layers(model) -> list:
    """`model.layers` as Keras lists them (functional: Keras's order, op layers left out).

    >>> import neurx
    >>> x = neurx.layers.Input(shape=(2,), name="x")
    >>> short = neurx.layers.Dense(1, name="short")(x)
    >>> long = neurx.layers.Dense(1, name="long")(neurx.layers.Dense(3, name="mid")(x))
    >>> model = neurx.Model(x, [short, long])
    >>> [layer.name for layer in model_layers(model)]
    ['x', 'mid', 'short', 'long']
    """
    if is_functional(model):
        layers, _ = keras_graph(model._graph)
        return [layer for layer in layers if type(layer).__name__ != "OpLayer"]
    return list(model.layers)


def keras_weights(layer) -> list:
    """A layer's weights in Keras's order (models: their layers in Keras's order).

    >>> from neurx import layers
    >>> dense = layers.Dense(2)
    >>> dense.build((None, 3))
    >>> [v.name for v in keras_weights(dense)]
    ['kernel', 'bias']
    """
    if is_functional(layer) or is_sequential(layer):
        out, seen = [], set()
        for v in [v for v in layer._own_variables] + \
                [v for sub in model_layers(layer) for v in keras_weights(sub)]:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out
    return list(layer.weights)


# --------------------------------------------------------------------------- writing
def sequential_config(model) -> dict:
    """Keras 3's `Sequential.get_config()`.

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(2, input_shape=(3,))], name="tiny")
    >>> config = sequential_config(model)
    >>> [layer["class_name"] for layer in config["layers"]], config["build_input_shape"]
    (['InputLayer', 'Dense'], [None, 3])
    """
    layer_configs = []
    input_layer = model.input_layer
    if input_layer is not None:
        layer_configs.append(serialize_keras_object(input_layer))
    for layer in model.layers:
        config = serialize_keras_object(layer)
        if input_layer is not None:
            config["config"].pop("batch_input_shape", None)
        layer_configs.append(config)
    config = {"name": model.name, "trainable": model.trainable,
              "dtype": {"module": "keras", "class_name": "DTypePolicy",
                        "config": {"name": model.dtype}, "registered_name": None},
              "layers": layer_configs}
    if input_layer is not None:
        config["build_input_shape"] = list(input_layer.batch_shape)
    return config


def functional_config(model) -> dict:
    """Keras 3's `Functional.get_config()`: layers with their inbound nodes.

    >>> from neurx import Model, layers
    >>> x = layers.Input(shape=(3,), name="x")
    >>> model = Model(x, layers.Dense(2, name="out")(x))
    >>> config = functional_config(model)
    >>> config["layers"][1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"]
    ['x', 0, 0]
    >>> config["input_layers"], config["output_layers"]
    (['x', 0, 0], ['out', 0, 0])
    """
    graph = model._graph
    layers, node_ids = keras_graph(graph)
    layer_configs = []
    for layer in layers:
        config = serialize_keras_object(layer)
        config["name"] = layer.name
        config["inbound_nodes"] = [_node_config(node, node_ids) for node in layer._inbound_nodes
                                   if id(node) in node_ids and node.inbound]
        layer_configs.append(config)

    def history(tensor):
        layer = tensor.node.layer
        index = _kept_index(tensor.node, node_ids) + (1 if is_functional(layer) else 0)
        return [layer.name, index, tensor.index]

    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": _map_tensors(history, graph.inputs),
            "output_layers": _map_tensors(history, graph.outputs)}


def _map_tensors(fn, structure):
    return jax.tree_util.tree_map(fn, structure, is_leaf=is_symbolic)


def _kept_index(node, node_ids) -> int:
    """How many of the layer's nodes that belong to the model come before `node`."""
    kept = 0
    for candidate in node.layer._inbound_nodes:
        if candidate is node:
            return kept
        if id(candidate) in node_ids:
            kept += 1
    return kept


def _node_config(node, node_ids) -> dict:
    def convert(value):
        if isinstance(value, KerasTensor):
            return {"class_name": "__keras_tensor__", "config": {
                "shape": list(value.shape), "dtype": value.dtype,
                "keras_history": [value.node.layer.name, _kept_index(value.node, node_ids),
                                  value.index]}}
        if isinstance(value, (list, tuple)):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        return serialize_keras_object(value)
    return {"args": convert(list(node.args)), "kwargs": convert(dict(node.kwargs))}


# --------------------------------------------------------------------------- reading
def sequential_from_config(cls, config: dict, custom_objects=None):
    """A Sequential model from Keras 3's or Keras 2's config.

    >>> import neurx
    >>> model = neurx.Sequential([neurx.layers.Dense(2, input_shape=(3,))])
    >>> sequential_from_config(neurx.Sequential, model.get_config()).output_shape
    (None, 2)
    """
    layer_configs = config["layers"] if isinstance(config, dict) else config
    model = cls(name=config.get("name") if isinstance(config, dict) else None)
    for layer_config in layer_configs:
        layer = deserialize_layer(layer_config, custom_objects)
        model.add(layer)
    shape = config.get("build_input_shape") if isinstance(config, dict) else None
    if not model.built and shape is not None and model.layers:
        model.build(tuple(shape))
    if isinstance(config, dict) and config.get("trainable") is False:
        model.trainable = False
    return model


def deserialize_layer(layer_config: dict, custom_objects=None) -> Layer:
    """A layer from its entry in a model config (Keras 3 or Keras 2 form).

    >>> deserialize_layer({"class_name": "Dense", "config": {"units": 3}}).units
    3
    """
    layer_config = {k: v for k, v in layer_config.items() if k not in ("inbound_nodes",)}
    if "module" not in layer_config and "config" in layer_config:
        layer_config.setdefault("module", None)
    layer = deserialize_keras_object(layer_config, custom_objects, what="layer")
    if not isinstance(layer, Layer):
        raise ValueError(f"Expected a layer in the model config, got {type(layer).__name__} "
                         f"from {layer_config.get('class_name')!r}.")
    return layer


def functional_from_config(cls, config: dict, custom_objects=None):
    """A functional model from Keras 3's or Keras 2's config (nodes processed by depth).

    >>> import neurx
    >>> x = neurx.layers.Input(shape=(2,), name="x")
    >>> short = neurx.layers.Dense(1, name="short")(x)
    >>> long = neurx.layers.Dense(1, name="long")(neurx.layers.Dense(3, name="mid")(x))
    >>> model = neurx.Model(x, [short, long])
    >>> rebuilt = functional_from_config(neurx.Model, model.get_config())
    >>> rebuilt.output_names
    ['short', 'long']
    """
    created, pending = {}, []
    for layer_config in config["layers"]:
        layer = deserialize_layer(layer_config, custom_objects)
        name = layer_config.get("name") or layer_config["config"].get("name")
        created[name] = layer
        pending.append((layer, list(layer_config.get("inbound_nodes") or [])))
    while any(nodes for _, nodes in pending):
        progress = False
        for layer, nodes in pending:
            while nodes:
                try:
                    args, kwargs = _node_arguments(nodes[0], created)
                except IndexError:
                    break
                args = convert_getitem_args(layer, args)
                layer(*args, **_call_kwargs(layer, kwargs))
                nodes.pop(0)
                progress = True
        if not progress:
            waiting = [layer.name for layer, nodes in pending if nodes]
            raise ValueError("Invalid functional model config: the graph has a cycle or "
                             f"refers to missing layers. Layers that could not be connected: "
                             f"{waiting}.")

    def tensor(entry):
        name, node_index, tensor_index = entry[0], entry[1], entry[2]
        if name not in created:
            raise ValueError(f"The config's input/output names layer '{name}', which is not "
                             f"among the model's layers {list(created)}.")
        layer = created[name]
        if is_functional(layer) or _keras2_nested_model(layer, config):
            node_index = max(node_index - 1, 0)
        return layer._inbound_nodes[node_index].flat_outputs[tensor_index]

    inputs = _map_history(tensor, config["input_layers"])
    outputs = _map_history(tensor, config["output_layers"])
    model = cls(inputs=inputs, outputs=outputs, name=config.get("name"))
    if config.get("trainable") is False:
        model.trainable = False
    return model


def _keras2_nested_model(layer, config) -> bool:
    """Keras 2 counted a built-in node on every nested model (Sequential included)."""
    legacy = any(isinstance(node, list) for layer_config in config["layers"]
                 for node in (layer_config.get("inbound_nodes") or []))
    return legacy and is_sequential(layer)


def _map_history(fn, structure):
    if isinstance(structure, list) and len(structure) == 3 and isinstance(structure[0], str) \
            and isinstance(structure[1], int):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: _map_history(fn, v) for k, v in structure.items()}
    mapped = [_map_history(fn, v) for v in structure]
    return mapped[0] if len(mapped) == 1 else mapped


def _node_arguments(node_data, created):
    """`(args, kwargs)` for one call recorded in a config; IndexError while inputs are missing."""
    if isinstance(node_data, list):   # Keras 2: [[layer, node, tensor, kwargs], ...]
        tensors, kwargs = [], {}
        for entry in node_data:
            tensors.append(_history_tensor(entry[:3], created, legacy=True))
            if len(entry) > 3 and entry[3]:
                kwargs = dict(entry[3])
        return [tensors[0] if len(tensors) == 1 else tensors], kwargs

    def convert(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            return _history_tensor(value["config"]["keras_history"], created)
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dict) and not ("class_name" in value and "config" in value):
            return {k: convert(v) for k, v in value.items()}
        return deserialize_keras_object(value)
    args = convert(node_data.get("args", []))
    kwargs = convert(node_data.get("kwargs", {}))
    return list(args), dict(kwargs)


def _history_tensor(history, created, legacy=False):
    name, node_index, tensor_index = history
    if name not in created:
        raise ValueError(f"Invalid functional model config: a node refers to layer '{name}', "
                         f"which is not in the config. Layers: {list(created)}.")
    layer = created[name]
    if legacy and (is_functional(layer) or is_sequential(layer)):
        node_index = max(node_index - 1, 0)
    nodes = layer._inbound_nodes
    if node_index >= len(nodes):
        raise IndexError(f"node {node_index} of layer '{name}' is not created yet")
    return nodes[node_index].flat_outputs[tensor_index]


def _call_kwargs(layer, kwargs: dict) -> dict:
    """The recorded call keywords the layer accepts (Keras writes `mask: None`, ...)."""
    params = layer._call_signature.parameters
    open_ended = any(p.kind == p.VAR_KEYWORD for p in params.values())
    out = {}
    for key, value in kwargs.items():
        if value is None and key in ("mask", "training", "initial_state", "constants"):
            continue
        if key in params or open_ended:
            out[key] = value
    if type(layer).__name__ == "OpLayer":
        out = {}
    return out


def convert_getitem_args(layer, args):
    """`x[:, :2]`: Keras stores the index tuple as a list; indexing needs a tuple.

    >>> from neurx.layers import OpLayer
    >>> convert_getitem_args(OpLayer("getitem"), ["x", [slice(None), 0]])
    ['x', (slice(None, None, None), 0)]
    """
    if type(layer).__name__ == "OpLayer" and layer.op_name == "getitem" and len(args) == 2 \
            and isinstance(args[1], list):
        return [args[0], tuple(args[1])]
    return args


def public_model_class(name: str):
    """neurx's `Sequential` / `Model` classes, found through the registry.

    >>> public_model_class("Sequential").__name__
    'Sequential'
    """
    return object_registry.public_object(name, "keras")
