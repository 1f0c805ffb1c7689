"""`clone_model`: the same architecture with new layers (and freshly initialized weights)."""
from __future__ import annotations

import jax

from neurx.layers.input_layer import Input, InputLayer
from neurx.layers.layer import Layer
from neurx.saving import object_registry
from neurx.saving.api import _defines_get_config
from neurx.saving.serialization import is_functional, is_sequential
from neurx.symbolic import KerasTensor, is_symbolic


def _default_clone(layer):
    return type(layer).from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None, **kwargs):
    """A new model with the same layers' configs, as `keras.models.clone_model`.

    Weights are not copied (call `clone.set_weights(model.get_weights())`).
    `clone_function(layer)` makes each new layer (default: from its config).

    Example:
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(3, input_shape=(2,), name="hidden")])
    >>> clone = clone_model(model)
    >>> clone.layers[0].name, clone.layers[0] is model.layers[0]
    ('hidden', False)
    """
    if not isinstance(model, Layer) or not hasattr(model, "get_weights"):
        raise TypeError(f"clone_model() takes a Model instance. Received: {model!r}")
    clone_function = clone_function or _default_clone
    if is_sequential(model):
        return _clone_sequential(model, input_tensors, clone_function)
    if is_functional(model):
        return _clone_functional(model, input_tensors, clone_function)
    if not _defines_get_config(model):
        raise ValueError(
            f"clone_model() cannot clone the subclassed model '{model.name}' (class "
            f"{type(model).__name__}): it does not define get_config(). Define get_config() "
            "returning its constructor arguments, or build a new instance in code.")
    return type(model).from_config(model.get_config())


def _clone_sequential(model, input_tensors, clone_function):
    sequential = object_registry.public_object("Sequential", "keras")
    new = sequential(name=model.name)
    if input_tensors is not None:
        tensor = input_tensors[0] if isinstance(input_tensors, (list, tuple)) else input_tensors
        new.add(tensor)
    elif model.input_layer is not None:
        layer = model.input_layer
        new.add(InputLayer(batch_shape=layer.batch_shape, dtype=layer._input_dtype,
                           name=layer.name))
    for layer in model.layers:
        new.add(clone_function(layer))
    return new


def _clone_functional(model, input_tensors, clone_function):
    graph = model._graph
    values = {}
    given = jax.tree_util.tree_leaves(input_tensors, is_leaf=is_symbolic) \
        if input_tensors is not None else None
    if given is not None and len(given) != len(graph.flat_inputs):
        raise ValueError(f"clone_model() received {len(given)} input tensors, but model "
                         f"'{model.name}' has {len(graph.flat_inputs)} inputs.")
    for i, tensor in enumerate(graph.flat_inputs):
        layer = tensor.node.layer
        values[id(tensor)] = given[i] if given is not None else Input(
            batch_shape=layer.batch_shape, dtype=layer._input_dtype, name=layer.name)
    clones = {}

    def fill(value):
        return values[id(value)] if isinstance(value, KerasTensor) else value

    for node in graph.nodes:
        layer = node.layer
        if isinstance(layer, InputLayer):
            continue
        if id(layer) not in clones:
            clones[id(layer)] = clone_function(layer)
        args = jax.tree_util.tree_map(fill, node.args, is_leaf=is_symbolic)
        kwargs = jax.tree_util.tree_map(fill, node.kwargs, is_leaf=is_symbolic)
        outputs = clones[id(layer)](*args, **kwargs)
        for tensor, new in zip(node.flat_outputs,
                               jax.tree_util.tree_leaves(outputs, is_leaf=is_symbolic)):
            values[id(tensor)] = new
    inputs = jax.tree_util.tree_map(fill, graph.inputs, is_leaf=is_symbolic)
    outputs = jax.tree_util.tree_map(fill, graph.outputs, is_leaf=is_symbolic)
    return type(model)(inputs, outputs, name=model.name)
