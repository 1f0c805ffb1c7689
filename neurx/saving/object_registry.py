"""Finding classes and functions by the names a saved file gives them.

What it owns: the registry of user objects (`register_keras_serializable`,
`get_custom_objects`, `CustomObjectScope` / `custom_object_scope`), and
`resolve`, the only way a saved config becomes a Python object: it looks in
the custom objects (passed, scoped, registered) and then in neurx's public
namespaces, chosen from the Keras module the file names (`keras.layers` ->
`neurx.layers`, ...). A name found nowhere is refused: nothing is imported
from a module named in a file, so a config cannot reach `os.system`.
"""
from __future__ import annotations

import importlib
import inspect
import threading

from neurx.naming import did_you_mean

_GLOBAL_CUSTOM_OBJECTS: dict = {}
_GLOBAL_CUSTOM_NAMES: dict = {}
_scopes = threading.local()

# Keras's public modules, each with the neurx modules that hold the same names.
KERAS_NAMESPACES = {
    "keras.layers": ("neurx.layers",),
    "keras": ("neurx.models", "neurx.layers"),
    "keras.models": ("neurx.models",),
    "keras.src.models.functional": ("neurx.models",),
    "keras.src.models.sequential": ("neurx.models",),
    "keras.optimizers": ("neurx.optimizers",),
    "keras.optimizers.schedules": ("neurx.optimizers.schedules",),
    "keras.losses": ("neurx.losses",),
    "keras.metrics": ("neurx.metrics",),
    "keras.initializers": ("neurx.initializers",),
    "keras.regularizers": ("neurx.regularizers",),
    "keras.constraints": ("neurx.constraints",),
    "keras.activations": ("neurx.activations",),
}
_SEARCH_ORDER = ("neurx.layers", "neurx.models", "neurx.optimizers", "neurx.losses",
                 "neurx.metrics", "neurx.initializers", "neurx.regularizers",
                 "neurx.constraints", "neurx.activations", "neurx.optimizers.schedules")
# Keras class names that are spelled differently in neurx.
_ALIASES = {"Functional": "Model"}


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Registers a class or function so saved files can name it (`package>name`).

    Example:
    >>> import neurx
    >>> @register_keras_serializable(package="Docs")
    ... class Double(neurx.layers.Layer):
    ...     def call(self, x):
    ...         return 2 * x
    >>> get_registered_name(Double)
    'Docs>Double'
    >>> get_custom_objects()["Docs>Double"] is Double
    True
    """
    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError(f"Cannot register {arg.__name__}: a class registered for "
                             "serialization must define `get_config()`.")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg
    return decorator


def get_registered_name(obj) -> str:
    """The name a registered object is saved under (else its `__name__`).

    >>> def my_loss(y_true, y_pred): return y_pred
    >>> get_registered_name(my_loss)
    'my_loss'
    """
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered, scoped or passed under `name`, else `module_objects[name]`.

    >>> get_registered_object("NoSuchThing") is None
    True
    """
    found = active_custom_objects(custom_objects).get(name)
    return found if found is not None else (module_objects or {}).get(name)


def get_custom_objects() -> dict:
    """The global dict of registered objects (editable, as in Keras).

    >>> def swishy(x): return x
    >>> get_custom_objects()["swishy"] = swishy
    >>> resolve("swishy") is swishy
    True
    >>> del get_custom_objects()["swishy"]
    """
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """Makes custom objects known to deserialization inside a `with` block.

    >>> class Thing: pass
    >>> with CustomObjectScope({"Thing": Thing}):
    ...     resolve("Thing") is Thing
    True
    """

    def __init__(self, custom_objects=None, *more):
        merged = {}
        for objects in (custom_objects, *more):
            merged.update(objects or {})
        self.custom_objects = merged

    def __enter__(self):
        stack = getattr(_scopes, "stack", None)
        if stack is None:
            stack = _scopes.stack = []
        stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scopes.stack.pop()
        return False


def custom_object_scope(*custom_objects) -> CustomObjectScope:
    """Same as `CustomObjectScope(...)` (Keras's function spelling).

    >>> with custom_object_scope({"k": int}):
    ...     resolve("k")
    <class 'int'>
    """
    return CustomObjectScope(*custom_objects)


def active_custom_objects(custom_objects=None) -> dict:
    """Custom objects in force: registered, then scoped, then passed (later wins).

    >>> with CustomObjectScope({"f": len}):
    ...     active_custom_objects()["f"]
    <built-in function len>
    """
    merged = dict(_GLOBAL_CUSTOM_OBJECTS)
    for scoped in getattr(_scopes, "stack", None) or []:
        merged.update(scoped)
    merged.update(custom_objects or {})
    return merged


def registered_by_short_name(name):
    """A registered object whose name without its package is `name` (else None).

    neurx's own serializers (initializers, activations) record a custom class by its
    plain name; this finds it among the registered `package>name` entries.

    >>> @register_keras_serializable(package="Docs")
    ... def scaled(x):
    ...     return x
    >>> registered_by_short_name("scaled") is scaled
    True
    """
    if not isinstance(name, str):
        return None
    for key, value in active_custom_objects().items():
        if isinstance(key, str) and ">" in key and key.split(">", 1)[1] == name:
            return value
    return None


def _namespace(module_name: str):
    return importlib.import_module(module_name)


def _public_member(module_name: str, name: str):
    """`module.name` if it is a class or function defined inside neurx, else None."""
    if not name or name.startswith("_"):
        return None
    member = getattr(_namespace(module_name), name, None)
    if member is None or not (inspect.isclass(member) or inspect.isfunction(member)):
        return None
    return member if getattr(member, "__module__", "").startswith("neurx.") else None


def public_object(name: str, module: str | None = None):
    """The neurx class or function Keras exports as `module.name`, or None.

    >>> public_object("Dense", "keras.layers").__module__
    'neurx.layers.core'
    >>> public_object("system", "os") is None
    True
    """
    name = _ALIASES.get(name, name)
    candidates = KERAS_NAMESPACES.get(module or "", ())
    if module and not candidates and module.startswith("neurx."):
        top = ".".join(module.split(".")[:2])
        candidates = (top,) if top in _SEARCH_ORDER else ()
    for namespace in candidates:
        found = _public_member(namespace, name)
        if found is not None:
            return found
    if module is None or not candidates:
        for namespace in _SEARCH_ORDER:
            found = _public_member(namespace, name)
            if found is not None:
                return found
    return None


def resolve(class_name: str, module: str | None = None, registered_name: str | None = None,
            custom_objects=None, what: str = "object"):
    """The class or function a config names; raises `ValueError` when it is unknown.

    Looks in the custom objects (passed, scoped and registered, by
    `registered_name` then `class_name`), then in neurx's public namespaces.

    >>> resolve("Dense", "keras.layers").__name__
    'Dense'
    >>> resolve("Evil", "os")
    Traceback (most recent call last):
    ...
    ValueError: Unknown object: 'Evil' (module 'os'). It is neither a neurx/Keras class nor a registered custom object. Pass it in `custom_objects={'Evil': Evil}` or decorate it with `@keras.saving.register_keras_serializable()`.
    """
    custom = active_custom_objects(custom_objects)
    for key in (registered_name, class_name):
        if key and key in custom:
            return custom[key]
    found = public_object(class_name, module)
    if found is None and isinstance(class_name, str) and ">" in class_name:
        found = public_object(class_name.split(">", 1)[1], module)   # tf.keras's "Custom>Adam"
    if found is None:
        found = registered_by_short_name(class_name)
    if found is not None:
        return found
    where = f" (module '{module}')" if module else ""
    known = [k for k in custom if isinstance(k, str)]
    raise ValueError(
        f"Unknown {what}: '{class_name}'{where}. It is neither a neurx/Keras class nor a "
        f"registered custom object. Pass it in `custom_objects={{'{class_name}': "
        f"{class_name}}}` or decorate it with "
        f"`@keras.saving.register_keras_serializable()`.{did_you_mean(class_name, known)}")


def keras_module_of(obj) -> str | None:
    """The Keras public module that exports `obj`'s class (or function), or None.

    >>> from neurx.layers import Dense
    >>> keras_module_of(Dense(2))
    'keras.layers'
    """
    target = obj if (inspect.isclass(obj) or inspect.isfunction(obj)) else type(obj)
    name = target.__name__
    for keras_module, namespaces in KERAS_NAMESPACES.items():
        if keras_module.startswith("keras.src"):
            continue
        for namespace in namespaces:
            if _public_member(namespace, name) is target:
                return keras_module
    return None
