"""The name <-> object mapping shared by the built-in families of small objects.

What this module owns: `Registry`, the `get` / `serialize` / `deserialize`
logic of `neurx.initializers`, `neurx.regularizers` and `neurx.constraints`
(and the name lookup of `neurx.activations`, the `serialize` of learning-rate
schedules), with its error messages; `Configurable`, the `from_config` and
`repr` those objects share; and `class_names`, the names Keras gives a
family's classes. Saved files reach these through
`neurx.saving.object_registry`, which also knows user objects.

Example:
>>> class Twice(Configurable):
...     def get_config(self):
...         return {}
>>> registry = Registry("doubler", "keras.doublers", class_names([Twice]))
>>> registry.get("twice"), registry.serialize(Twice())["class_name"]
(Twice(), 'Twice')
"""
from __future__ import annotations

import inspect

from neurx.naming import did_you_mean, to_snake_case


class Configurable:
    """Base of objects rebuilt from their `get_config()`, shown with its arguments.

    >>> class Scale(Configurable):
    ...     def __init__(self, factor=1.0):
    ...         self.factor = factor
    ...     def get_config(self):
    ...         return {"factor": self.factor}
    >>> Scale.from_config({"factor": 2.0})
    Scale(factor=2.0)
    """

    @classmethod
    def from_config(cls, config: dict):
        """A new object from `get_config()`'s output."""
        return cls(**config)

    def __repr__(self):
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:  # a subclass that does not serialize
            args = ""
        return f"{type(self).__name__}({args})"


def class_names(classes) -> dict:
    """Each class under its own name and its snake_case name, as Keras registers them.

    >>> sorted(class_names([Configurable]))
    ['Configurable', 'configurable']
    """
    names = {cls.__name__: cls for cls in classes}
    names.update({to_snake_case(cls.__name__): cls for cls in classes})
    return names


class Registry:
    """Finds a family's built-in objects by name and writes and reads their configs.

    Args:
        kind: what one object is called in error messages ("initializer").
        module: the Keras module saved files name for the built-ins.
        objects: every accepted name with its class (or function).
        listed: the names an error lists when no name is close; default all.
        accepts: what `get` takes, for its error message.
        normalize: another spelling to try when a name is not found.

    >>> registry = Registry("thing", "keras.things", {"configurable": Configurable})
    >>> registry.lookup("configurabel")
    Traceback (most recent call last):
    ValueError: Unknown thing: 'configurabel'. Did you mean 'configurable'?
    """

    def __init__(self, kind: str, module: str, objects: dict, listed=None,
                 accepts: str = "a name, a config dict or a callable", normalize=None):
        self.kind = kind
        self.module = module
        self.objects = objects
        self.listed = sorted(objects if listed is None else listed)
        self.accepts = accepts
        self.normalize = normalize

    def lookup(self, name: str):
        """The class (or function) registered under `name`."""
        found = self.objects.get(name)
        if found is None and self.normalize is not None:
            found = self.objects.get(self.normalize(name))
        if found is None:
            hint = did_you_mean(name, self.objects) or f" Valid names: {self.listed}."
            raise ValueError(f"Unknown {self.kind}: '{name}'.{hint}")
        return found

    def serialize(self, obj) -> dict:
        """Keras's dict for `obj`: built-ins under `module`, others under their own."""
        cls = type(obj)
        builtin = self.objects.get(cls.__name__) is cls
        return {"module": self.module if builtin else cls.__module__,
                "class_name": cls.__name__, "config": obj.get_config(),
                "registered_name": None if builtin else cls.__name__}

    def deserialize(self, config: dict, custom_objects=None):
        """The object `serialize`'s dict describes; `custom_objects` come first."""
        name = config.get("class_name")
        if name is None:
            article = "An" if self.kind[0] in "aeiou" else "A"
            raise ValueError(f"{article} {self.kind} config needs a 'class_name' key. "
                             f"Received: {config!r}")
        cls = (custom_objects or {}).get(name) or self.lookup(name)
        return cls.from_config(dict(config.get("config") or {}))

    def get(self, identifier):
        """An object from a name, a config dict, a class, a callable or None."""
        if identifier is None:
            return None
        if isinstance(identifier, dict):
            return self.deserialize(identifier)
        if isinstance(identifier, str):
            return self.lookup(identifier)()
        if inspect.isclass(identifier):
            return identifier()
        if callable(identifier):
            return identifier
        raise ValueError(f"Could not interpret {self.kind} identifier: expected "
                         f"{self.accepts}. Received: {identifier!r}")
