"""The layer graph of a functional model: ordered once, run many times.

`Graph(inputs, outputs)` walks the nodes recorded by symbolic layer calls back
from the outputs to the inputs, checks that every path ends at an `Input`, and
keeps the nodes in an order where each node's arguments are ready before it
runs. `run()` feeds arrays through that order.
"""
from __future__ import annotations

import collections

import jax

from neurx.layers.input_layer import InputLayer
from neurx.symbolic import KerasTensor, is_symbolic


def flatten(tree):
    return jax.tree_util.tree_leaves(tree, is_leaf=is_symbolic)


def _check_unique_names(layers) -> None:
    """Weights are saved and loaded by layer name, so two layers may not share one."""
    counts = collections.Counter(layer.name for layer in layers)
    for name, count in counts.items():
        if count > 1:
            raise ValueError(f"The name '{name}' is used {count} times in the model. All layer "
                             "names should be unique: pass a different `name=` to each layer.")


class Graph:
    """Nodes between symbolic `inputs` and `outputs`, in execution order.

    Example:
    >>> from neurx.layers import Input, Dense
    >>> x = Input(shape=(4,)); y = Dense(2)(x)
    >>> graph = Graph(x, y)
    >>> [type(l).__name__ for l in graph.layers]
    ['InputLayer', 'Dense']
    """

    def __init__(self, inputs, outputs):
        self.inputs = _standardize(inputs)
        self.outputs = _standardize(outputs)
        self.flat_inputs = flatten(self.inputs)
        self.flat_outputs = flatten(self.outputs)
        _check_inputs(self.flat_inputs, "inputs")
        _check_outputs(self.flat_outputs)
        self.nodes = self._order_nodes()
        self.layers = self._layers_by_depth()
        _check_unique_names(self.layers)

    def _layers_by_depth(self):
        """Layers in Keras's order (deepest from the outputs first, ties by first visit), so
        that `model.weights` lists weights in the order Keras files expect."""
        input_ids = {id(t) for t in self.flat_inputs}
        first_visit, post_order, finished = {}, [], set()

        def visit(tensor):
            node = tensor.node
            if id(node) in finished:
                return
            first_visit.setdefault(id(node.layer), len(first_visit))
            if id(tensor) not in input_ids:
                for inbound in node.inbound:
                    visit(inbound)
            finished.add(id(node))
            post_order.append(node)

        for tensor in self.flat_outputs:
            visit(tensor)
        node_depth, layer_depth, layers = {}, {}, {}
        for node in reversed(post_order):
            depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
            layer_depth[id(node.layer)] = node_depth[id(node)] = depth
            layers[id(node.layer)] = node.layer
            if not isinstance(node.layer, InputLayer):
                for inbound in node.inbound:
                    parent = id(inbound.node)
                    node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
        for tensor in self.flat_inputs:   # inputs that reach no output still belong
            layer = tensor.node.layer
            if id(layer) not in layers:
                layers[id(layer)], layer_depth[id(layer)], first_visit[id(layer)] = layer, 0, -1
        return sorted(layers.values(),
                      key=lambda l: (-layer_depth[id(l)], first_visit[id(l)]))

    def _order_nodes(self):
        input_ids = {id(t) for t in self.flat_inputs}
        ordered, state = [], {}

        def visit(tensor, path):
            if id(tensor) in input_ids:
                return
            node = tensor.node
            if node is None or isinstance(node.layer, InputLayer):
                raise ValueError(
                    f"Graph disconnected: cannot reach tensor {tensor} from the model's "
                    f"inputs {[t.name for t in self.flat_inputs]}. Every path to an output "
                    f"must start at one of the `inputs` given to Model(); the path was "
                    f"{' <- '.join(path)}.")
            if state.get(id(node)) == "done":
                return
            state[id(node)] = "visiting"
            for inbound in node.inbound:
                visit(inbound, path + [node.layer.name])
            state[id(node)] = "done"
            ordered.append(node)

        for tensor in self.flat_outputs:
            visit(tensor, [])
        return ordered

    def run(self, inputs):
        """Runs the graph on arrays structured like `self.inputs` (or a flat list)."""
        values = {}
        flat = _match_inputs(inputs, self.inputs, self.flat_inputs)
        for tensor, value in zip(self.flat_inputs, flat):
            values[id(tensor)] = value

        def fill(t):
            return values[id(t)] if is_symbolic(t) else t

        for node in self.nodes:
            args = jax.tree_util.tree_map(fill, node.args, is_leaf=is_symbolic)
            kwargs = jax.tree_util.tree_map(fill, node.kwargs, is_leaf=is_symbolic)
            outputs = node.layer(*args, **kwargs)
            for tensor, value in zip(node.flat_outputs, jax.tree_util.tree_leaves(outputs)):
                values[id(tensor)] = value
        return jax.tree_util.tree_map(fill, self.outputs, is_leaf=is_symbolic)


def _standardize(tree):
    if isinstance(tree, tuple):
        tree = list(tree)
    if isinstance(tree, list) and len(tree) == 1:
        return tree[0] if is_symbolic(tree[0]) else tree
    return tree


def _check_inputs(flat, argument):
    for t in flat:
        if not isinstance(t, KerasTensor):
            raise TypeError(f"Model `{argument}` must be symbolic tensors from "
                            f"keras.Input(). Received: {t!r}")
        if t.node is None or not isinstance(t.node.layer, InputLayer):
            producer = t.node.layer.name if t.node is not None else "unknown"
            raise ValueError(
                f"Model `inputs` must be tensors returned by keras.Input() (InputLayer "
                f"outputs). Received the output of layer '{producer}' as an input. Pass "
                f"the Input tensors as `inputs=` and layer outputs as `outputs=`: "
                f"Model(inputs=[input_a, input_b], outputs=[output_a, output_b]).")


def _check_outputs(flat):
    for t in flat:
        if not isinstance(t, KerasTensor):
            raise TypeError(f"Model `outputs` must be symbolic tensors produced by layers "
                            f"called on keras.Input(). Received: {t!r}")


def _match_inputs(data, structure, flat_inputs):
    """Arranges user data (array, list, tuple or dict by input name) like the inputs."""
    if isinstance(data, dict):
        names = [t.name for t in flat_inputs]
        if isinstance(structure, dict):
            missing = [k for k in structure if k not in data]
            if missing:
                raise ValueError(f"Missing data for model inputs {missing}. "
                                 f"Received keys {list(data)}.")
            return [data[k] for k in structure]
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(f"Missing data for model inputs {missing}: the dict keys must be "
                             f"the Input names {names}. Received keys {list(data)}.")
        return [data[n] for n in names]
    flat = list(data) if isinstance(data, (list, tuple)) else [data]
    if len(flat) != len(flat_inputs):
        raise ValueError(
            f"The model expects {len(flat_inputs)} input(s) "
            f"({[t.name for t in flat_inputs]}), but it received {len(flat)} input array(s).")
    return flat
