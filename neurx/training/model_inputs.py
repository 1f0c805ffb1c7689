"""The data given to `fit`/`evaluate`/`predict`, as a model's flat host arrays, checked.

What it owns: `x` and `y` in any of Keras's forms (an array, a list, a dict by input
or output name) made into flat lists of NumPy arrays in the model's order, and the
checks on them that need the model (its input names, shapes and dtypes, and what
each layer fed by an input checks on the host).

Example:
>>> import numpy as np
>>> from neurx import Input, Model, layers
>>> inputs = Input((3,), name="features")
>>> model = Model(inputs, layers.Dense(1)(inputs), name="scorer")
>>> x_leaves, _ = input_arrays(model, {"features": np.ones((2, 3))})
>>> [a.shape for a in x_leaves]
[(2, 3)]
>>> input_arrays(model, np.ones((2, 4)))  # doctest: +ELLIPSIS
Traceback (most recent call last):
ValueError: Input 'features' of model 'scorer' is incompatible ... feeds layer 'dense...' (Dense).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import numpy as np

from neurx.layers.layer import Layer
from neurx.naming import unknown_key_hint
from neurx.training.data import to_numpy
from neurx.training.input_checks import check_numeric_inputs


def input_arrays(model: Layer, x: Any) -> tuple[list, Any]:
    """`(x_leaves, x_treedef)` of `x` for `model`, which is built on them if needed."""
    graph = getattr(model, "_graph", None)
    x_struct = _standardize_x(x)
    if isinstance(x_struct, dict) and graph is not None:
        names = [t.name for t in graph.flat_inputs]
        missing = [n for n in names if n not in x_struct]
        if missing:
            raise ValueError(f"Missing data for model inputs {missing}: the dict keys must "
                             f"be the Input names {names}. Received keys {list(x_struct)}."
                             f"{unknown_key_hint(x_struct, names)}")
        x_struct = [x_struct[n] for n in names]
    x_leaves, x_treedef = jax.tree_util.tree_flatten(x_struct)
    if x_leaves and all(np.ndim(a) and len(a) == 0 for a in x_leaves):
        raise ValueError("Expected input data to be non-empty: `x` holds 0 samples (shapes "
                         f"{[tuple(np.shape(a)) for a in x_leaves]}).")
    if not model.built:
        model._maybe_build(x_struct)
    check_numeric_inputs(graph, x_leaves)
    if graph is not None:
        _check_input_shapes(model.name, graph, x_leaves)
        _check_host_inputs(graph, x_leaves)
    return x_leaves, x_treedef


def target_arrays(output_names: Sequence[str], y: Any) -> list:
    """The targets `y` as one array per output, in `output_names`' order."""
    if isinstance(y, dict):
        missing = [n for n in output_names if n not in y]
        if missing:
            raise ValueError(f"Missing targets for outputs {missing}; the model's outputs "
                             f"are {list(output_names)}. Received keys {list(y)}."
                             f"{unknown_key_hint(y, output_names)}")
        return [to_numpy(y[n]) for n in output_names]
    if isinstance(y, (list, tuple)) and len(output_names) > 1:
        return [to_numpy(v) for v in y]
    if isinstance(y, tuple) and len(y) == 1:
        y = y[0]
    return [to_numpy(y)]


def _standardize_x(x):
    if isinstance(x, dict):
        return {k: to_numpy(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and x and all(hasattr(v, "shape") for v in x):
        return [to_numpy(v) for v in x]
    return to_numpy(x)


def _check_input_shapes(model_name, graph, x_leaves) -> None:
    inputs = graph.flat_inputs
    if len(x_leaves) != len(inputs):
        raise ValueError(f"Model '{model_name}' expects {len(inputs)} input(s) "
                         f"{[t.name for t in inputs]}, but received {len(x_leaves)} input "
                         "array(s).")
    for tensor, array in zip(inputs, x_leaves):
        expected, got = tensor.shape, tuple(array.shape)
        if len(expected) != len(got) or any(e is not None and e != g
                                            for e, g in zip(expected[1:], got[1:])):
            fed = [f"'{node.layer.name}' ({type(node.layer).__name__})"
                   for node in graph.nodes if any(t is tensor for t in node.inbound)]
            raise ValueError(
                f"Input '{tensor.name}' of model '{model_name}' is incompatible with the "
                f"data: the model expects shape {expected}, but received data of shape "
                f"{got}." + (f" The input feeds layer {', '.join(fed)}." if fed else ""))


def _check_host_inputs(graph, arrays) -> None:
    """Lets each layer fed straight from a model input check that input's array on the host
    (`Layer.check_host_inputs`), before a compiled step that cannot raise runs on it."""
    position = {id(tensor): i for i, tensor in enumerate(graph.flat_inputs)}
    for node in graph.nodes:
        for tensor in node.inbound:
            if id(tensor) in position:
                node.layer.check_host_inputs(arrays[position[id(tensor)]])
