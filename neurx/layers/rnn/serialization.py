"""Config dicts of the layers and cells that recurrent layers and wrappers hold.

`RNN(cell)`, `Bidirectional(layer)` and `TimeDistributed(layer)` store their
inner object in `get_config()` as Keras 3 does (`{"module", "class_name",
"config", "registered_name"}`) and rebuild it in `from_config`. A class is found
by name among the `Layer` subclasses defined so far (or in `custom_objects`), so
nothing here imports the layer modules.
"""
from __future__ import annotations

from neurx.layers.layer import Layer
from neurx.naming import did_you_mean


def serialize_layer(layer) -> dict:
    """The Keras 3 config dict of a layer (or RNN cell).

    >>> from neurx.layers.core import Dense
    >>> config = serialize_layer(Dense(2, name="d"))
    >>> config["class_name"], config["config"]["units"]
    ('Dense', 2)
    """
    cls = type(layer)
    builtin = cls.__module__.startswith("neurx.")
    return {"module": "keras.layers" if builtin else cls.__module__,
            "class_name": cls.__name__, "config": layer.get_config(),
            "registered_name": None if builtin else cls.__name__}


def _layer_classes() -> dict:
    found, todo = {}, [Layer]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            # neurx's own classes win over same-named user subclasses.
            if sub.__name__ not in found or sub.__module__.startswith("neurx."):
                found[sub.__name__] = sub
            todo.append(sub)
    return found


def deserialize_layer(config, custom_objects=None):
    """A layer from `serialize_layer`'s dict; a layer instance is returned as is.

    >>> from neurx.layers.core import Dense
    >>> deserialize_layer({"class_name": "Dense", "config": {"units": 3}}).units
    3
    """
    if isinstance(config, Layer):
        return config
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("Expected a layer instance or a layer config dict with "
                         f"'class_name' and 'config' keys. Received: {config!r}")
    name = config.get("registered_name") or config["class_name"]
    custom_objects = custom_objects or {}
    cls = custom_objects.get(name) or custom_objects.get(config["class_name"])
    if cls is None:
        classes = _layer_classes()
        cls = classes.get(config["class_name"]) or classes.get(name)
        if cls is None:
            hint = did_you_mean(config["class_name"], classes)
            raise ValueError(f"Unknown layer class '{config['class_name']}'.{hint} Pass "
                             "custom layers with `custom_objects={'Name': Class}`.")
    return cls.from_config(dict(config.get("config") or {}))
