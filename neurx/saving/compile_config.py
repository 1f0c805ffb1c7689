"""What `compile()` was given, as Keras 3's `compile_config` (and Keras 2's `training_config`).

What it owns: writing the optimizer, loss, loss weights and metrics exactly as
the user spelled them (`"mse"` stays `"mse"`, a `Loss` or `Metric` becomes
its config dict, a function its name, a lambda bytecode refused later in safe
mode), and compiling a loaded model from either form, so that training goes
on with the same optimizer (its variables are restored by the weights loader).
"""
from __future__ import annotations

from neurx.legacy import spelled_by_a_file
from neurx.saving import object_registry, safety
from neurx.saving.deserialization import deserialize_keras_object
from neurx.saving.keras2_reading import keras2_loss_config, short_metric_names
from neurx.saving.serialization import serialize_keras_object


def get_compile_config(model) -> dict:
    """Keras 3's `compile_config` of a compiled model.

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    >>> config = get_compile_config(model)
    >>> config["loss"], config["metrics"], config["optimizer"]["class_name"]
    ('mse', ['mae'], 'SGD')
    """
    trainer = model._trainer
    args = trainer.compile_args
    optimizer = getattr(model, "optimizer", None)
    return {
        "optimizer": serialize_keras_object(optimizer) if optimizer is not None else None,
        "loss": serialize_keras_object(args.get("loss")),
        "loss_weights": serialize_keras_object(args.get("loss_weights")),
        "metrics": serialize_keras_object(args.get("metrics")),
        "weighted_metrics": serialize_keras_object(args.get("weighted_metrics")),
        "run_eagerly": False,
        "steps_per_execution": trainer.steps_per_execution,
        "jit_compile": bool(getattr(model, "jit_compile", True)),
    }


def _objective(value, kind: str, custom_objects, safe_mode):
    """A loss/metric entry from a file: names stay names, configs become objects."""
    if value is None or isinstance(value, (int, float, bool)):
        return value
    if isinstance(value, str):
        custom = object_registry.active_custom_objects(custom_objects)
        return custom.get(value, value)
    if isinstance(value, list):
        return [_objective(v, kind, custom_objects, safe_mode) for v in value]
    if isinstance(value, dict) and not ("class_name" in value and "config" in value):
        return {k: _objective(v, kind, custom_objects, safe_mode) for k, v in value.items()}
    if value.get("class_name") == "__lambda__":
        return safety.load_function(value["config"], f"the compiled {kind}", safe_mode)
    if value.get("class_name") == "function":
        return deserialize_keras_object(value, custom_objects, safe_mode)
    if kind == "loss":
        value = keras2_loss_config(value)
    custom = object_registry.active_custom_objects(custom_objects)
    if value.get("registered_name") in custom or value["class_name"] in custom:
        return deserialize_keras_object(value, custom_objects, safe_mode, what=kind)
    module = "keras.losses" if kind == "loss" else "keras.metrics"
    return object_registry.public_object("deserialize", module)(value, custom_objects=custom)


def compile_from_config(model, config: dict, custom_objects=None, safe_mode=None) -> None:
    """Compiles `model` from a Keras 3 `compile_config` (or Keras 2 `training_config`).

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> compile_from_config(model, {"optimizer": {"class_name": "SGD", "config": {}},
    ...                             "loss": "mae"})
    >>> model.loss, type(model.optimizer).__name__
    ('mae', 'SGD')
    """
    safe_mode = safety.in_safe_mode(safe_mode)
    config = dict(config)
    optimizer = config.get("optimizer", config.get("optimizer_config"))
    if isinstance(optimizer, dict):
        with spelled_by_a_file():            # a Keras 2 file's `lr` / `decay`
            optimizer = deserialize_keras_object(
                dict(optimizer, module=optimizer.get("module") or "keras.optimizers"),
                custom_objects, safe_mode, what="optimizer")
    metrics = config.get("metrics")
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list) and \
            len(getattr(model, "output_names", []) or []) <= 1:
        metrics = metrics[0]               # Keras 2 wrote one list per output
    weighted = config.get("weighted_metrics")
    if isinstance(weighted, list) and len(weighted) == 1 and isinstance(weighted[0], list) and \
            len(getattr(model, "output_names", []) or []) <= 1:
        weighted = weighted[0]
    if "optimizer_config" in config:       # Keras 2's training_config
        outputs = list(getattr(model, "output_names", None) or [])
        metrics = short_metric_names(metrics, outputs)
        weighted = short_metric_names(weighted, outputs)
    model.compile(
        optimizer=optimizer if optimizer is not None else "rmsprop",
        loss=_objective(config.get("loss"), "loss", custom_objects, safe_mode),
        loss_weights=config.get("loss_weights"),
        metrics=_objective(metrics, "metric", custom_objects, safe_mode),
        weighted_metrics=_objective(weighted, "metric", custom_objects, safe_mode),
        steps_per_execution=int(config.get("steps_per_execution") or 1))


def _canonical_loss(value):
    """Loss aliases ("mse") as their function names, which every Keras version reads."""
    if isinstance(value, str):
        fn = object_registry.public_object(value, "keras.losses")
        return fn.__name__ if fn is not None and fn.__name__ != value else value
    if isinstance(value, list):
        return [_canonical_loss(v) for v in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {k: _canonical_loss(v) for k, v in value.items()}
    return value


def training_config(model) -> dict:
    """Keras's `training_config` attribute of a legacy `.h5` file.

    Loss aliases are written as function names (`"mse"` -> `"mean_squared_error"`):
    Keras 3's legacy reader cannot resolve the aliases.

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> config = training_config(model)
    >>> config["loss"], config["optimizer_config"]["class_name"]
    ('mean_squared_error', 'Adam')
    """
    config = get_compile_config(model)
    config["loss"] = _canonical_loss(config["loss"])
    optimizer = config.pop("optimizer")
    if optimizer is not None:
        config["optimizer_config"] = {"class_name": optimizer["class_name"],
                                      "config": optimizer["config"]}
    return config
