"""Losses: the Keras 3 `keras.losses` API on JAX.

What each part owns: `loss` the `Loss` base class and the Keras reduction
(`sum_over_batch_size` and friends); `functions` the per-sample loss
functions; `classes` the `Loss` classes wrapping them. This file holds the
lookup: `get` (names, aliases, configs, callables), `serialize`,
`deserialize`, and `resolve`, the compile-time resolver that also picks the
right crossentropy for `"crossentropy"` / `"ce"` from the shapes.

Example:
>>> loss = get("mse")
>>> loss.name, float(loss([[0.0, 1.0]], [[1.0, 1.0]]))
('mse', 0.5)
"""
from __future__ import annotations

import inspect

from neurx.losses.classes import (
    LOSS_CLASSES,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    LossFunctionWrapper,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from neurx.losses.functions import (
    KLD,
    MAE,
    MAPE,
    MSE,
    MSLE,
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    kld,
    kullback_leibler_divergence,
    log_cosh,
    logcosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from neurx.losses.loss import Loss, reduce_weighted_values, squeeze_or_expand_to_same_rank
from neurx.naming import did_you_mean

# Each loss function with the class that computes it, for names like "mse".
_FUNCTION_CLASSES = {
    mean_squared_error: MeanSquaredError, mean_absolute_error: MeanAbsoluteError,
    mean_absolute_percentage_error: MeanAbsolutePercentageError,
    mean_squared_logarithmic_error: MeanSquaredLogarithmicError,
    cosine_similarity: CosineSimilarity, huber: Huber, log_cosh: LogCosh,
    hinge: Hinge, squared_hinge: SquaredHinge, categorical_hinge: CategoricalHinge,
    kl_divergence: KLDivergence, poisson: Poisson,
    binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
}
_FUNCTION_NAMES = {fn.__name__: fn for fn in _FUNCTION_CLASSES}
_FUNCTION_NAMES.update({
    "mse": mse, "MSE": mse, "mae": mae, "MAE": mae, "mape": mape, "MAPE": mape,
    "msle": msle, "MSLE": msle, "kld": kld, "KLD": kld,
    "kullback_leibler_divergence": kld, "logcosh": logcosh,
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "huber_loss": huber,
})
_CLASS_NAMES = {cls.__name__: cls for cls in LOSS_CLASSES + (Loss, LossFunctionWrapper)}


def _known_names() -> list:
    return sorted((set(_FUNCTION_NAMES) | set(_CLASS_NAMES)) - {"Loss", "LossFunctionWrapper"})


def _unknown(identifier) -> ValueError:
    return ValueError(f"Unknown loss function: {identifier!r}."
                      f"{did_you_mean(identifier, _known_names())}")


def serialize(loss) -> dict | str:
    """A loss as a Keras-style config dict (a function serializes to its name).

    >>> serialize(BinaryCrossentropy(from_logits=True))["config"]["from_logits"]
    True
    >>> serialize(mean_squared_error)
    'mean_squared_error'
    """
    if isinstance(loss, Loss):
        return {"module": "keras.losses", "class_name": type(loss).__name__,
                "config": loss.get_config(), "registered_name": None}
    if callable(loss) and hasattr(loss, "__name__"):
        return loss.__name__
    raise ValueError(f"Cannot serialize {loss!r}: expected a `Loss` or a loss function.")


def deserialize(config, custom_objects: dict | None = None):
    """The `Loss` described by `serialize`'s output (or by a name).

    >>> deserialize({"class_name": "Huber", "config": {"delta": 2.0}}).delta
    2.0
    """
    custom_objects = custom_objects or {}
    if isinstance(config, str):
        return get(custom_objects.get(config, config))
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("A loss config must be a name or a dict with 'class_name' "
                         f"and 'config' keys. Received: {config!r}")
    name, inner = config["class_name"], config.get("config") or {}
    if name == "function":  # Keras's form for a plain function.
        return get(inner)
    cls = custom_objects.get(name) or _CLASS_NAMES.get(name)
    if cls is None:
        raise _unknown(name)
    if isinstance(inner, dict) and isinstance(inner.get("fn"), str) and inner["fn"] in custom_objects:
        inner = {**inner, "fn": custom_objects[inner["fn"]]}
    return cls.from_config(inner)


def get(identifier) -> Loss | None:
    """A `Loss` instance from a name, alias, class name, config, callable or `Loss`.

    Function names and aliases give the matching class named as written
    (`get("mse").name == "mse"`); a plain function `f(y_true, y_pred)` is
    wrapped in a `LossFunctionWrapper`.

    >>> get("CategoricalCrossentropy").name
    'categorical_crossentropy'
    >>> get("aparse_categorical_crossentropy")
    Traceback (most recent call last):
    ...
    ValueError: Unknown loss function: 'aparse_categorical_crossentropy'. Did you mean 'sparse_categorical_crossentropy'?
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier in _CLASS_NAMES and identifier not in ("Loss", "LossFunctionWrapper"):
            return _CLASS_NAMES[identifier]()
        if identifier in _FUNCTION_NAMES:
            return _FUNCTION_CLASSES[_FUNCTION_NAMES[identifier]](name=identifier)
        raise _unknown(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}. Expected "
                     "a name, a config dict, a `Loss` or a function `f(y_true, y_pred)`.")


def crossentropy_kind(y_true_shape, y_pred_shape) -> str:
    """'binary', 'sparse' or 'categorical': Keras's reading of label/output shapes.

    Binary when the output has one unit; sparse when the labels have one axis
    fewer than the output, or a trailing 1 against several classes.

    >>> crossentropy_kind((32,), (32, 10)), crossentropy_kind((32, 1), (32, 1))
    ('sparse', 'binary')
    """
    y_true_shape, y_pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
    if y_pred_shape and y_pred_shape[-1] == 1:
        return "binary"
    t_last = y_true_shape[-1] if y_true_shape else None
    p_last = y_pred_shape[-1] if y_pred_shape else None
    if len(y_true_shape) < len(y_pred_shape) or (t_last == 1 and (p_last or 0) > 1):
        return "sparse"
    return "categorical"


_CROSSENTROPIES = {"binary": BinaryCrossentropy, "sparse": SparseCategoricalCrossentropy,
                   "categorical": CategoricalCrossentropy}


def resolve(identifier, y_true_shape=None, y_pred_shape=None) -> Loss | None:
    """The loss `compile(loss=identifier)` means, as Keras's compile utils read it.

    `"crossentropy"` / `"ce"` become the binary, sparse or categorical
    crossentropy that fits the shapes; a string keeps its spelling as the name.

    >>> loss = resolve("ce", y_true_shape=(8,), y_pred_shape=(8, 3))
    >>> type(loss).__name__, loss.name
    ('SparseCategoricalCrossentropy', 'ce')
    """
    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
        if y_true_shape is None or y_pred_shape is None:
            raise ValueError(f"loss={identifier!r} needs the label and output shapes to "
                             "choose between binary, sparse and categorical crossentropy.")
        kind = crossentropy_kind(y_true_shape, y_pred_shape)
        return _CROSSENTROPIES[kind](name=identifier)
    return get(identifier)


__all__ = [
    "Loss", "LossFunctionWrapper", "get", "serialize", "deserialize", "resolve",
    "crossentropy_kind", "reduce_weighted_values", "squeeze_or_expand_to_same_rank",
    *(cls.__name__ for cls in LOSS_CLASSES),
    *(fn.__name__ for fn in _FUNCTION_CLASSES),
    "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD",
    "kullback_leibler_divergence", "logcosh",
]
