"""A tf.keras 2 checkpoint's object graph -> a neurx model's weights and optimizer state.

What it owns: following `_CHECKPOINTABLE_OBJECT_GRAPH` (a `TrackableObjectGraph`),
never guessing from key strings. A node path from `keras_metadata.pb`
(`root.layer_with_weights-0`, `root.layer_with_weights-0.layer_with_weights-1` for a
nested model) is walked child by child from the root; a layer's node lists its
weights, in Keras's `layer.weights` order, under its `variables` child; a variable's
node names its tensor in the bundle (`checkpoint_key`). The model's `trainable_variables`
child gives tf.keras's trainable order. The optimizer's slots come from
`slot_variables` (Keras 2's legacy optimizers: `(variable, "m", slot)`), or, for the
optimizers of tf-keras 2.11+, from its per-variable lists (`momentums`, `_velocities`,
...), which follow that trainable order. Everything is checked before anything is
assigned.

Example (a one-Dense checkpoint crafted with `bundle.write_bundle`):
>>> import os, tempfile
>>> from neurx import Sequential, layers
>>> from neurx.saving.savedmodel.bundle import BundleReader, write_bundle
>>> from neurx.saving.savedmodel.protos import message
>>> graph = message("TrackableObjectGraph")()
>>> root, dense, weights, kernel, bias = (graph.nodes.add() for _ in range(5))
>>> _ = root.children.add(node_id=1, local_name="layer_with_weights-0")
>>> _ = dense.children.add(node_id=2, local_name="variables")
>>> _ = weights.children.add(node_id=3, local_name="0")
>>> _ = weights.children.add(node_id=4, local_name="1")
>>> _ = kernel.attributes.add(name="VARIABLE_VALUE", checkpoint_key="k")
>>> _ = bias.attributes.add(name="VARIABLE_VALUE", checkpoint_key="b")
>>> prefix = write_bundle(os.path.join(tempfile.mkdtemp(), "variables"), {
...     GRAPH_KEY: graph.SerializeToString(), "k": np.ones((2, 1), "float32"),
...     "b": np.zeros(1, "float32")})
>>> saved = Checkpoint(BundleReader(prefix))
>>> model = Sequential([layers.Dense(1, input_shape=(2,), name="dense")])
>>> plan = weight_plan(model, saved, {"root": {"dense": "root.layer_with_weights-0"}}, "crafted")
>>> [(variable.name, array.shape) for variable, array, _ in plan]
[('kernel', (2, 1)), ('bias', (1,))]
>>> model.compile(optimizer="sgd", loss="mse")
>>> optimizer_values(model, saved, plan) is None        # this checkpoint has no optimizer
True
"""
from __future__ import annotations

import warnings

import numpy as np

from neurx.saving.model_config import keras_weights, model_layers
from neurx.saving.savedmodel.bundle import BundleReader
from neurx.saving.savedmodel.protos import parse
from neurx.saving.serialization import is_functional, is_sequential

GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
# tf.keras's slot names (legacy `slot_name`s, and tf-keras 2.11+ list names without their
# leading "_" and in the singular) -> neurx's slot fields.
_SLOT_FIELDS = {"m": "momentum", "momentum": "momentum", "v": "velocity",
                "velocity": "velocity", "vhat": "velocity_hat", "velocity_hat": "velocity_hat",
                "rms": "velocity", "mg": "average_gradient",
                "average_gradient": "average_gradient", "accumulator": "accumulator", "u": "norm",
                "accum_grad": "accumulated_grad", "accumulated_grad": "accumulated_grad",
                "accum_var": "accumulated_delta_var",
                "accumulated_delta_var": "accumulated_delta_var"}


class Checkpoint:
    """The object graph and tensors of a `variables/` checkpoint."""

    def __init__(self, bundle: BundleReader):
        self.bundle = bundle
        if GRAPH_KEY not in bundle.entries:
            raise ValueError(f"'{bundle.index_path}' has no object graph "
                             f"({GRAPH_KEY}): it is not an object-based TF2 checkpoint.")
        self.nodes = parse("TrackableObjectGraph", bundle.read(GRAPH_KEY)[()],
                           f"{bundle.index_path} ({GRAPH_KEY})").nodes

    def child(self, node: int, name: str) -> int | None:
        """The id of `node`'s child called `name`, or None."""
        for reference in self.nodes[node].children:
            if reference.local_name == name:
                return reference.node_id
        return None

    def resolve(self, path: str) -> int:
        """The node at a metadata path such as `root.layer_with_weights-0.cell`."""
        node = 0
        for name in path.split(".")[1:]:
            found = self.child(node, name)
            if found is None:
                raise ValueError(f"'{self.bundle.index_path}': the object graph has no node "
                                 f"'{path}' (no child '{name}'), though keras_metadata.pb "
                                 "names it; the folder's files do not belong together.")
            node = found
        return node

    def listed(self, node: int | None, name: str) -> list[int]:
        """The nodes of `node`'s list-valued child `name` (children '0', '1', ...)."""
        holder = None if node is None else self.child(node, name)
        if holder is None:
            return []
        items = [(int(r.local_name), r.node_id) for r in self.nodes[holder].children
                 if r.local_name.isdigit()]
        return [node_id for _, node_id in sorted(items)]

    def value(self, node: int) -> np.ndarray:
        """The tensor a variable's node holds."""
        for attribute in self.nodes[node].attributes:
            if attribute.name == "VARIABLE_VALUE":
                return self.bundle.read(attribute.checkpoint_key)
        raise ValueError(f"'{self.bundle.index_path}': object {node} of the checkpoint is "
                         "not a variable (it has no VARIABLE_VALUE).")

    def layer_arrays(self, path: str) -> list[np.ndarray]:
        """The weights of the layer at `path`, in Keras's `layer.weights` order."""
        return [self.value(node) for node in self.listed(self.resolve(path), "variables")]


def weight_plan(model, checkpoint: Checkpoint, layer_paths: dict, source: str) -> list:
    """`(variable, array, node id)` for every weight of `model`, all shapes checked.

    `layer_paths` maps a metadata path to the names of the layers directly under it
    (`{"root": {"dense": "root.layer_with_weights-0"}}`).
    """
    plan = []
    _plan_container(model, "root", checkpoint, layer_paths, source, plan)
    return plan


def _plan_container(container, path, checkpoint, layer_paths, source, plan) -> None:
    saved = layer_paths.get(path, {})
    for layer in model_layers(container):
        variables = keras_weights(layer)
        if not variables:
            continue
        if layer.name not in saved:
            raise ValueError(f"Cannot load '{source}': the SavedModel has no weights for layer "
                             f"'{layer.name}' ({type(layer).__name__}); its layers with "
                             f"metadata under '{path}' are {sorted(saved)}.")
        if is_functional(layer) or is_sequential(layer):
            _plan_container(layer, saved[layer.name], checkpoint, layer_paths, source, plan)
            continue
        node = checkpoint.resolve(saved[layer.name])
        nodes = checkpoint.listed(node, "variables")
        arrays = [checkpoint.value(n) for n in nodes]
        expected = [tuple(v.shape) for v in variables]
        got = [tuple(a.shape) for a in arrays]
        if expected != got:
            raise ValueError(f"Cannot load '{source}': layer '{layer.name}' "
                             f"({type(layer).__name__}) has weights of shapes {expected}, but "
                             f"the SavedModel's layer at '{saved[layer.name]}' has {got}.")
        plan += list(zip(variables, arrays, nodes))


def _slot_field(name: str) -> str | None:
    """neurx's slot field for a tf.keras slot or list name (`_velocities` -> `velocity`)."""
    name = name.lstrip("_")
    for plural, singular in (("ies", "y"), ("s", "")):
        if name not in _SLOT_FIELDS and name.endswith(plural):
            name = name[:-len(plural)] + singular
    return _SLOT_FIELDS.get(name)


def _slots_by_variable(checkpoint: Checkpoint, optimizer_node: int) -> dict:
    """`{model variable node: {neurx slot field: slot node}}`."""
    slots: dict = {}
    for reference in checkpoint.nodes[optimizer_node].slot_variables:
        field = _slot_field(reference.slot_name)
        if field is not None:
            slots.setdefault(reference.original_variable_node_id, {})[field] = \
                reference.slot_variable_node_id
    trainable = checkpoint.listed(0, "trainable_variables")
    for reference in checkpoint.nodes[optimizer_node].children:
        field = _slot_field(reference.local_name)
        items = checkpoint.listed(optimizer_node, reference.local_name)
        if field is None or reference.local_name == "_variables" or \
                len(items) != len(trainable):
            continue
        for variable, slot in zip(trainable, items):
            slots.setdefault(variable, {})[field] = slot
    return slots


def _variable_child(checkpoint: Checkpoint, node: int, names) -> int | None:
    for name in names:
        child = checkpoint.child(node, name)
        if child is not None and any(a.name == "VARIABLE_VALUE"
                                     for a in checkpoint.nodes[child].attributes):
            return child
    return None


def optimizer_values(model, checkpoint: Checkpoint, plan: list) -> list | None:
    """The saved optimizer state in Keras 3's variable order for `model.optimizer` (built),
    or None when the checkpoint has none, or (with a warning) when its slots do not fit
    that optimizer."""
    optimizer_node = checkpoint.child(0, "optimizer")
    if optimizer_node is None:
        return None
    optimizer = model.optimizer
    iterations = _variable_child(checkpoint, optimizer_node, ("_iterations", "iter"))
    if iterations is None:
        return None
    values = [checkpoint.value(iterations).astype(np.int32)]
    if optimizer._schedule is None:
        rate = _variable_child(checkpoint, optimizer_node, ("_learning_rate", "learning_rate"))
        values.append(np.asarray(optimizer.variables[1]) if rate is None
                      else checkpoint.value(rate).astype(np.float32))
    node_of = {id(variable): node for variable, _, node in plan}
    slots = _slots_by_variable(checkpoint, optimizer_node)
    trainable = [v for v in keras_weights(model) if v.trainable] if model.trainable else []
    for group in optimizer._slot_groups():
        for variable in trainable:
            saved = slots.get(node_of.get(id(variable)), {})
            missing = [field for field in group if field not in saved]
            if missing:
                warnings.warn(
                    f"Skipping the optimizer state in '{checkpoint.bundle.index_path}': it has "
                    f"no {missing[0]!r} slot for variable '{variable.path}' of optimizer "
                    f"'{optimizer.name}' ({type(optimizer).__name__}); it holds slots "
                    f"{sorted(saved) or 'none'} for it. Training restarts the optimizer's "
                    "state.", stacklevel=3)
                return None
            values += [checkpoint.value(saved[field]) for field in group]
    return values
