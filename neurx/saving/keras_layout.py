"""Model state in Keras 3's variable layout (`model.weights.h5`, `*.weights.h5`).

What it owns: where each variable lives in the HDF5 file, exactly as Keras 3
walks a model: the model's own variables at `vars/0, vars/1, ...`; its layers
under `layers/<snake_case class name>[_N]` (a container names its items by
class, not by layer name: `layers/dense`, `layers/dense_1`); a layer's
sub-layers under their attribute names (`cell`, `forward_layer`, ...), visited
in sorted order with private ones last; and the optimizer's variables, in
Keras's order over the model's trainable variables, at `optimizer/vars/`.

Loading checks everything first and assigns only when every variable fits:
a mismatch raises an error naming the file, the layer, the variable and both
shapes, and leaves the model untouched. When a neurx layer keeps its weights
itself where Keras keeps them in a sub-layer (an RNN without a `cell`), the
variables of that subtree are matched in walk order by shape.
"""
from __future__ import annotations

import warnings

import jax
import numpy as np

from neurx.layers.layer import Layer
from neurx.naming import to_snake_case
from neurx.optimizers.base import Optimizer
from neurx.saving.model_config import keras_weights, model_layers
from neurx.saving.serialization import is_functional, is_model, is_sequential

_SKIP = None


def _skipset() -> set:
    """Attributes every neurx layer has (never walked as children)."""
    global _SKIP
    if _SKIP is None:
        _SKIP = set(vars(Layer(name="skipset_probe"))) | {"_stack", "_graph", "optimizer",
                                                         "_input_tensor", "_last_output"}
    return _SKIP


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def container_name(obj) -> str:
    """The snake-case class name Keras gives an item of a container.

    >>> from neurx import Sequential, layers
    >>> container_name(layers.BatchNormalization()), container_name(Sequential())
    ('batch_normalization', 'sequential')
    """
    if is_functional(obj):
        return "functional"
    return to_snake_case(type(obj).__name__)


def own_variables(layer) -> list:
    """A layer's own variables in Keras's order: created trainable first, then the others.

    >>> from neurx import layers
    >>> norm = layers.BatchNormalization()
    >>> norm.build((None, 3))
    >>> norm.trainable = False
    >>> [v.name for v in own_variables(norm)]
    ['gamma', 'beta', 'moving_mean', 'moving_variance']
    """
    own = layer._own_variables
    first = [v for v in own if getattr(v, "created_trainable", v.trainable)]
    return first + [v for v in own if not getattr(v, "created_trainable", v.trainable)]


def _is_saveable(value) -> bool:
    return isinstance(value, (Layer, Optimizer))


def _holds_saveables(value) -> bool:
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, (list, tuple)) and any(
        _is_saveable(v) or _holds_saveables(v) for v in value)


def children(obj) -> list:
    """`(attribute, child)` pairs in the order Keras 3 visits them.

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> [name for name, _ in children(model)]
    ['layers', 'optimizer']
    """
    if not isinstance(obj, Layer):
        return []
    entries = []
    structured = is_functional(obj) or is_sequential(obj)
    if structured:
        first = [("layers", model_layers(obj))]
    else:
        first = []
    skip = _skipset()
    for name, value in vars(obj).items():
        if name in skip or name.startswith("__"):
            continue
        if _is_saveable(value) or _holds_saveables(value):
            entries.append((name, value))
    if is_model(obj) and not structured:
        entries.append(("layers", obj.layers))
    optimizer = getattr(obj, "optimizer", None) if is_model(obj) else None
    if isinstance(optimizer, Optimizer):
        entries.append(("optimizer", optimizer))
    return first + sorted(entries, key=lambda item: _name_key(item[0]))


def _container_items(container) -> list:
    if isinstance(container, dict):
        container = list(container.values())
    used, items = {}, []
    for value in container:
        if _is_saveable(value):
            base = container_name(value)
        elif _holds_saveables(value):
            base = "container"
        else:
            continue
        if base in used:
            used[base] += 1
            items.append((f"{base}_{used[base]}", value))
        else:
            used[base] = 0
            items.append((base, value))
    return items


# --------------------------------------------------------------------------- optimizer order
def trainable_permutation(model) -> list | None:
    """`perm[k]`: index in `model.trainable_weights` of Keras's k-th trainable variable,
    or None when the two orders agree (or cannot be matched).

    >>> import neurx
    >>> x = neurx.layers.Input(shape=(2,), name="x")
    >>> short = neurx.layers.Dense(1, name="short")(x)
    >>> long = neurx.layers.Dense(1, name="long")(neurx.layers.Dense(3, name="mid")(x))
    >>> model = neurx.Model(x, [short, long])
    >>> [v.path for v in model.trainable_weights][:2]   # Keras lists 'mid' first: it is deeper
    ['mid/kernel', 'mid/bias']
    >>> trainable_permutation(model) is None              # neurx's order is Keras's already
    True
    """
    neurx_order = model.trainable_weights
    if not (is_functional(model) or is_sequential(model)):
        return None
    keras_order = [v for v in keras_weights(model) if v.trainable] if model.trainable else []
    index = {id(v): i for i, v in enumerate(neurx_order)}
    if len(keras_order) != len(neurx_order) or any(id(v) not in index for v in keras_order):
        return None
    perm = [index[id(v)] for v in keras_order]
    return None if perm == list(range(len(perm))) else perm


def _leaf_mapping(optimizer, perm) -> tuple:
    leaves, treedef = jax.tree.flatten(optimizer.state)
    ids = jax.tree.unflatten(treedef, list(range(len(leaves))))
    sequences = [jax.tree.leaves(ids.ema), jax.tree.leaves(ids.accumulators)]
    for group in optimizer._slot_groups():
        for field in group:
            sequences.append(jax.tree.leaves(getattr(ids.slots, field)))
    mapping = list(range(len(leaves)))
    for seq in sequences:
        if len(seq) == len(perm):
            for k, source in enumerate(perm):
                mapping[seq[k]] = seq[source]
    return leaves, treedef, mapping


def optimizer_values(optimizer, model) -> list:
    """The optimizer's variables in Keras's order over Keras's trainable-variable order.

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> build_optimizer_for(model)
    >>> [tuple(v.shape) for v in optimizer_values(model.optimizer, model)]
    [(), (), (2, 1), (2, 1), (1,), (1,)]
    """
    perm = trainable_permutation(model) if model is not None else None
    if optimizer.state is None or perm is None:
        return [np.asarray(v) for v in optimizer.variables]
    leaves, treedef, mapping = _leaf_mapping(optimizer, perm)
    virtual = jax.tree.unflatten(treedef, [leaves[mapping[i]] for i in range(len(leaves))])
    return [np.asarray(v) for v in optimizer.state_to_variables(virtual)]


def set_optimizer_values(optimizer, model, values) -> None:
    """The inverse of `optimizer_values`: sets the state from Keras-ordered values.

    >>> import numpy as np
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> build_optimizer_for(model)
    >>> values = optimizer_values(model.optimizer, model)
    >>> values[0] = np.asarray(7, "int32")
    >>> set_optimizer_values(model.optimizer, model, values)
    >>> int(model.optimizer.iterations)
    7
    """
    perm = trainable_permutation(model) if model is not None else None
    if optimizer.state is None or perm is None:
        optimizer.set_weights(values)
        return
    leaves, treedef, mapping = _leaf_mapping(optimizer, perm)
    template = jax.tree.unflatten(treedef, [leaves[mapping[i]] for i in range(len(leaves))])
    virtual = jax.tree.leaves(optimizer.variables_to_state(values, state=template))
    real = list(leaves)
    for i, value in enumerate(virtual):
        real[mapping[i]] = value
    optimizer.state = jax.tree.unflatten(treedef, real)


def build_optimizer_for(model) -> None:
    """Creates the optimizer's per-variable state for `model` (as training would).

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> build_optimizer_for(model)
    >>> model.optimizer.built
    True
    """
    model.optimizer.build(model.trainable_weights)


# --------------------------------------------------------------------------- saving
def save_state(model, root, include_optimizer: bool = True) -> None:
    """Writes `model`'s variables (and optimizer's) into the HDF5 group `root`.

    >>> import io, h5py
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> store = h5py.File(io.BytesIO(), "w")
    >>> save_state(model, store)
    >>> sorted(store["layers/dense/vars"])
    ['0', '1']
    """
    _save(model, root, "", set(), model, include_optimizer)


def _write_vars(root, path, values, name) -> None:
    group = root.require_group(_join(path, "vars"))
    group.attrs["name"] = name
    for i, value in enumerate(values):
        group.create_dataset(str(i), data=np.asarray(value))


class _WriteStore(dict):
    """What a layer's own `save_own_variables(store)` writes into (`store["0"] = ...`)."""


def _save(obj, root, path, visited, model, include_optimizer) -> None:
    if id(obj) in visited:
        return
    visited.add(id(obj))
    if isinstance(obj, Optimizer):
        if include_optimizer:
            _write_vars(root, path, optimizer_values(obj, model), obj.name)
        return
    if hasattr(obj, "save_own_variables"):
        store = _WriteStore()
        obj.save_own_variables(store)
        _write_vars(root, path, [store[k] for k in sorted(store, key=int)], obj.name)
    else:
        _write_vars(root, path, [v.value for v in own_variables(obj)], obj.name)
    for attr, child in children(obj):
        _save_child(child, root, _join(path, attr), visited, model, include_optimizer)


def _save_child(child, root, path, visited, model, include_optimizer) -> None:
    if _is_saveable(child):
        _save(child, root, path, visited, model, include_optimizer)
        return
    for name, item in _container_items(child):
        _save_child(item, root, _join(path, name), visited, model, include_optimizer)


# --------------------------------------------------------------------------- loading
class LoadPlan:
    """Assignments checked against the file, applied only when all of them fit.

    >>> import io, h5py
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> store = h5py.File(io.BytesIO(), "w")
    >>> save_state(model, store)
    >>> plan = load_state(model, store, "in-memory")
    >>> len(plan.assignments)
    2
    >>> plan.apply(model)
    """

    def __init__(self, source: str, skip_mismatch: bool):
        self.source = source
        self.skip_mismatch = skip_mismatch
        self.assignments: list = []
        self.custom: list = []
        self.optimizer = None

    def mismatch(self, message: str) -> None:
        if not self.skip_mismatch:
            raise ValueError(message)
        warnings.warn(f"{message} Skipping it (skip_mismatch=True).", stacklevel=4)

    def apply(self, model) -> None:
        for variable, value in self.assignments:
            variable.assign(value)
        for obj, values in self.custom:
            obj.load_own_variables({str(i): v for i, v in enumerate(values)})
        if self.optimizer is not None:
            optimizer, values = self.optimizer
            _apply_optimizer(optimizer, model, values, self.source)


def _read_vars(root, path) -> list | None:
    name = _join(path, "vars")
    if name not in root:
        return None
    group = root[name]
    return [np.asarray(group[str(i)]) for i in range(len(group)) if str(i) in group]


def _flat_file(root, path) -> list:
    out = list(_read_vars(root, path) or [])
    group = root[path] if path and path in root else (root if not path else None)
    if group is None:
        return out
    for key in sorted((k for k in group.keys() if k != "vars"), key=_name_key):
        if hasattr(group[key], "keys"):
            out += _flat_file(root, _join(path, key))
    return out


def _flat_model(obj, visited) -> list:
    if id(obj) in visited or not isinstance(obj, Layer):
        return []
    visited.add(id(obj))
    out = list(own_variables(obj))
    for _, child in children(obj):
        for item in ([child] if _is_saveable(child) else [v for _, v in _container_items(child)]):
            out += _flat_model(item, visited) if not isinstance(item, Optimizer) else []
    return out


def load_state(model, root, source: str, skip_mismatch: bool = False,
               load_optimizer: bool = True) -> LoadPlan:
    """Checks the file against `model` and returns the plan; `plan.apply(model)` assigns.

    >>> import io, h5py
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> store = h5py.File(io.BytesIO(), "w")
    >>> save_state(model, store)
    >>> load_state(model, store, "in-memory").apply(model)
    """
    plan = LoadPlan(source, skip_mismatch)
    _plan(model, root, "", set(), plan, load_optimizer)
    return plan


def _plan(obj, root, path, visited, plan, load_optimizer) -> None:
    if id(obj) in visited:
        return
    if isinstance(obj, Optimizer):
        visited.add(id(obj))
        values = _read_vars(root, path)
        if load_optimizer and values is not None:
            plan.optimizer = (obj, values)
        return
    values = _read_vars(root, path) or []
    if hasattr(obj, "load_own_variables"):
        visited.add(id(obj))
        plan.custom.append((obj, values))
    else:
        expected = own_variables(obj)
        if not _fits(expected, values):
            _plan_flat(obj, root, path, visited, plan)
            return
        visited.add(id(obj))
        plan.assignments += list(zip(expected, values))
    for attr, child in children(obj):
        _plan_child(child, root, _join(path, attr), visited, plan, load_optimizer)


def _plan_child(child, root, path, visited, plan, load_optimizer) -> None:
    if _is_saveable(child):
        _plan(child, root, path, visited, plan, load_optimizer)
        return
    for name, item in _container_items(child):
        _plan_child(item, root, _join(path, name), visited, plan, load_optimizer)


def _fits(expected, values) -> bool:
    return len(expected) == len(values) and all(
        tuple(v.shape) == tuple(np.shape(a)) for v, a in zip(expected, values))


def _plan_flat(obj, root, path, visited, plan) -> None:
    """Matches a whole subtree in walk order (see module notes), or reports the mismatch."""
    file_values = _flat_file(root, path)
    model_vars = _flat_model(obj, set(visited))
    where = f"'{path}'" if path else "the file's root"
    if _fits(model_vars, file_values):
        _flat_model(obj, visited)
        plan.assignments += list(zip(model_vars, file_values))
        return
    _flat_model(obj, visited)
    if len(model_vars) != len(file_values):
        plan.mismatch(
            f"Cannot load weights from '{plan.source}' into layer '{obj.name}' "
            f"({type(obj).__name__}): the layer has {len(model_vars)} variables "
            f"{[v.name for v in model_vars]} but the file holds {len(file_values)} at {where}.")
        return
    for variable, value in zip(model_vars, file_values):
        if tuple(variable.shape) != tuple(np.shape(value)):
            plan.mismatch(
                f"Cannot load weights from '{plan.source}' into layer '{obj.name}' "
                f"({type(obj).__name__}): variable '{variable.name}' has shape "
                f"{tuple(variable.shape)} in the model but {tuple(np.shape(value))} in the file "
                f"(at {where}).")
            return


def _apply_optimizer(optimizer, model, values, source) -> None:
    if len(values) != len(optimizer.variables) and optimizer.state is None and len(values) > 2:
        build_optimizer_for(model)
    if len(values) != len(optimizer.variables):
        warnings.warn(f"Skipping the optimizer state in '{source}': optimizer "
                      f"'{optimizer.name}' has {len(optimizer.variables)} variables but the "
                      f"file holds {len(values)}. Training restarts the optimizer's state.",
                      stacklevel=3)
        return
    set_optimizer_values(optimizer, model, values)
