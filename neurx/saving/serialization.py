"""Objects to Keras 3's config dicts (`deserialization` goes the other way).

What it owns: `serialize_keras_object` (Keras 3's form: `module`,
`class_name`, `config`, `registered_name`, plus `build_config` for built layers
and `compile_config` for compiled models; functions as `class_name:
"function"`; lambdas as bytecode in a `__lambda__` dict; arrays, slices,
bytes and symbolic tensors in their `__numpy__`/`__slice__`/... forms), neurx
layer configs in Keras's spelling (dtype policies, `Lambda` functions, op
layers as Keras ops), and telling Sequential, functional and subclassed models
apart as Keras does.
"""
from __future__ import annotations

import inspect
import types

import jax
import numpy as np

from neurx.layers.input_layer import InputLayer
from neurx.layers.layer import Layer
from neurx.saving import object_registry, safety
from neurx.symbolic import KerasTensor
from neurx.variables import Variable

PLAIN_TYPES = (str, int, float, bool)
# neurx's op layers and the Keras op classes that `x + y` on symbolic tensors creates.
KERAS_OPS = {"add": "Add", "subtract": "Subtract", "multiply": "Multiply", "divide": "Divide",
             "matmul": "Matmul", "negative": "Negative", "power": "Power", "getitem": "GetItem"}
NEURX_OPS = {v: k for k, v in KERAS_OPS.items()}
NEURX_OPS["TrueDivide"] = "divide"


# --------------------------------------------------------------------------- serialize
def serialize_keras_object(obj):
    """The Keras 3 config of `obj` (plain values pass through).

    Example:
    >>> from neurx.layers import Dense
    >>> config = serialize_keras_object(Dense(3, name="out"))
    >>> config["module"], config["class_name"], config["config"]["units"]
    ('keras.layers', 'Dense', 3)
    >>> serialize_keras_object((1, slice(None, 2)))
    [1, {'class_name': '__slice__', 'config': {'start': None, 'stop': 2, 'step': None}}]
    """
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    special = _serialize_special(obj)
    if special is not None:
        return special
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        return safety.dump_function(obj)
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return serialize_function(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r} of type {type(obj).__name__}: to be "
                        "saved, an object must define `get_config()`.")
    return serialize_class_instance(obj)


def _serialize_special(obj):
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {
            "start": serialize_keras_object(obj.start), "stop": serialize_keras_object(obj.stop),
            "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, KerasTensor):
        history = None
        if obj.node is not None:
            history = [obj.node.layer.name, node_position(obj.node), obj.index]
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(obj.shape), "dtype": obj.dtype, "keras_history": history}}
    if isinstance(obj, Variable):
        obj = np.asarray(obj.value)
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (np.ndarray, jax.Array)):
        array = np.asarray(obj)
        if array.ndim == 0:
            return array.item()
        kind = "__numpy__" if isinstance(obj, np.ndarray) else "__tensor__"
        return {"class_name": kind, "config": {"value": array.tolist(), "dtype": array.dtype.name}}
    if isinstance(obj, np.dtype):
        return obj.name
    return None


def node_position(node) -> int:
    """The index of `node` among its layer's inbound nodes.

    >>> from neurx.layers import Dense, Input
    >>> layer = Dense(1)
    >>> _ = layer(Input(shape=(2,))), layer(Input(shape=(2,)))
    >>> node_position(layer._inbound_nodes[1])
    1
    """
    for index, candidate in enumerate(node.layer._inbound_nodes):
        if candidate is node:
            return index
    return 0


def serialize_function(fn) -> dict:
    """Keras's form of a named function: public neurx ones by module, others by name.

    >>> from neurx import losses
    >>> serialize_function(losses.mean_squared_error)["module"]
    'keras.losses'
    """
    module = object_registry.keras_module_of(fn)
    if module is not None:
        return {"module": module, "class_name": "function", "config": fn.__name__,
                "registered_name": fn.__name__}
    name = object_registry.get_registered_name(fn)
    fn_module = fn.__module__ if fn.__module__ != "__main__" else None
    return {"module": fn_module, "class_name": "function", "config": name,
            "registered_name": name}


def is_model(obj) -> bool:
    """A `neurx.Model` (or a subclass). The class is found through the registry, as
    `is_sequential`'s: the models package sits above saving and uses it.

    >>> import neurx
    >>> is_model(neurx.Sequential()), is_model(neurx.layers.Dense(1))
    (True, False)
    """
    model = object_registry.public_object("Model", "keras")
    return model is not None and isinstance(obj, model)


def is_sequential(model) -> bool:
    """A `Sequential` model (or a subclass of it).

    >>> import neurx
    >>> is_sequential(neurx.Sequential()), is_sequential(neurx.layers.Dense(1))
    (True, False)
    """
    sequential = object_registry.public_object("Sequential", "keras")
    return sequential is not None and isinstance(model, sequential)


def is_functional(model) -> bool:
    """A model built from inputs and outputs: a `Model` holding a graph, not Sequential,
    whose class keeps the functional constructor (Keras's `functional_like_constructor`).

    >>> import neurx
    >>> x = neurx.layers.Input(shape=(2,))
    >>> is_functional(neurx.Model(x, neurx.layers.Dense(1)(x))), is_functional(neurx.Sequential())
    (True, False)
    """
    if not is_model(model) or getattr(model, "_graph", None) is None \
            or is_sequential(model):
        return False
    if type(model).__name__ in ("Model", "Functional") and \
            type(model).__module__.startswith("neurx."):
        return True
    params = inspect.signature(type(model).__init__).parameters.values()
    kinds = {p.kind for p in params}
    names = [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD][1:]
    return (inspect.Parameter.VAR_POSITIONAL in kinds and inspect.Parameter.VAR_KEYWORD in kinds) \
        or names[:2] == ["inputs", "outputs"]


def serialize_class_instance(obj) -> dict:
    """`{module, class_name, config, registered_name[, build_config][, compile_config]}`.

    >>> from neurx.layers import Dense
    >>> config = serialize_class_instance(Dense(2))
    >>> config["class_name"], config["registered_name"]
    ('Dense', None)
    """
    cls = type(obj)
    if isinstance(obj, Layer) and type(obj).__name__ == "OpLayer":
        keras_name = KERAS_OPS.get(obj.op_name, obj.op_name)
        return {"module": "keras.src.ops.numpy", "class_name": keras_name,
                "config": {"name": obj.name}, "registered_name": keras_name}
    inner = obj.get_config()
    if not isinstance(inner, dict):
        raise TypeError(f"The `get_config()` method of {obj!r} must return a dict. "
                        f"It returned: {inner!r}")
    if isinstance(obj, Layer):
        inner = keras_layer_config(obj, inner)
    inner = serialize_keras_object(inner)
    module = object_registry.keras_module_of(obj)
    if is_functional(obj):
        config = {"module": "keras.src.models.functional", "class_name": "Functional",
                  "config": inner, "registered_name": None}
    elif module is not None:
        config = {"module": module, "class_name": cls.__name__, "config": inner,
                  "registered_name": None}
    else:
        cls_module = cls.__module__ if cls.__module__ != "__main__" else None
        config = {"module": cls_module, "class_name": cls.__name__, "config": inner,
                  "registered_name": object_registry.get_registered_name(cls)}
    if isinstance(obj, Layer):
        build_config = get_build_config(obj)
        if build_config is not None:
            config["build_config"] = serialize_keras_object(build_config)
    if is_model(obj) and getattr(obj, "compiled", False) and \
            hasattr(obj, "get_compile_config"):
        config["compile_config"] = obj.get_compile_config()
    return config


def keras_layer_config(layer, inner: dict) -> dict:
    """A neurx layer config in Keras 3's spelling (dtype policy, Lambda functions).

    >>> from neurx.layers import Dense
    >>> layer = Dense(2)
    >>> keras_layer_config(layer, layer.get_config())["dtype"]["class_name"]
    'DTypePolicy'
    """
    inner = dict(inner)
    if isinstance(inner.get("dtype"), str) and not isinstance(layer, InputLayer):
        inner["dtype"] = {"module": "keras", "class_name": "DTypePolicy",
                          "config": {"name": inner["dtype"]}, "registered_name": None}
    if type(layer).__name__ == "Lambda":
        for key in ("function", "output_shape", "mask"):
            value = inner.get(key, getattr(layer, key, None) if key == "mask" else None)
            if isinstance(value, types.FunctionType) and value.__name__ == "<lambda>":
                inner[key] = safety.dump_function(value)
            elif callable(value) and key in inner:
                inner[key] = serialize_function(value)
        if inner.get("mask") is None:
            inner.pop("mask", None)
    return inner


def get_build_config(layer) -> dict | None:
    """`{"input_shape": ...}` as Keras records it, when neurx knows the build shape.

    >>> from neurx.layers import Dense, Input
    >>> layer = Dense(2)
    >>> _ = layer(Input(shape=(3,)))
    >>> get_build_config(layer)
    {'input_shape': [None, 3]}
    """
    if isinstance(layer, InputLayer) or not layer.built:
        return None
    recorded = getattr(layer, "_build_input_shape", None)
    if recorded is not None:
        return {"input_shape": _shape_tree(recorded)}
    if is_model(layer) and getattr(layer, "_graph", None) is not None:
        shapes = [t.shape for t in layer._graph.flat_inputs]
        return {"input_shape": list(shapes[0]) if len(shapes) == 1 else [list(s) for s in shapes]}
    for node in layer._inbound_nodes:
        if node.args:
            first = node.args[0]
            return {"input_shape": jax.tree_util.tree_map(
                lambda t: list(t.shape), first,
                is_leaf=lambda t: isinstance(t, KerasTensor))}
    return None


def _shape_tree(shape):
    if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, (int, np.integer))
                                               for d in shape):
        return [None if d is None else int(d) for d in shape]
    if isinstance(shape, dict):
        return {k: _shape_tree(v) for k, v in shape.items()}
    return [_shape_tree(s) for s in shape]
