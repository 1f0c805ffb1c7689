"""Writing tf.keras 2's config dialect, for `.h5` files that tf.keras 2.21 and Keras 3 both load.

What it owns: turning neurx's (Keras 3) model config into the one tf.keras 2
writes: layer entries `{"class_name", "config"}` without Keras 3's `module` /
`registered_name` / `build_config`, dtype policies as names, `InputLayer`'s
`batch_input_shape`, functional calls as Keras 2's nested lists
`[[layer, node, tensor, kwargs], ...]` (a nested model counts its own node first,
as tf.keras 2 does); and the optimizer as tf.keras 2's classic optimizers store
it, the form every tf.keras 2 reads and Keras 3 reads too (tf.keras 2.11+ only
builds its newer optimizers from a config flagged `is_legacy_optimizer: false`,
a key Keras 3 refuses): the config without the newer optimizers' options while
they hold their defaults, and the variables as `iteration` then the slots, one
block per slot kind (`SGD/dense/kernel/momentum:0`, ...), with no learning-rate
variable. Keras 3 loads the model and predicts; its `.h5` reader cannot restore
optimizer variables from any `.h5` (it builds the optimizer without the model's variables).
"""
from __future__ import annotations

import numpy as np

from neurx.saving import keras_layout
from neurx.saving.model_config import keras_weights
from neurx.saving.serialization import serialize_keras_object

_KERAS3_ENTRY_KEYS = ("module", "registered_name", "build_config", "compile_config")
# Config keys tf.keras 2 does not take, left out while they hold the default (tf.keras 2
# refuses keywords it does not know): Keras 3's initializer axes, the newer optimizers'.
_KERAS3_ONLY_KEYS = {"input_axes": None, "output_axes": None, "loss_scale_factor": None,
                     "gradient_accumulation_steps": None, "weight_decay": None,
                     "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                     "clipnorm": None, "clipvalue": None, "global_clipnorm": None}
_NESTED_MODELS = ("Sequential", "Functional", "Model")


def keras2_model_config(model) -> dict:
    """`{"class_name", "config"}` of `model` as tf.keras 2 writes `model_config`.

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> config = keras2_model_config(model)["config"]
    >>> config["layers"][0]["config"]["batch_input_shape"], config["layers"][1]["config"]["dtype"]
    ([None, 2], 'float32')
    """
    return _entry(serialize_keras_object(model))


def _entry(entry):
    """A Keras 3 object entry (layer, model, initializer...) in tf.keras 2's form."""
    if not isinstance(entry, dict) or "class_name" not in entry or "config" not in entry:
        return entry
    registered = entry.get("registered_name")
    out = {k: v for k, v in entry.items() if k not in _KERAS3_ENTRY_KEYS}
    if registered and ">" in registered:
        out["class_name"] = registered        # tf.keras names custom classes by package>name
    inner = entry["config"]
    if isinstance(inner, dict):
        inner = {k: _entry(v) for k, v in inner.items()
                 if not (k in _KERAS3_ONLY_KEYS and v == _KERAS3_ONLY_KEYS[k])}
    if isinstance(inner, dict) and "dtype" in inner:
        inner = dict(inner, dtype=_dtype_name(inner["dtype"]))
    if out["class_name"] == "InputLayer" and isinstance(inner, dict) and "batch_shape" in inner:
        inner = dict(inner)
        inner["batch_input_shape"] = inner.pop("batch_shape")
    if isinstance(inner, dict) and isinstance(inner.get("layers"), list):
        inner = _model_config(inner)
    out["config"] = inner
    return out


def _dtype_name(dtype):
    if isinstance(dtype, dict) and isinstance(dtype.get("config"), dict):
        return dtype["config"].get("name")
    return dtype


def _model_config(config: dict) -> dict:
    """A Sequential or functional config with its layers (and their calls) in Keras 2 form."""
    nested = {entry.get("name") or (entry.get("config") or {}).get("name"): entry["class_name"]
              for entry in config["layers"] if isinstance(entry, dict)}
    layers = []
    for entry in config["layers"]:
        converted = _entry(entry)
        if "inbound_nodes" in entry:
            converted["inbound_nodes"] = [_keras2_node(node, nested)
                                          for node in entry["inbound_nodes"]]
        layers.append(converted)
    out = dict(config, layers=layers)
    for key in ("input_layers", "output_layers"):
        if key in config:     # a functional model's own node is counted already; a Sequential's not
            out[key] = _map_histories(config[key], nested, ("Sequential",))
    return out


def _map_histories(structure, nested, shifted):
    if isinstance(structure, list) and len(structure) == 3 and isinstance(structure[0], str):
        name, node_index, tensor_index = structure
        return [name, node_index + (1 if nested.get(name) in shifted else 0), tensor_index]
    if isinstance(structure, dict):
        return {k: _map_histories(v, nested, shifted) for k, v in structure.items()}
    return [_map_histories(v, nested, shifted) for v in structure]


def _keras2_node(node, nested):
    """One recorded call as `[[layer, node, tensor, kwargs], ...]`; calls that pass more than
    tensors (ops with constants) keep Keras 3's form, which only Keras 3 reads."""
    if not isinstance(node, dict):
        return node
    args, kwargs = node.get("args", []), node.get("kwargs", {})
    tensors = args[0] if len(args) == 1 and isinstance(args[0], list) else args
    if len(args) != 1 or not tensors or not all(_is_tensor(t) for t in tensors) \
            or any(_holds_tensor(v) for v in kwargs.values()):
        return node
    call_kwargs = {k: v for k, v in kwargs.items() if v is not None}
    entries = []
    for tensor in tensors:
        name, node_index, tensor_index = tensor["config"]["keras_history"]
        shift = 1 if nested.get(name) in _NESTED_MODELS else 0
        entries.append([name, node_index + shift, tensor_index, call_kwargs])
    return entries


def _is_tensor(value) -> bool:
    return isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"


def _holds_tensor(value) -> bool:
    if isinstance(value, list):
        return any(_holds_tensor(v) for v in value)
    if isinstance(value, dict):
        return _is_tensor(value) or any(_holds_tensor(v) for v in value.values())
    return False


def keras2_optimizer_config(optimizer_config: dict) -> dict:
    """An optimizer's `{"class_name", "config"}` as tf.keras 2's classic optimizers take it.

    >>> keras2_optimizer_config({"class_name": "SGD", "config": {
    ...     "learning_rate": 0.01, "momentum": 0.9, "use_ema": False, "weight_decay": None}})
    {'class_name': 'SGD', 'config': {'learning_rate': 0.01, 'momentum': 0.9}}
    """
    return _entry(optimizer_config)


def keras2_optimizer_weights(model) -> tuple[list, list]:
    """`(names, values)` of the optimizer's variables as tf.keras 2's classic optimizers
    hold them: `iteration`, then each slot kind for every trainable variable in turn.

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,), name="out")])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> keras_layout.build_optimizer_for(model)
    >>> [name.split("/", 1)[1] for name in keras2_optimizer_weights(model)[0]]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['iter:0', 'out/kernel/momentum:0', 'out/bias/momentum:0', 'out/kernel/velocity:0',
     'out/bias/velocity:0']
    """
    optimizer = model.optimizer
    values = keras_layout.optimizer_values(optimizer, model)
    head = 1 if optimizer._schedule is not None else 2       # iteration (, learning rate)
    slots = values[head:]
    trainable = [v for v in keras_weights(model) if v.trainable]
    names, ordered = [f"{optimizer.name}/iter:0"], [np.asarray(values[0], np.int64)]
    position = 0
    for group in optimizer._slot_groups():
        block = slots[position:position + len(group) * len(trainable)]
        if len(block) != len(group) * len(trainable):
            break                                 # not built yet: no slots to write
        for k, field in enumerate(group):         # Keras 3 interleaves a group's kinds
            for i, variable in enumerate(trainable):
                names.append(f"{optimizer.name}/{variable.path}/{field}:0")
                ordered.append(block[i * len(group) + k])
        position += len(block)
    extra = slots[position:]                      # scalars such as Nadam's u_product
    names += [f"{optimizer.name}/slot_{i}:0" for i in range(len(extra))]
    return names, ordered + list(extra)
