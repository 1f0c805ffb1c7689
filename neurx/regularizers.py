"""Weight and activity penalties, as `keras.regularizers`.

What this module owns: the `Regularizer` classes (`__call__(x)` returns the
scalar penalty Keras adds to the loss, with Keras 3's formulas: no 1/2 factor
on L2) and the name <-> object mapping (`get`, `serialize`, `deserialize`).

Example:
>>> from neurx import regularizers
>>> float(regularizers.l2(0.1)(jnp.ones((2, 2))))
0.4000000059604645
>>> regularizers.get("l1").l1
0.01
"""
from __future__ import annotations

import math

import jax.numpy as jnp

from neurx.ops import convert_to_tensor, normalize
from neurx.registry import Configurable, Registry, class_names


def _validate(value, name: str) -> float:
    if (isinstance(value, bool) or not isinstance(value, (float, int))
            or math.isinf(value) or math.isnan(value) or value < 0):
        raise ValueError(f"Invalid value for argument {name}: expected a non-negative "
                         f"float. Received: {name}={value!r}")
    return float(value)


class Regularizer(Configurable):
    """Base class: a regularizer maps a weight (or activity) array to a scalar penalty.

    >>> class Half(Regularizer):
    ...     def __call__(self, x):
    ...         return 0.5 * jnp.sum(x)
    ...     def get_config(self):
    ...         return {}
    >>> float(Half()(jnp.ones(4)))
    2.0
    """

    def __call__(self, x):
        return 0.0

    def get_config(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")


class L1L2(Regularizer):
    """`l1 * sum(abs(x)) + l2 * sum(square(x))`.

    >>> float(L1L2(l1=0.5, l2=0.25)(jnp.array([2.0, -2.0])))
    4.0
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _validate(0.0 if l1 is None else l1, "l1")
        self.l2 = _validate(0.0 if l2 is None else l2, "l2")

    def __call__(self, x):
        x = convert_to_tensor(x)
        penalty = jnp.zeros((), x.dtype)
        if self.l1:
            penalty += jnp.asarray(self.l1, x.dtype) * jnp.sum(jnp.abs(x))
        if self.l2:
            penalty += jnp.asarray(self.l2, x.dtype) * jnp.sum(jnp.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """`l1 * sum(abs(x))`.

    >>> float(L1(0.5)(jnp.array([1.0, -3.0])))
    2.0
    """

    def __init__(self, l1=0.01):
        self.l1 = _validate(0.01 if l1 is None else l1, "l1")

    def __call__(self, x):
        x = convert_to_tensor(x)
        return jnp.asarray(self.l1, x.dtype) * jnp.sum(jnp.abs(x))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """`l2 * sum(square(x))` (Keras's formula: no 1/2 factor).

    >>> float(L2(0.5)(jnp.array([1.0, -3.0])))
    5.0
    """

    def __init__(self, l2=0.01):
        self.l2 = _validate(0.01 if l2 is None else l2, "l2")

    def __call__(self, x):
        x = convert_to_tensor(x)
        return jnp.asarray(self.l2, x.dtype) * jnp.sum(jnp.square(x))

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards orthogonality.

    The penalty is `factor * 0.5 * sum(|off-diagonal dot products|) / num_pairs`
    over the L2-normalized rows (`mode="rows"`) or columns (`mode="columns"`).

    >>> float(OrthogonalRegularizer(1.0)(jnp.eye(3)))
    0.0
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _validate(factor, "factor")
        if mode not in ("rows", "columns"):
            raise ValueError("Invalid value for argument `mode`. Expected one of "
                             f"('rows', 'columns'). Received: mode={mode!r}")
        self.mode = mode

    def __call__(self, inputs):
        inputs = convert_to_tensor(inputs)
        if inputs.ndim != 2:
            raise ValueError("Inputs to OrthogonalRegularizer must have rank 2. "
                             f"Received: inputs.shape={inputs.shape}")
        if self.mode == "rows":
            inputs = normalize(inputs, axis=1)
            product, size = inputs @ inputs.T, inputs.shape[0]
        else:
            inputs = normalize(inputs, axis=0)
            product, size = inputs.T @ inputs, inputs.shape[1]
        off_diagonal = product * (1.0 - jnp.eye(size, dtype=inputs.dtype))
        num_pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * jnp.sum(jnp.abs(off_diagonal)) / num_pairs

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# Keras's lower-case aliases: `keras.regularizers.l2(0.01)` is an `L2` instance.
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer

_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
ALL_OBJECTS_DICT = class_names(_CLASSES)
ALL_OBJECTS_DICT.update(l1l2=L1L2, l1_l2=L1L2)
_REGISTRY = Registry("regularizer", "keras.regularizers", ALL_OBJECTS_DICT)


def serialize(regularizer) -> dict:
    """The Keras config dict of a regularizer.

    >>> serialize(L2(0.1))["config"]
    {'l2': 0.1}
    """
    return _REGISTRY.serialize(regularizer)


def deserialize(config: dict, custom_objects=None):
    """A regularizer from `serialize`'s dict.

    >>> deserialize({"class_name": "L1", "config": {"l1": 0.5}}).l1
    0.5
    """
    return _REGISTRY.deserialize(config, custom_objects)


def get(identifier):
    """A regularizer from a name, a config dict, a class, a callable or None.

    >>> get("l2"), get(None)
    (L2(l2=0.01), None)
    >>> get("l22")
    Traceback (most recent call last):
    ValueError: Unknown regularizer: 'l22'. Did you mean 'l2'?
    """
    return _REGISTRY.get(identifier)


__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2",
           "orthogonal_regularizer", "get", "serialize", "deserialize"]
