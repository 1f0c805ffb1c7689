"""Reading tf.keras 2's config dialect (tf.keras 2.0 to 2.21) where it differs from neurx's.

What it owns: the keys tf.keras 2 layers write but never use (the Conv base's
`groups` and `kernel_*` in SeparableConv / DepthwiseConv configs; the other Keras 2
layer keywords, `implementation`, `time_major`, `input_length`, ..., are taken by
neurx's layers themselves), and the Keras 2 spellings of a `training_config`: losses with `reduction: "auto"`
and metrics stored as `MeanMetricWrapper` configs whose names carry the
output's name (`"main_output_mae"`), read back as the short names the user
wrote so that the logs keep tf.keras's keys.
"""
from __future__ import annotations

from neurx.metrics import get as get_metric

# Keys the Conv base of tf.keras 2 writes into SeparableConv / DepthwiseConv configs, which
# those layers never use (they have depthwise / pointwise kernels and no groups).
KERAS2_UNUSED_KEYS = ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint")
_KERAS2_REDUCTIONS = {"auto": "sum_over_batch_size", "sum_over_batch_size": "sum_over_batch_size"}


def drop_keras2_keys(config: dict, accepted: set) -> dict:
    """Removes the keys tf.keras 2 writes but does not use, when the layer does not take them.

    >>> drop_keras2_keys({"filters": 2, "kernel_size": 3, "groups": 1},
    ...                  {"filters", "kernel_size"})
    {'filters': 2, 'kernel_size': 3}
    """
    for key in [k for k in config if k in KERAS2_UNUSED_KEYS and k not in accepted]:
        del config[key]
    return config


def keras2_loss_config(config: dict) -> dict:
    """A Keras 2 loss config as neurx's loss classes take it: Keras 3's reduction name
    (`"auto"` is the batch mean) and no `fn` (tf.keras 2.13+ records the function a
    built-in loss class wraps; the class already says which).

    >>> keras2_loss_config({"class_name": "MeanSquaredError", "config": {
    ...     "reduction": "auto", "name": "mean_squared_error", "fn": "mean_squared_error"}})
    {'class_name': 'MeanSquaredError', 'config': {'reduction': 'sum_over_batch_size', 'name': 'mean_squared_error'}}
    """
    inner = config.get("config")
    if not isinstance(inner, dict) or config.get("class_name") == "LossFunctionWrapper":
        return config
    inner = {k: v for k, v in inner.items() if not (k == "fn" and isinstance(v, str))}
    if inner.get("reduction") in _KERAS2_REDUCTIONS:
        inner["reduction"] = _KERAS2_REDUCTIONS[inner["reduction"]]
    return dict(config, config=inner)


def short_metric_names(metrics, output_names: list):
    """Keras 2 metric configs with the names the user wrote (see module notes).

    tf.keras 2 stores `metrics=["mae"]` as a `MeanMetricWrapper` named `"mae"`,
    and puts the output's name in front on multi-output models (`"out_mae"`):
    compiling with the short name again gives the same function and log keys.
    Metric objects keep their class, without the output's name.

    >>> wrapper = {"class_name": "MeanMetricWrapper",
    ...            "config": {"name": "out_mae", "dtype": "float32", "fn": "mean_absolute_error"}}
    >>> short_metric_names([[wrapper]], ["out", "aux"])
    [['mae']]
    """
    if isinstance(metrics, list):
        return [short_metric_names(m, output_names) for m in metrics]
    if isinstance(metrics, dict) and "class_name" in metrics and \
            isinstance(metrics.get("config"), dict):
        inner = metrics["config"]
        name = _without_output_name(inner.get("name"), output_names)
        fn = inner.get("fn")
        if metrics["class_name"] == "MeanMetricWrapper" and isinstance(fn, str) and \
                isinstance(name, str) and _same_function(name, fn):
            return name
        return dict(metrics, config=dict(inner, name=name)) if "name" in inner else metrics
    if isinstance(metrics, dict):
        return {key: short_metric_names(value, output_names) for key, value in metrics.items()}
    return metrics


def _without_output_name(name, output_names: list):
    if not isinstance(name, str) or len(output_names or []) < 2:
        return name
    for output in sorted(output_names, key=len, reverse=True):
        if name.startswith(f"{output}_"):
            return name[len(output) + 1:]
    return name


def _same_function(name: str, fn: str) -> bool:
    """Whether the metric name means the function tf.keras recorded (or is its accuracy
    alias, which compile resolves from the loss as tf.keras did)."""
    if name in ("accuracy", "acc") and fn.endswith("accuracy"):
        return True
    try:
        return type(get_metric(name)) is type(get_metric(fn))
    except ValueError:
        return False
