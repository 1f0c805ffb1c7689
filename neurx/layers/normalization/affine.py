"""The learned scale (`gamma`) and offset (`beta`) shared by the normalization layers.

What it owns: storing, creating and serializing the `gamma_*` / `beta_*`
initializers, regularizers and constraints that BatchNormalization,
LayerNormalization and GroupNormalization accept with the same Keras keys.
"""
from __future__ import annotations

from neurx import constraints, initializers, regularizers


def _serialize(module, value):
    return None if value is None else module.serialize(value)


class AffineParams:
    """Holds the `beta_*` / `gamma_*` arguments of a normalization layer.

    Example:
    >>> params = AffineParams(beta_initializer="zeros", gamma_initializer="ones")
    >>> sorted(params.get_config())[:2]
    ['beta_constraint', 'beta_initializer']
    """

    def __init__(self, beta_initializer="zeros", gamma_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None):
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def add_gamma(self, layer, shape):
        """Creates the layer's trainable `gamma` weight (the scale)."""
        return layer.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                regularizer=self.gamma_regularizer,
                                constraint=self.gamma_constraint, trainable=True)

    def add_beta(self, layer, shape):
        """Creates the layer's trainable `beta` weight (the offset)."""
        return layer.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                regularizer=self.beta_regularizer,
                                constraint=self.beta_constraint, trainable=True)

    def get_config(self) -> dict:
        return {"beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": _serialize(regularizers, self.beta_regularizer),
                "gamma_regularizer": _serialize(regularizers, self.gamma_regularizer),
                "beta_constraint": _serialize(constraints, self.beta_constraint),
                "gamma_constraint": _serialize(constraints, self.gamma_constraint)}


def normalized_axes(axis, ndim: int, layer_name: str, input_shape) -> list[int]:
    """`axis` (an int or a list of ints) as sorted non-negative axes; checks the range.

    >>> normalized_axes(-1, 3, "ln", (None, 4, 5))
    [2]
    """
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"Axis {a} is out of bounds for the input of layer "
                             f"'{layer_name}' of shape {tuple(input_shape)}. "
                             f"Received: axis={axis}")
        out.append(a % ndim)
    return sorted(out)
