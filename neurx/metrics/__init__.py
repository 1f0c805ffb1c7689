"""Metrics: the Keras 3 `keras.metrics` API on JAX.

What each part owns: `metric` the `Metric` base (state variables, stateless
forms for `jax.jit`); `reduction` `Sum`, `Mean`, `MeanMetricWrapper`;
`accuracy`, `regression`, `probabilistic` the running means of per-sample
functions; `confusion_utils` and `confusion` the thresholded counts,
Precision, Recall and AUC. This file holds the lookup: `get` (Keras's names),
`serialize` / `deserialize`, and `resolve`, which turns what a user wrote in
`compile(metrics=[...])` into a `Metric` exactly as Keras's compile utilities
do (picking the accuracy / crossentropy that fits the loss and the shapes).

Example:
>>> m = resolve("acc", loss="sparse_categorical_crossentropy")
>>> type(m).__name__, m.name
('SparseCategoricalAccuracy', 'acc')
"""
from __future__ import annotations

import inspect

from neurx import losses as losses_module
from neurx.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from neurx.metrics.confusion import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from neurx.metrics.metric import Metric
from neurx.metrics.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from neurx.metrics.reduction import Mean, MeanMetricWrapper, Sum
from neurx.metrics.regression import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
)
from neurx.naming import did_you_mean, to_snake_case

METRIC_CLASSES = (
    Mean, Sum, MeanMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy,
    SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, RootMeanSquaredError, CosineSimilarity, LogCoshError,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge,
    AUC, Precision, Recall, TruePositives, FalsePositives, TrueNegatives, FalseNegatives,
)
_CLASS_NAMES = {cls.__name__: cls for cls in METRIC_CLASSES}
_CLASS_NAMES.update({to_snake_case(cls.__name__): cls for cls in METRIC_CLASSES})
_CLASS_NAMES.update({
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "kld": KLDivergence, "KLD": KLDivergence, "logcosh": LogCoshError,
})
# Functions by name, for `MeanMetricWrapper` configs.
_FUNCTIONS = {fn.__name__: fn for fn in (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy)}
_MATCHERS = {"accuracy": (BinaryAccuracy, SparseCategoricalAccuracy, CategoricalAccuracy),
             "crossentropy": (BinaryCrossentropy, SparseCategoricalCrossentropy,
                              CategoricalCrossentropy)}


def _unknown(identifier) -> ValueError:
    names = sorted(set(_CLASS_NAMES) | {"acc", "crossentropy", "ce"})
    return ValueError(f"Unknown metric function: {identifier!r}.{did_you_mean(identifier, names)}")


def serialize(metric) -> dict:
    """A metric as a Keras-style config dict.

    >>> serialize(BinaryAccuracy(threshold=0.7))["config"]["threshold"]
    0.7
    """
    if not isinstance(metric, Metric):
        raise ValueError(f"Cannot serialize {metric!r}: expected a `Metric`.")
    return {"module": "keras.metrics", "class_name": type(metric).__name__,
            "config": metric.get_config(), "registered_name": None}


def deserialize(config, custom_objects: dict | None = None) -> Metric:
    """The `Metric` described by `serialize`'s output (or by a name).

    >>> deserialize({"class_name": "AUC", "config": {"curve": "PR"}}).curve
    'PR'
    """
    custom_objects = custom_objects or {}
    if isinstance(config, str):
        return get(custom_objects.get(config, config))
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("A metric config must be a name or a dict with 'class_name' "
                         f"and 'config' keys. Received: {config!r}")
    name, inner = config["class_name"], dict(config.get("config") or {})
    cls = custom_objects.get(name) or _CLASS_NAMES.get(name)
    if cls is None:
        raise _unknown(name)
    if cls is MeanMetricWrapper and isinstance(inner.get("fn"), str):
        fn = inner["fn"]
        inner["fn"] = custom_objects.get(fn) or _FUNCTIONS.get(fn, fn)
    return cls.from_config(inner)


def get(identifier) -> Metric | None:
    """A `Metric` instance from a name, class name, config, callable or `Metric`.

    A plain function `f(y_true, y_pred)` becomes a `MeanMetricWrapper` named
    after the function. (`"accuracy"` here is exact-match `Accuracy`; use
    `resolve` for what `compile(metrics=["accuracy"])` means.)

    >>> get("mse").name, get(binary_accuracy).name
    ('mean_squared_error', 'binary_accuracy')
    >>> get("acuracy")
    Traceback (most recent call last):
    ...
    ValueError: Unknown metric function: 'acuracy'. Did you mean 'accuracy'?
    """
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier not in _CLASS_NAMES or identifier == "MeanMetricWrapper":
            raise _unknown(identifier)
        return _CLASS_NAMES[identifier]()
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}. Expected "
                     "a name, a config dict, a `Metric` or a function `f(y_true, y_pred)`.")


def _loss_kind(loss) -> str | None:
    """'binary', 'sparse', 'categorical' when `loss` is that crossentropy, else None."""
    kinds = {losses_module.BinaryCrossentropy: "binary",
             losses_module.SparseCategoricalCrossentropy: "sparse",
             losses_module.CategoricalCrossentropy: "categorical"}
    fns = {losses_module.binary_crossentropy: "binary",
           losses_module.sparse_categorical_crossentropy: "sparse",
           losses_module.categorical_crossentropy: "categorical"}
    if isinstance(loss, str):
        if loss.lower() in ("crossentropy", "ce"):
            return None
        try:
            loss = losses_module.get(loss)
        except ValueError:
            return None
    if isinstance(loss, losses_module.LossFunctionWrapper) and type(loss) not in kinds:
        return fns.get(loss.fn)
    if isinstance(loss, losses_module.Loss):
        return kinds.get(type(loss))
    return fns.get(loss)


def _pick(kind_name, identifier, loss, y_true_shape, y_pred_shape) -> Metric:
    kind = _loss_kind(loss)
    if kind != "binary" and y_pred_shape is not None and tuple(y_pred_shape)[-1:] == (1,):
        kind = "binary"
    if kind is None:
        if y_true_shape is None or y_pred_shape is None:
            raise ValueError(
                f"metrics=[{identifier!r}] needs the loss or the label and output "
                "shapes to choose between its binary, sparse and categorical forms. "
                f"Received: loss={loss!r}, y_true_shape={y_true_shape}, "
                f"y_pred_shape={y_pred_shape}.")
        kind = losses_module.crossentropy_kind(y_true_shape, y_pred_shape)
    elif kind == "categorical" and y_true_shape is not None and y_pred_shape is not None:
        kind = losses_module.crossentropy_kind(y_true_shape, y_pred_shape)
    cls = dict(zip(("binary", "sparse", "categorical"), _MATCHERS[kind_name]))[kind]
    kwargs = {}
    if kind_name == "crossentropy" and getattr(loss, "from_logits", False):
        kwargs["from_logits"] = True
    return cls(name=str(identifier), **kwargs)


def resolve(identifier, loss=None, y_true_shape=None, y_pred_shape=None) -> Metric:
    """The `Metric` that `compile(metrics=[identifier])` means, as Keras resolves it.

    `"accuracy"` / `"acc"` (and `"crossentropy"` / `"ce"`) become the binary
    form when the loss is binary crossentropy or the output has one unit; the
    sparse categorical form when the loss is sparse categorical crossentropy
    or the labels have one axis fewer (or a trailing 1) against several
    classes; the categorical form otherwise. A string keeps its spelling as
    the metric's name; a `Metric` instance is returned as is.

    Args:
        identifier: what the user wrote: a name, a `Metric`, a class, a config
            dict or a function `f(y_true, y_pred)`.
        loss: the compiled loss for this output (name, `Loss` or function).
        y_true_shape: shape of the labels (with the batch axis).
        y_pred_shape: shape of the model output (with the batch axis).

    >>> resolve("accuracy", y_true_shape=(32, 1), y_pred_shape=(32, 1)).__class__.__name__
    'BinaryAccuracy'
    >>> m = resolve("mse"); (type(m).__name__, m.name)
    ('MeanSquaredError', 'mse')
    """
    if identifier is None:
        raise ValueError("Expected a metric, received `None`.")
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        lowered = identifier.lower()
        if lowered in ("accuracy", "acc"):
            return _pick("accuracy", identifier, loss, y_true_shape, y_pred_shape)
        if lowered in ("crossentropy", "ce"):
            return _pick("crossentropy", identifier, loss, y_true_shape, y_pred_shape)
        metric = get(identifier)
        metric.name = identifier
        return metric
    return get(identifier)


__all__ = [
    "Metric", "get", "resolve", "serialize", "deserialize",
    *(cls.__name__ for cls in METRIC_CLASSES),
    "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
]
