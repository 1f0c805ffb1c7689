"""The layer DAG of a model, as drawing tools see it: boxes, arrows and nested clusters.

What this module owns: which boxes and arrows a model has (the rules of Keras's
`plot_model`: a Sequential model shows its layers without the input box, a
functional model shows its `InputLayer`s, a subclassed model is one box, and
with `expand_nested` a nested Functional or Sequential model becomes a cluster
whose boxes the outer arrows reach), and the text of each box
(`LayerLabel`). `plot_model` (Graphviz or the matplotlib fallback) and the
TensorBoard graph writer both draw from a `LayerDag`; this module draws nothing.

Models are recognised by what they hold (a `_graph`, a `layers` list) rather
than by importing `neurx.models`, which sits above `neurx.utils`.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import jax


@dataclasses.dataclass
class DagNode:
    """One box: a layer, inside the clusters named by `scope` (outermost first)."""
    key: str
    layer: Any
    scope: tuple = ()


@dataclasses.dataclass(frozen=True)
class DagEdge:
    """An arrow from output `output_index` of box `source` to box `target`."""
    source: str
    target: str
    output_index: int = 0


@dataclasses.dataclass
class LayerDag:
    """The boxes (in model order), arrows and clusters of a model.

    Example:

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(3, input_shape=(2,), name="hidden"),
    ...                     layers.Dense(1, name="out")])
    >>> dag = layer_dag(model)
    >>> [n.layer.name for n in dag.nodes], len(dag.edges)
    (['hidden', 'out'], 1)
    """
    nodes: list
    edges: list
    clusters: list  # (scope tuple, model) for every expanded nested model, outer first

    def node(self, key: str) -> DagNode:
        return next(n for n in self.nodes if n.key == key)


def is_sequential(model) -> bool:
    """Whether `model` is a `Sequential` (or subclass)."""
    return any(k.__name__ == "Sequential" for k in type(model).__mro__)


def is_graph_model(layer) -> bool:
    """Whether `layer` is a Functional or Sequential model (it has a layer graph to show)."""
    if is_sequential(layer):
        return True
    return getattr(layer, "_graph", None) is not None and hasattr(layer, "layers")


def key_of(layer) -> str:
    return str(id(layer))


def layer_dag(model, expand_nested: bool = False, sequential_input: bool = False) -> LayerDag:
    """The boxes and arrows of `model` (see the module docstring for the rules).

    `sequential_input=True` also shows a Sequential model's input box (the
    TensorBoard graph does, so the graph starts at its input).
    """
    dag = LayerDag([], [], [])
    if not is_graph_model(model):
        dag.nodes.append(DagNode(key_of(model), model))
        return dag
    _add_model(dag, model, (), expand_nested, sequential_input)
    seen, edges = set(), []
    for edge in dag.edges:
        if (edge.source, edge.target) not in seen:
            seen.add((edge.source, edge.target))
            edges.append(edge)
    dag.edges = edges
    return dag


def _model_layers(model, sequential_input: bool) -> list:
    if is_sequential(model):
        layers = list(model.layers)
        graph = getattr(model, "_graph", None)
        if sequential_input and graph is not None:
            layers = [graph.flat_inputs[0].node.layer] + layers
        return layers
    return list(model._graph.layers)


def _add_model(dag: LayerDag, model, scope: tuple, expand: bool, sequential_input: bool):
    layers = _model_layers(model, sequential_input and not scope)
    for layer in layers:
        if expand and is_graph_model(layer):
            dag.clusters.append((scope + (layer.name,), layer))
            _add_model(dag, layer, scope + (layer.name,), expand, sequential_input)
        else:
            dag.nodes.append(DagNode(key_of(layer), layer, scope))
    if is_sequential(model):
        for before, after in zip(layers, layers[1:]):
            source, index = _resolve_source(before, 0, expand)
            dag.edges.append(DagEdge(key_of(source), key_of(_resolve_target(after, 0, expand)),
                                     index))
        return
    for node in model._graph.nodes:
        for input_index, tensor in enumerate(node.inbound):
            if tensor.node is None:
                continue
            source, index = _resolve_source(tensor.node.layer, tensor.index, expand)
            target = _resolve_target(node.layer, input_index, expand)
            dag.edges.append(DagEdge(key_of(source), key_of(target), index))


def _resolve_source(layer, index: int, expand: bool):
    """The box that produces output `index` of `layer` (inside it, when it is expanded)."""
    while expand and is_graph_model(layer):
        if is_sequential(layer):
            layer, index = layer.layers[-1], 0
        else:
            tensor = layer._graph.flat_outputs[index]
            layer, index = tensor.node.layer, tensor.index
    return layer, index


def _resolve_target(layer, input_index: int, expand: bool):
    """The box that receives input `input_index` of `layer` (inside it, when expanded)."""
    while expand and is_graph_model(layer):
        if is_sequential(layer):
            layer, input_index = layer.layers[0], 0
        else:
            inputs = layer._graph.flat_inputs
            layer = inputs[min(input_index, len(inputs) - 1)].node.layer
    return layer


# ---------------------------------------------------------------------- labels
@dataclasses.dataclass
class LayerLabel:
    """What a box says; `None` fields are not shown.

    Example:

    >>> from neurx import layers
    >>> inputs = layers.Input(shape=(4,))
    >>> dense = layers.Dense(2, activation="relu", name="hidden")
    >>> _ = dense(inputs)
    >>> label = layer_label(dense, show_shapes=True, show_layer_activations=True)
    >>> label.lines()
    ['hidden (Dense)', 'Activation: relu', 'Input shape: (None, 4)', 'Output shape: (None, 2)']
    """
    name: str | None
    class_name: str
    activation: str | None = None
    input_shape: str | None = None
    output_shape: str | None = None
    dtype: str | None = None
    trainable: bool | None = None

    @property
    def title(self) -> str:
        return f"{self.name} ({self.class_name})" if self.name is not None else self.class_name

    def shape_fields(self) -> list[tuple[str, str]]:
        """(caption, value) of the input shape, output shape and dtype that are shown."""
        fields = [("Input shape", self.input_shape), ("Output shape", self.output_shape),
                  ("Output dtype", self.dtype)]
        return [(caption, value) for caption, value in fields if value is not None]

    def details(self) -> list[str]:
        """The lines under the title (activation, shapes, dtype, trainable)."""
        lines = []
        if self.activation is not None:
            lines.append(f"Activation: {self.activation}")
        lines += [f"{caption}: {value}" for caption, value in self.shape_fields()]
        if self.trainable is not None:
            lines.append("Trainable" if self.trainable else "Non-trainable")
        return lines

    def lines(self) -> list[str]:
        return [self.title] + self.details()


def activation_name(layer) -> str:
    activation = layer.activation
    for attribute in ("name", "__name__"):
        if isinstance(getattr(activation, attribute, None), str):
            return getattr(activation, attribute)
    return str(activation)


def format_shape(structure) -> str:
    """Keras's text for a (structure of) shape(s): `(None, 5)`, `[(None, 5), (None, 6)]`."""
    if structure is None:
        return "?"
    if isinstance(structure, dict):
        return ", ".join(f"{k}: {v}" for k, v in structure.items())
    return f"{structure}"


def _tensor_attribute(tensors, attribute: str):
    try:
        return jax.tree_util.tree_map(lambda t: getattr(t, attribute), tensors,
                                      is_leaf=lambda t: hasattr(t, "shape"))
    except (AttributeError, ValueError):
        return None


def _safe(layer, attribute: str):
    try:
        return getattr(layer, attribute)
    except (AttributeError, ValueError):
        return None


def layer_label(layer, show_shapes: bool = False, show_dtype: bool = False,
                show_layer_names: bool = True, show_layer_activations: bool = False,
                show_trainable: bool = False) -> LayerLabel:
    """The `LayerLabel` of `layer` with the parts `plot_model`'s flags ask for."""
    class_name = type(layer).__name__
    label = LayerLabel(layer.name if show_layer_names else None, class_name)
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        label.activation = activation_name(layer)
    if show_shapes:
        if class_name != "InputLayer":
            label.input_shape = format_shape(_tensor_attribute(_safe(layer, "input"), "shape"))
        label.output_shape = format_shape(_tensor_attribute(_safe(layer, "output"), "shape"))
    if show_dtype:
        dtype = _tensor_attribute(_safe(layer, "output"), "dtype")
        label.dtype = str(dtype) if dtype is not None else "?"
    if show_trainable and layer.weights:
        label.trainable = bool(layer.trainable)
    return label
