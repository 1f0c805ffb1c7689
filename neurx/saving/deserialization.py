"""Keras 3 (and Keras 2) config dicts back to objects.

What it owns: `deserialize_keras_object`, which reads Keras 3's dicts
(`module`, `class_name`, `config`, `registered_name`, `build_config`,
`compile_config`) and Keras 2's `{"class_name", "config"}`. Classes come only
from `object_registry`. Before a layer class sees a config from a file, the
config is made to fit neurx: Keras's `DTypePolicy` becomes a dtype name, keys
that only newer Keras versions write (`quantization_config: None`, ...) are
dropped, registered custom objects nested in it are rebuilt, wrapped layers'
configs get the same treatment, and a `Lambda`'s function is turned back into
Python only outside safe mode.
"""
from __future__ import annotations

import inspect

import numpy as np

from neurx.layers.layer import _BASE_KWARGS, Layer
from neurx.saving import object_registry, safety
from neurx.saving.keras2_reading import drop_keras2_keys
from neurx.saving.serialization import NEURX_OPS, PLAIN_TYPES
from neurx.symbolic import KerasTensor

# Keys Keras 3.x layers write that neurx layers need not accept when they hold a default.
_KERAS_ONLY_KEYS = ("quantization_config", "optional", "ragged", "lora_rank", "lora_alpha",
                    "lora_enabled", "autocast")
_PLAIN_DTYPES = ("float16", "float32", "float64", "bfloat16", "int32", "int64", "uint8",
                 "int8", "int16", "bool")


def deserialize_keras_object(config, custom_objects=None, safe_mode=None, **kwargs):
    """Rebuilds the object a Keras 3 (or Keras 2) config describes.

    Classes come only from neurx and the custom objects (see `object_registry`);
    `safe_mode` (default True) refuses lambdas.

    Example:
    >>> layer = deserialize_keras_object({"module": "keras.layers", "class_name": "Dense",
    ...     "config": {"units": 2, "name": "d", "quantization_config": None}})
    >>> type(layer).__name__, layer.units
    ('Dense', 2)
    """
    safe_mode = safety.in_safe_mode(safe_mode)
    custom = object_registry.active_custom_objects(custom_objects)
    if config is None:
        return None
    if isinstance(config, str) and config in custom:
        return custom[config]
    if isinstance(config, PLAIN_TYPES):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(x, custom_objects, safe_mode) for x in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode)
                for k, v in config.items()}
    special = _deserialize_special(config, custom_objects, safe_mode)
    if special is not _NOT_SPECIAL:
        return special
    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    module = config.get("module")
    if class_name == "function":
        return resolve_function(inner if isinstance(inner, str) else config.get("registered_name"),
                                module, config.get("registered_name"), custom_objects)
    if module == "keras.src.ops.numpy" or (module is None and class_name in NEURX_OPS
                                           and set(inner) <= {"name"}):
        op_layer = object_registry.public_object("OpLayer", "keras.layers")
        return op_layer(NEURX_OPS.get(class_name, class_name.lower()), name=inner.get("name"))
    cls = object_registry.resolve(class_name, module, config.get("registered_name"),
                                  custom_objects, what=kwargs.get("what", "class"))
    if inspect.isfunction(cls):
        return cls
    with object_registry.CustomObjectScope(custom_objects or {}), \
            safety.safe_mode_scope(safe_mode):
        instance = instantiate(cls, inner, custom_objects, safe_mode)
        if isinstance(instance, Layer):
            build_from_config(instance, config.get("build_config"))
        compile_config = config.get("compile_config")
        if compile_config and hasattr(instance, "compile_from_config"):
            instance.compile_from_config(compile_config)
    return instance


_NOT_SPECIAL = object()


def _deserialize_special(config, custom_objects, safe_mode):
    name, inner = config["class_name"], config["config"]
    if name == "__keras_tensor__":
        tensor = KerasTensor(inner["shape"], inner["dtype"])
        tensor.keras_history = inner.get("keras_history")
        return tensor
    if name in ("__numpy__", "__tensor__"):
        return np.array(inner["value"], dtype=inner["dtype"])
    if name == "__bytes__":
        return inner["value"].encode("utf-8")
    if name == "__ellipsis__":
        return Ellipsis
    if name == "__slice__":
        return slice(*(deserialize_keras_object(inner[k], custom_objects, safe_mode)
                       for k in ("start", "stop", "step")))
    if name == "__tuple__":
        return tuple(deserialize_keras_object(v, custom_objects, safe_mode)
                     for v in inner["value"])
    if name == "__lambda__":
        return safety.load_function(inner, "this object", safe_mode)
    return _NOT_SPECIAL


def resolve_function(name, module=None, registered_name=None, custom_objects=None):
    """The function a `class_name: "function"` config names (custom, then neurx's).

    >>> resolve_function("relu", "keras.activations").__name__
    'relu'
    """
    custom = object_registry.active_custom_objects(custom_objects)
    for key in (registered_name, name):
        if key and key in custom:
            return custom[key]
    found = object_registry.public_object(name, module)
    if found is None:
        activations = object_registry.public_object("get", "keras.activations")
        if module == "keras.activations" and activations is not None:
            return activations(name)
        return object_registry.resolve(name, module, registered_name, custom_objects,
                                       what="function")
    return found


def instantiate(cls, inner: dict, custom_objects=None, safe_mode=True):
    """`cls.from_config(inner)` with the config made to fit and errors that name the object.

    >>> from neurx.layers import Dense
    >>> policy = {"class_name": "DTypePolicy", "config": {"name": "float32"}}
    >>> instantiate(Dense, {"units": 2, "dtype": policy}).units
    2
    """
    if not isinstance(inner, dict):
        raise TypeError(f"Expected the config of {cls.__name__} to be a dict. Received: {inner!r}")
    inner = dict(inner)
    if inspect.isclass(cls) and issubclass(cls, Layer):
        inner = fit_layer_config(cls, inner, custom_objects, safe_mode)
    from_config = getattr(cls, "from_config", None)
    if from_config is None:
        raise TypeError(f"Unable to rebuild '{cls.__name__}': the class has no "
                        "`from_config()` method.")
    try:
        if "custom_objects" in inspect.signature(from_config).parameters:
            return from_config(inner, custom_objects=custom_objects)
        return from_config(inner)
    except RebuildError:
        raise
    except (TypeError, KeyError) as error:
        name = inner.get("name", "?")
        keys = sorted(k for k in inner if k != "name")
        raise RebuildError(
            f"Could not rebuild '{name}' (class {cls.__name__}) from its config: {error}. "
            "Its get_config() must return every constructor argument, and from_config() "
            f"must rebuild nested objects. Config keys: {keys}") from error


class RebuildError(TypeError):
    """A class could not be rebuilt from its config (raised once, at the innermost object).

    >>> from neurx.layers import Dense
    >>> try:
    ...     instantiate(Dense, {"name": "d", "unit": 2})
    ... except RebuildError as error:
    ...     print(str(error)[:43])
    Could not rebuild 'd' (class Dense) from it
    """


def _accepted_keywords(cls) -> set | None:
    """The constructor keywords `cls` accepts, or None when it takes any."""
    names, open_ended = set(), False
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters.values()
        names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            return names - {"self"}
        if klass is Layer:
            return (names | set(_BASE_KWARGS)) - {"self"}
        open_ended = True
    return None if open_ended else names - {"self"}


def _dtype_name(dtype):
    """A dtype policy (Keras 3 dict, tf.keras 2 dict or name) as neurx's dtype name."""
    name = (dtype.get("config") or {}).get("name") if isinstance(dtype, dict) else dtype
    if name in _PLAIN_DTYPES:
        return name
    if isinstance(name, str) and name.startswith("mixed_"):
        return "float32"   # neurx keeps variables and math in one dtype
    return None


def fit_layer_config(cls, inner: dict, custom_objects=None, safe_mode=True) -> dict:
    """Adapts a layer config from a file to `cls`'s constructor (see module notes).

    >>> from neurx.layers import Dense
    >>> fit_layer_config(Dense, {"units": 2, "lora_rank": None, "optional": False})
    {'units': 2}
    """
    if "dtype" in inner:
        inner["dtype"] = _dtype_name(inner["dtype"])
        if inner["dtype"] is None:
            del inner["dtype"]
    accepted = _accepted_keywords(cls)
    if accepted is not None:
        for key in list(inner):
            value = inner[key]
            if key not in accepted and (key in _KERAS_ONLY_KEYS or value in (None, False, [], {})):
                del inner[key]
        drop_keras2_keys(inner, accepted)
    custom = object_registry.active_custom_objects(custom_objects)
    for key, value in list(inner.items()):
        if isinstance(value, dict) and "class_name" in value and _is_custom(value, custom):
            inner[key] = deserialize_keras_object(value, custom_objects, safe_mode)
    if cls.__name__ == "Lambda" and cls.__module__.startswith("neurx."):
        _fit_lambda_config(inner, custom_objects, safe_mode)
    for key, value in list(inner.items()):   # wrapped layers (Bidirectional, TimeDistributed)
        name = value.get("class_name") if isinstance(value, dict) else None
        if isinstance(name, str) and not name.startswith("__") and \
                isinstance(value.get("config"), dict):
            nested = _layer_class(value, custom_objects)
            if nested is not None:
                inner[key] = dict(value, config=fit_layer_config(
                    nested, dict(value["config"]), custom_objects, safe_mode))
    return inner


def _layer_class(config: dict, custom_objects):
    """The Layer class a nested config names, or None (nothing is built)."""
    try:
        cls = object_registry.resolve(config["class_name"], config.get("module"),
                                      config.get("registered_name"), custom_objects)
    except ValueError:
        return None
    return cls if inspect.isclass(cls) and issubclass(cls, Layer) else None


def _is_custom(config: dict, custom: dict) -> bool:
    """Whether a nested config names a custom (registered or passed) object."""
    if config.get("registered_name") in custom or config["class_name"] in custom:
        return True
    if config["class_name"] == "function":
        return config.get("config") in custom
    public = str(config.get("module") or "").startswith("keras")
    return not public and object_registry.registered_by_short_name(config["class_name"]) is not None


def _fit_lambda_config(inner: dict, custom_objects, safe_mode) -> None:
    where = f"Lambda layer '{inner.get('name', '?')}'"
    function_type = inner.pop("function_type", None)
    inner.pop("module", None)
    output_type = inner.pop("output_shape_type", None)
    inner.pop("output_shape_module", None)
    for key, kind in (("function", function_type), ("output_shape", output_type),
                      ("mask", None)):
        value = inner.get(key)
        if isinstance(value, dict) and value.get("class_name") == "__lambda__":
            inner[key] = safety.load_function(value["config"], where, safe_mode)
        elif kind == "lambda" and isinstance(value, (list, tuple)):
            inner[key] = safety.load_function(value, where, safe_mode)
        elif isinstance(value, dict) and value.get("class_name") == "function":
            inner[key] = deserialize_keras_object(value, custom_objects, safe_mode)
        elif key == "function" and isinstance(value, str):
            inner[key] = resolve_function(value, None, None, custom_objects)
        elif key == "output_shape" and isinstance(value, list):
            inner[key] = tuple(value)
    if isinstance(inner.get("arguments"), dict):
        inner["arguments"] = deserialize_keras_object(inner["arguments"], custom_objects,
                                                      safe_mode)


def build_from_config(layer, build_config) -> None:
    """Builds `layer` on the shape a file recorded (Keras's `build_from_config`).

    >>> from neurx.layers import Dense
    >>> layer = Dense(2)
    >>> build_from_config(layer, {"input_shape": [None, 3]})
    >>> layer.kernel.shape
    (3, 2)
    """
    if not build_config or layer.built:
        return
    shape = build_config.get("input_shape") if isinstance(build_config, dict) else None
    if shape is None:
        return
    shape = _as_shape_tuple(shape)
    layer.build(shape)
    layer.built = True


def _as_shape_tuple(shape):
    if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, int) for d in shape):
        return tuple(shape)
    if isinstance(shape, dict):
        return {k: _as_shape_tuple(v) for k, v in shape.items()}
    return [_as_shape_tuple(s) for s in shape]
