"""Weight constraints, as `keras.constraints`: projections applied after each update.

What this module owns: the `Constraint` classes (`__call__(w)` returns the
projected weight, with Keras 3's formulas: norms are divided as
`w * desired / (epsilon() + norms)`) and the name <-> object mapping
(`get`, `serialize`, `deserialize`).

Example:
>>> from neurx import constraints
>>> constraints.get("non_neg")(jnp.array([-1.0, 2.0])).tolist()
[0.0, 2.0]
>>> [round(v, 4) for v in constraints.MaxNorm(1.0)(jnp.array([3.0, 4.0])).tolist()]
[0.6, 0.8]
"""
from __future__ import annotations

import jax.numpy as jnp

from neurx import config, validation
from neurx.ops import convert_to_tensor
from neurx.registry import Configurable, Registry, class_names


def _norms(w, axis):
    axis = tuple(axis) if isinstance(axis, list) else axis
    return jnp.sqrt(jnp.sum(jnp.square(w), axis=axis, keepdims=True))


def _float(w):
    w = convert_to_tensor(w)
    return w if jnp.issubdtype(w.dtype, jnp.inexact) else w.astype(config.floatx())


class Constraint(Configurable):
    """Base class: a constraint maps a weight array to its projection.

    >>> class Clip(Constraint):
    ...     def __call__(self, w):
    ...         return jnp.clip(w, -1.0, 1.0)
    >>> Clip()(jnp.array([-3.0, 0.5])).tolist()
    [-1.0, 0.5]
    """

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return {}


class MaxNorm(Constraint):
    """Rescales each weight vector (norms taken over `axis`) to norm <= `max_value`.

    Args:
        max_value: the largest allowed norm.
        axis: axis (or list of axes) of the norms: 0 for a Dense kernel
            `(input_dim, units)`, `[0, 1, 2]` for a channels_last Conv2D kernel.

    >>> w = MaxNorm(2.0)(jnp.array([[6.0, 0.3], [8.0, 0.4]]))
    >>> [[round(v, 4) for v in row] for row in w.tolist()]
    [[1.2, 0.3], [1.6, 0.4]]
    """

    def __init__(self, max_value=2, axis=0):
        validation.number_in_range(max_value, "max_value", "MaxNorm", 0)
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = _float(w)
        norms = _norms(w, self.axis)
        desired = jnp.clip(norms, 0, self.max_value)
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Replaces negative weights by 0.

    >>> NonNeg()(jnp.array([-0.5, 0.5])).tolist()
    [0.0, 0.5]
    """

    def __call__(self, w):
        return jnp.maximum(convert_to_tensor(w), 0)


class UnitNorm(Constraint):
    """Rescales each weight vector (norms taken over `axis`) to unit norm.

    >>> [round(v, 4) for v in UnitNorm()(jnp.array([3.0, 4.0])).tolist()]
    [0.6, 0.8]
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = _float(w)
        return w / (config.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Rescales each weight vector towards a norm in [`min_value`, `max_value`].

    The new norm is `rate * clip(norm, min_value, max_value) + (1 - rate) * norm`.

    >>> [round(v, 4) for v in MinMaxNorm(2.0, 3.0)(jnp.array([0.6, 0.8])).tolist()]
    [1.2, 1.6]
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        validation.number_in_range(max_value, "max_value", "MinMaxNorm",
                                   validation.number_in_range(min_value, "min_value",
                                                              "MinMaxNorm", 0))
        validation.fraction(rate, "rate", "MinMaxNorm")
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        w = _float(w)
        norms = _norms(w, self.axis)
        desired = (self.rate * jnp.clip(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value,
                "rate": self.rate, "axis": self.axis}


# Keras's lower-case aliases
max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm

_CLASSES = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
ALL_OBJECTS_DICT = class_names(_CLASSES)
_REGISTRY = Registry("constraint", "keras.constraints", ALL_OBJECTS_DICT)


def serialize(constraint) -> dict:
    """The Keras config dict of a constraint.

    >>> serialize(MaxNorm(3))["config"]
    {'max_value': 3, 'axis': 0}
    """
    return _REGISTRY.serialize(constraint)


def deserialize(config: dict, custom_objects=None):
    """A constraint from `serialize`'s dict.

    >>> deserialize({"class_name": "UnitNorm", "config": {"axis": 1}}).axis
    1
    """
    return _REGISTRY.deserialize(config, custom_objects)


def get(identifier):
    """A constraint from a name, a config dict, a class, a callable or None.

    >>> get("max_norm"), get(None)
    (MaxNorm(max_value=2, axis=0), None)
    >>> get("non_negative")
    Traceback (most recent call last):
    ValueError: Unknown constraint: 'non_negative'. Did you mean 'non_neg'?
    """
    return _REGISTRY.get(identifier)


__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "max_norm",
           "non_neg", "unit_norm", "min_max_norm", "get", "serialize", "deserialize"]
