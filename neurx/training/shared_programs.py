"""Compiled programs shared by every model of one structure.

What it owns: the key that says two compiled models run the same programs, and the
process-wide table of jitted programs under each key. A model's train, test and predict
programs take its weights, optimizer state (the learning rate included) and data as inputs,
so the folds of a cross-validation, the refit, `sklearn.base.clone` copies and search
candidates that differ only in learning rate run one compiled program each.

The key is everything the programs bake in: the model's layer configs with the layer names
replaced by their positions, the layers' other plain values and arrays, the weights' shapes, dtypes and
trainability, the losses, metrics and their log names, and the optimizer's settings other than
its learning rate and name. A model that runs code neurx cannot describe (a user's layer,
activation, loss or subclassed model, a custom `train_step`) gets no key and its own programs.

The table holds no model: a program takes a `ProgramOwner` (equal for equal keys) as a static
argument, which reaches the model that calls it, and so traces it on a cache miss, through a
weak reference.
"""
from __future__ import annotations

import collections
import functools
import hashlib
import json
import sys
import types
import weakref
from collections.abc import Callable

import jax
import numpy as np

# Modules whose functions and objects a key may describe: neurx's own, the array libraries'
# and Python's (a user's code, in any other module, may change what a program computes).
_DESCRIBABLE_MODULES = frozenset({"neurx", "jax", "jaxlib", "numpy", "ml_dtypes", "optax"}) | \
    sys.stdlib_module_names
# Config entries that hold layer names (renamed to positions: names do not change programs).
_NAME_ENTRIES = ("name", "keras_history", "input_layers", "output_layers")
# Optimizer attributes that are inputs of the programs (or bookkeeping), not baked into them.
_OPTIMIZER_INPUTS = ("name", "state", "_lr", "_initial_iterations", "_lr_variable",
                     "_iterations_variable", "_built_variables", "_jit_update", "_exclude_ids",
                     "_exclude_names")
# Layer and model attributes that never change what a program computes.
_BOOKKEEPING = ("name", "stop_training", "_initial_epoch")
_MAX_KEYS = 256   # structures whose programs stay compiled (the oldest are dropped first)
_programs: collections.OrderedDict = collections.OrderedDict()


class NotDescribable(Exception):
    """A model, objective or optimizer runs code a key cannot describe."""


def all_layers(model) -> list:
    """`model` and every layer inside it, each once."""
    stack, seen, found = [model], set(), []
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        found.append(layer)
        stack += layer._layers
    return found


def program_key(model, objectives=None, optimizer=None, flags: tuple = ()) -> str | None:
    """The key under which `model`'s programs are shared, or None when they cannot be.

    >>> from neurx import Sequential, layers
    >>> def mlp(name):
    ...     return Sequential([layers.Dense(4, input_shape=(3,), name=name), layers.Dense(1)])
    >>> program_key(mlp("a")) == program_key(mlp("b"))
    True
    >>> wider = Sequential([layers.Dense(5, input_shape=(3,)), layers.Dense(1)])
    >>> program_key(mlp("a")) == program_key(wider)
    False
    """
    try:
        layers = all_layers(model)
        names = [layer.name for layer in layers] + [
            tensor.name for layer in layers if getattr(layer, "_graph", None) is not None
            for tensor in layer._graph.flat_inputs]
        positions = {name: f"#{i}" for i, name in enumerate(names)}
        facts = {
            "model": _renamed(model.get_config(), positions),
            "layers": [[_module_path(type(layer))] + _layer_state(layer) for layer in layers],
            "weights": [[list(v.shape), str(v.dtype), bool(v.trainable)] for v in model.weights],
            "objectives": None if objectives is None else _objectives_facts(objectives, positions),
            "optimizer": None if optimizer is None else _optimizer_facts(optimizer),
            "flags": list(flags)}
        return json.dumps(facts, sort_keys=True, default=_plain)
    except (NotDescribable, NotImplementedError, TypeError, ValueError):
        return None


def _module_path(value) -> str:
    module = getattr(value, "__module__", None) or ""
    if module.split(".")[0] not in _DESCRIBABLE_MODULES:
        raise NotDescribable(f"{value!r} comes from {module!r}")
    return f"{module}.{getattr(value, '__qualname__', type(value).__qualname__)}"


def _renamed(value, positions, entry=None):
    if isinstance(value, dict):
        return {k: _renamed(v, positions, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_renamed(v, positions, entry) for v in value]
    if isinstance(value, str) and entry in _NAME_ENTRIES:
        return positions.get(value, value)
    return value


def _layer_state(layer) -> list:
    """A layer's attributes outside its config that a program may read: its plain values and
    fingerprints of its arrays (they become constants of the programs). Raises
    `NotDescribable` for objects from outside neurx (a user's function or class)."""
    found = []
    for attribute, value in sorted(vars(layer).items()):
        if attribute in _BOOKKEEPING:
            continue
        items = value.values() if isinstance(value, dict) else \
            value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, (np.ndarray, jax.Array)):
                found.append([attribute, _fingerprint(item)])
            elif item is None or isinstance(item, (bool, int, float, str)):
                found.append([attribute, item])
            else:
                _check_describable(item)
    return found


def _check_describable(value) -> None:
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return
    if isinstance(value, functools.partial):
        _check_describable(value.func)
    elif isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)):
        _module_path(value)
    else:
        _module_path(type(value))


def _describe(value):
    """A plain form of a compile argument: names and numbers as they are, neurx objects as
    their class and config, neurx functions by name."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_describe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _describe(v) for k, v in value.items()}
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType)):
        return _module_path(value)
    path = _module_path(type(value))
    config = value.get_config() if hasattr(value, "get_config") else None
    return [path, _describe(config)]


def _objectives_facts(objectives, positions) -> dict:
    """What the programs bake in of the losses and metrics; the log names come out of them
    (one output's logs do not name it: `loss`, `mae`)."""
    return {"loss": _describe(objectives.loss_spec), "metrics": _describe(objectives.metrics_spec),
            "weighted": _describe(objectives.weighted_metrics_spec),
            "loss_weights": objectives.loss_weights,
            "outputs": [positions.get(name, name) for name in objectives.output_names],
            "logs": objectives.log_names() if objectives.built else None}


def _optimizer_facts(optimizer) -> dict:
    facts = {"class": _module_path(type(optimizer))}
    for attribute, value in vars(optimizer).items():
        if attribute not in _OPTIMIZER_INPUTS:
            facts[attribute] = _describe(value)
    return facts


def _fingerprint(array) -> str:
    array = np.asarray(array)
    digest = hashlib.sha1(np.ascontiguousarray(array).tobytes()).hexdigest()
    return f"{array.dtype}{list(array.shape)}{digest}"


def _plain(value):
    """`json.dumps`'s fallback for config values: NumPy scalars and arrays."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (np.ndarray, jax.Array)):
        return _fingerprint(value)
    raise NotDescribable(f"a config holds {type(value).__name__}")


class ProgramOwner:
    """The static argument of a shared program: equal for equal keys (so every model of the
    structure hits the same compiled program), holding the calling `Steps` weakly."""

    __slots__ = ("key", "_steps")

    def __init__(self, key: str, steps):
        self.key = key
        self._steps = weakref.ref(steps)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other) -> bool:
        return isinstance(other, ProgramOwner) and other.key == self.key

    def steps(self):
        return self._steps()


def shared_jit(key: str, method: str, steps, donate_argnums: tuple = ()) -> Callable:
    """`jax.jit(getattr(steps, method))`, compiled once for every `Steps` whose key is `key`."""
    table = _programs.setdefault(key, {})
    _programs.move_to_end(key)
    while len(_programs) > _MAX_KEYS:
        _programs.popitem(last=False)
    program = table.get(method)
    if program is None:
        def run(owner, *args):
            return getattr(owner.steps(), method)(*args)
        run.__name__ = run.__qualname__ = method   # the name logs and the disk cache show
        program = jax.jit(run, static_argnums=0,
                          donate_argnums=tuple(i + 1 for i in donate_argnums))
        table[method] = program
    return functools.partial(program, ProgramOwner(key, steps))


def clear() -> None:
    """Forgets every shared program (the next model of each structure compiles again)."""
    _programs.clear()
