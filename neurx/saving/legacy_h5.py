"""Keras 2's HDF5 layout: `.h5` / `.hdf5` models and `save_weights("x.h5")` files.

What it owns: the root attributes `model_config`, `training_config`,
`keras_version` and `backend`; weights in `model_weights/<layer>/` with the
`layer_names` and `weight_names` attributes (`<layer>/kernel:0`, ...) and the
optimizer's in `optimizer_weights/`; reading files written by Keras 2 and by
Keras 3's legacy writer (and Keras Applications' weight files). Layers are matched
by position among the layers that have weights (by name with `by_name=True`, or
when every name matches); every shape is checked before anything is assigned.
"""
from __future__ import annotations

import json
import re
import warnings

import h5py
import numpy as np

from neurx.saving import keras_layout, safety
from neurx.saving.atomic import atomic_path
from neurx.saving.compile_config import compile_from_config, training_config
from neurx.saving.keras2_writing import (
    keras2_model_config,
    keras2_optimizer_config,
    keras2_optimizer_weights,
)
from neurx.saving.keras_zip import KERAS_VERSION, build_model, json_default
from neurx.saving.model_config import keras_weights, model_layers

_ATTR_LIMIT = 64000


# --------------------------------------------------------------------------- attributes
def save_attributes(group, name: str, data: list) -> None:
    """Writes a list of strings as an attribute, split in chunks as Keras does when large.

    >>> import io
    >>> store = h5py.File(io.BytesIO(), "w")
    >>> save_attributes(store, "layer_names", ["dense", "dense_1"])
    >>> load_attributes(store, "layer_names")
    ['dense', 'dense_1']
    """
    encoded = [x.encode("utf8") if isinstance(x, str) else x for x in data]
    array = np.asarray(encoded) if encoded else np.asarray([])
    chunks = max(1, -(-array.nbytes // _ATTR_LIMIT))
    if chunks == 1:
        group.attrs[name] = array
        return
    for index, chunk in enumerate(np.array_split(array, chunks)):
        group.attrs[f"{name}{index}"] = chunk


def load_attributes(group, name: str) -> list:
    """Reads what `save_attributes` wrote (also the chunked form).

    >>> import io
    >>> store = h5py.File(io.BytesIO(), "w")
    >>> save_attributes(store, "weight_names", ["d/kernel:0"])
    >>> load_attributes(store, "weight_names")
    ['d/kernel:0']
    """
    if name in group.attrs:
        values = list(group.attrs[name])
    else:
        values, index = [], 0
        while f"{name}{index}" in group.attrs:
            values += list(group.attrs[f"{name}{index}"])
            index += 1
    return [v.decode("utf8") if hasattr(v, "decode") else str(v) for v in values]


# --------------------------------------------------------------------------- weights order
def _weight_names(variables) -> list:
    names, used = [], set()
    for v in variables:
        name = f"{v.path}:0"
        while name in used:
            name = name.replace(":0", "_1:0")
        used.add(name)
        names.append(name)
    return names


def save_weights_to_group(model, group) -> None:
    """Writes `model_weights`-style groups: one per layer, named after the layer.

    >>> import io
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,), name="out")])
    >>> store = h5py.File(io.BytesIO(), "w")
    >>> save_weights_to_group(model, store)
    >>> load_attributes(store["out"], "weight_names")
    ['out/kernel:0', 'out/bias:0']
    """
    layers = model_layers(model)
    save_attributes(group, "layer_names", [layer.name for layer in layers])
    group.attrs["backend"] = "jax"
    group.attrs["keras_version"] = KERAS_VERSION
    for layer in layers:
        _write_layer(group.create_group(layer.name), keras_weights(layer))
    own = keras_layout.own_variables(model)
    _write_layer(group.create_group("top_level_model_weights"), own)


def _write_layer(group, variables) -> None:
    names = _weight_names(variables)
    save_attributes(group, "weight_names", names)
    for name, v in zip(names, variables):
        group.create_dataset(name, data=np.asarray(v.value))


def read_layer_weights(group) -> list[tuple[str, list[np.ndarray]]]:
    """`(layer name, arrays)` for each layer of a `model_weights`-style group that has
    weights, in the file's order.

    >>> import io
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,), name="out")])
    >>> store = h5py.File(io.BytesIO(), "w")
    >>> save_weights_to_group(model, store)
    >>> [(name, [a.shape for a in arrays]) for name, arrays in read_layer_weights(store)]
    [('out', [(2, 1), (1,)])]
    """
    saved = []
    for name in load_attributes(group, "layer_names"):
        layer_group = group[name]
        values = [np.asarray(layer_group[w]) for w in load_attributes(layer_group, "weight_names")]
        if values:
            saved.append((name, values))
    return saved


def load_weights_from_group(model, group, source: str, by_name=False, skip_mismatch=False):
    """Checks every layer's weights in `group` against `model`, then assigns them all.

    Layers are paired by name with `by_name` (the model's other layers are left as they
    are), or when every name matches; else in order, among the layers that have weights
    (Keras's layer order). With `skip_mismatch`, a layer whose weights do not fit is
    skipped with a warning instead of raising.

    >>> import io
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,), name="out")])
    >>> store = h5py.File(io.BytesIO(), "w")
    >>> save_weights_to_group(model, store)
    >>> load_weights_from_group(model, store, "in-memory")
    """
    saved = read_layer_weights(group)
    assignments = []
    for layer, saved_name, values in _pair_layers(model, saved, source, by_name):
        assignments += _check_layer(layer, saved_name, values, source, skip_mismatch)
    top = group.get("top_level_model_weights")
    if top is not None:
        values = [np.asarray(top[w]) for w in load_attributes(top, "weight_names")]
        if values:
            assignments += _check_layer(model, "top_level_model_weights", values, source,
                                        skip_mismatch, keras_layout.own_variables(model))
    for variable, value in assignments:
        variable.assign(value)


def _pair_layers(model, saved, source, by_name) -> list:
    if by_name:
        layers = {layer.name: layer for layer in model_layers(model)}
        return [(layers[name], name, values) for name, values in saved if name in layers]
    with_weights = [layer for layer in model_layers(model) if keras_weights(layer)]
    named = {layer.name: layer for layer in with_weights}
    if {name for name, _ in saved} == set(named):
        return [(named[name], name, values) for name, values in saved]
    if len(with_weights) != len(saved):
        raise ValueError(
            f"Cannot load weights from '{source}' into model '{model.name}': the file has "
            f"weights for {len(saved)} layers ({[n for n, _ in saved][:5]}...), the model "
            f"has {len(with_weights)} layers with weights "
            f"({[layer.name for layer in with_weights][:5]}...). Check that the model is "
            "built as the file's model was (the same layers; for an application, the same "
            "include_top, classes, alpha, ...).")
    return [(layer, name, values) for layer, (name, values) in zip(with_weights, saved)]


def _check_layer(layer, saved_name, values, source, skip_mismatch, variables=None) -> list:
    variables = keras_weights(layer) if variables is None else variables
    expected = [tuple(v.shape) for v in variables]
    got = [tuple(value.shape) for value in values]
    if expected == got:
        return list(zip(variables, values))
    message = (f"Cannot load weights from '{source}': layer '{layer.name}' "
               f"({type(layer).__name__}) has weights of shapes {expected}, but the file's "
               f"layer '{saved_name}' has {got}.")
    if not skip_mismatch:
        raise ValueError(message)
    warnings.warn(f"{message} Skipping this layer (skip_mismatch=True).", stacklevel=4)
    return []


# --------------------------------------------------------------------------- models
def save_model(model, filepath, include_optimizer: bool = True) -> None:
    """Writes `model` as a tf.keras 2 `.h5` file (atomically), in the config dialect that
    tf.keras 2 writes (see `keras2_writing`): tf.keras 2.21 and Keras 3 both load it.

    >>> import os, tempfile
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.h5")
    >>> save_model(model, path)
    >>> with h5py.File(path, "r") as f:
    ...     sorted(f.attrs)
    ['backend', 'keras_version', 'model_config']
    """
    config = json.dumps(keras2_model_config(model), default=json_default)
    compiled = getattr(model, "compiled", False) and getattr(model, "optimizer", None) is not None
    with atomic_path(filepath) as tmp:
        with h5py.File(tmp, "w") as f:
            f.attrs["keras_version"] = KERAS_VERSION
            f.attrs["backend"] = "jax"
            f.attrs["model_config"] = config
            save_weights_to_group(model, f.create_group("model_weights"))
            if compiled:
                training = training_config(model)
                training["optimizer_config"] = keras2_optimizer_config(
                    training["optimizer_config"])
                f.attrs["training_config"] = json.dumps(training, default=json_default)
            if compiled and include_optimizer:
                names, values = keras2_optimizer_weights(model)
                group = f.create_group("optimizer_weights")
                save_attributes(group, "weight_names", names)
                for name, value in zip(names, values):
                    group.create_dataset(name, data=value)


def _attr_json(f, name):
    raw = f.attrs[name]
    return json.loads(raw.decode("utf8") if hasattr(raw, "decode") else raw)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Reads a Keras 2 / legacy `.h5` model file.

    >>> import os, tempfile
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.h5")
    >>> save_model(model, path)
    >>> load_model(path).count_params()
    3
    """
    try:
        f = h5py.File(filepath, "r")
    except OSError as error:
        raise ValueError(f"Cannot load '{filepath}': it is not a readable HDF5 file (truncated "
                         f"or corrupted): {error}") from None
    with f:
        if "model_config" not in f.attrs:
            raise ValueError(
                f"Cannot load '{filepath}' as a model: the file holds weights only (no model "
                "config), as written by `save_weights()`. Build the model in code and call "
                f"`model.load_weights('{filepath}')`.")
        config = _attr_json(f, "model_config")
        model = build_model(config, filepath, custom_objects, compile=False, safe_mode=safe_mode)
        weights = f["model_weights"] if "model_weights" in f else f
        load_weights_from_group(model, weights, str(filepath))
        if compile and "training_config" in f.attrs:
            training = _attr_json(f, "training_config")
            safety.check_config(training, str(filepath), safe_mode)
            compile_from_config(model, training, custom_objects, safe_mode)
            if "optimizer_weights" in f:
                _load_optimizer(model, f["optimizer_weights"], str(filepath))
    return model


def _load_optimizer(model, group, source) -> None:
    names = load_attributes(group, "weight_names")
    values = [np.asarray(group[n]) for n in names]
    optimizer = model.optimizer
    if len(values) > 2 and optimizer.state is None:
        keras_layout.build_optimizer_for(model)
    values = _keras3_optimizer_layout(optimizer, names, values)
    if len(values) != len(optimizer.variables):
        warnings.warn(f"Skipping the optimizer state in '{source}': optimizer "
                      f"'{optimizer.name}' has {len(optimizer.variables)} variables but the "
                      f"file holds {len(values)}. Training restarts the optimizer's state.",
                      stacklevel=3)
        return
    keras_layout.set_optimizer_values(optimizer, model, values)


def _keras3_optimizer_layout(optimizer, names, values) -> list:
    """Keras 2's optimizer weights in Keras 3's order (learning rate added, slots interleaved)."""
    values = list(values)
    has_lr = len(names) > 1 and "learning_rate" in names[1]
    if not has_lr and not optimizer._slot_groups():
        values, names = values[:1], names[:1]     # tf.keras's SGD keeps unused momentum slots
    if not has_lr and optimizer._schedule is None and len(values) == len(optimizer.variables) - 1:
        values.insert(1, np.asarray(optimizer.variables[1]))
        names = names[:1] + ["learning_rate"] + names[1:]
    slots = names[2:] if optimizer._schedule is None else names[1:]
    suffixes = [m.group(1) if (m := re.search(r"/(\w+):0$", n)) else None for n in slots]
    blocks = [s for i, s in enumerate(suffixes) if i == 0 or suffixes[i - 1] != s]
    multi = [group for group in optimizer._slot_groups() if len(group) > 1]
    if None not in suffixes and len(blocks) == len(set(blocks)) == 2 and multi and \
            slots and suffixes.count(blocks[0]) == suffixes.count(blocks[1]):
        head = values[:len(values) - len(slots)]
        first = values[len(head):len(head) + suffixes.count(blocks[0])]
        second = values[len(head) + len(first):]
        values = head + [v for pair in zip(first, second) for v in pair]
    return values
