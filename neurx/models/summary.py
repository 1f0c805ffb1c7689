"""`model.summary()` in the text layout of tf.keras 2 that the notes show."""
from __future__ import annotations

import re

import numpy as np

from neurx.naming import did_you_mean


def _shape_text(layer) -> str:
    nodes = getattr(layer, "_inbound_nodes", [])
    if len(nodes) != 1:
        return "multiple"
    outputs = nodes[0].flat_outputs
    if type(layer).__name__ == "InputLayer":
        return str([outputs[0].shape])
    shapes = [t.shape for t in outputs]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _param_text(layer) -> str:
    if not layer.built:
        return "0 (unused)"
    return str(layer.count_params())


def _unique_count(weights) -> int:
    seen, total = set(), 0
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            total += int(np.prod(w.shape))
    return total


def _print_row(fields, positions, print_fn):
    left = [str(f) for f in fields]
    while any(left):
        line = ""
        for col, text in enumerate(left):
            start = positions[col - 1] if col else 0
            space = 2 if col != len(positions) - 1 else 0
            cutoff = positions[col] - start - space
            piece = text[:cutoff]
            breaks = [piece.find(x) + len(x) for x in ("),", "},", "],", "',") if piece.find(x) >= 0]
            if breaks:
                cutoff = min(breaks)
                piece = piece[:cutoff]
            if col == 0:
                line += " "
            line += piece + " " * space
            left[col] = text[cutoff:]
            line += " " * (positions[col] - len(line))
        print_fn(line)


def _connections(model, layer) -> list[str]:
    model_nodes = {id(n) for n in model._graph.nodes} if model._graph is not None else set()
    out = []
    for node in layer._inbound_nodes:
        if id(node) not in model_nodes:
            continue
        for tensor in node.inbound:
            producer = tensor.node
            node_index = producer.layer._inbound_nodes.index(producer) if producer else 0
            name = producer.layer.name if producer else tensor.name
            out.append(f"{name}[{node_index}][{tensor.index}]")
    return out


def _is_chain(model) -> bool:
    graph = model._graph
    if graph is None:
        return True
    if len(graph.flat_inputs) != 1 or len(graph.flat_outputs) != 1:
        return False
    previous = graph.flat_inputs[0]
    for node in graph.nodes:
        if len(node.inbound) != 1 or node.inbound[0] is not previous or len(node.flat_outputs) != 1:
            return False
        previous = node.flat_outputs[0]
    return True


def layers_in_range(layers: list, layer_range) -> list:
    """Keras's `summary(layer_range=(first, last))`: the layers from the first whose name
    matches `first` to the last whose name matches `last` (regular expressions matched at
    the start of the name), both included.

    >>> from neurx import layers
    >>> stack = [layers.Dense(1, name=n) for n in ("in", "hidden_1", "hidden_2", "out")]
    >>> [l.name for l in layers_in_range(stack, ("hidden", "hidden"))]
    ['hidden_1', 'hidden_2']
    """
    if layer_range is None:
        return layers
    if not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2 or \
            not all(isinstance(name, str) for name in layer_range):
        raise ValueError("layer_range must be a list or tuple of two layer names (first, "
                         f"last). Received: layer_range={layer_range!r}")
    names = [layer.name for layer in layers]
    bounds = []
    for pattern in layer_range:
        matches = [i for i, name in enumerate(names) if re.match(pattern, name)]
        if not matches:
            raise ValueError(f"No layer name matches {pattern!r} of layer_range={layer_range!r}."
                             f" The layers are {names}.{did_you_mean(pattern, names)}")
        bounds.append(matches)
    first, last = bounds[0][0], bounds[1][-1]
    if first > last:
        raise ValueError(f"layer_range={layer_range!r} is empty: layer '{names[first]}' comes "
                         f"after layer '{names[last]}'.")
    return layers[first:last + 1]


def print_summary(model, line_length=None, positions=None, print_fn=None,
                  expand_nested=False, show_trainable=False, layer_range=None):
    """Prints the summary table of `model` (see `Model.summary`).

    `expand_nested=True` follows each nested model's row with its layers' rows, their names
    indented by nesting level after a "└ "; `show_trainable=True` adds a "Trainable" column:
    Y or N for a layer with weights, "-" for one without (Keras 3's rules, in tf.keras 2's
    text layout). `layer_range=(first, last)` prints only the layers from the first whose
    name matches `first` to the last whose name matches `last`.

    >>> import neurx
    >>> inner = neurx.Sequential([neurx.layers.Dense(2, name="hidden")], name="block")
    >>> inner.trainable = False
    >>> model = neurx.Sequential([neurx.Input((3,)), inner, neurx.layers.Dense(1, name="top")],
    ...                          name="stack")
    >>> print_summary(model, expand_nested=True, show_trainable=True)  # doctest: +NORMALIZE_WHITESPACE
    Model: "stack"
    ____________________________________________________________________________
     Layer (type)                Output Shape              Param #   Trainable
    ============================================================================
     block (Sequential)          (None, 2)                 8         N
    <BLANKLINE>
        └ hidden (Dense)         (None, 2)                 8         N
    <BLANKLINE>
     top (Dense)                 (None, 1)                 3         Y
    <BLANKLINE>
    ============================================================================
    Total params: 11
    Trainable params: 3
    Non-trainable params: 8
    ____________________________________________________________________________
    """
    print_fn = print_fn or print
    from_sequential = type(model).__name__ == "Sequential" or _is_chain(model)
    layers = [l for l in model.layers
              if not (from_sequential and type(l).__name__ == "InputLayer")]
    layers = layers_in_range(layers, layer_range)
    if from_sequential:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [0.33, 0.55, 0.67, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if len(positions) != len(header) or list(positions) != sorted(positions):
        raise ValueError(f"`positions` of summary() must hold {len(header)} increasing column "
                         f"ends (fractions of the line, or characters), one per column "
                         f"{header}. Received: positions={positions!r}")
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    if show_trainable:   # tf.keras 2's widths: one more column of 11 characters
        line_length += 11
        positions = list(positions) + [line_length]
        header = header + ["Trainable"]

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    _print_row(header, positions, print_fn)
    print_fn("=" * line_length)
    for layer, level in _rows(layers, expand_nested):
        prefix = "   " * level + "└ " if level else ""
        fields = [f"{prefix}{layer.name} ({type(layer).__name__})", _shape_text(layer),
                  _param_text(layer)]
        if not from_sequential:
            fields.append(str(_connections(model, layer)))
        if show_trainable:
            fields.append(("Y" if layer.trainable else "N") if layer.weights else "-")
        _print_row(fields, positions, print_fn)
        print_fn(" " * line_length)
    print_fn("=" * line_length)
    trainable = _unique_count(model.trainable_weights)
    total = _unique_count(model.weights)
    print_fn(f"Total params: {total:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {total - trainable:,}")
    print_fn("_" * line_length)


def _rows(layers, expand_nested, level=0):
    """`(layer, nesting level)` of each row: with `expand_nested`, a nested model's layers
    follow its own row."""
    for layer in layers:
        yield layer, level
        if expand_nested and getattr(layer, "layers", None):
            yield from _rows(layer.layers, expand_nested, level + 1)
