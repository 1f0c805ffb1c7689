"""UnitNormalization: scales each sample to unit L2 norm."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx import validation
from neurx.layers.layer import Layer


class UnitNormalization(Layer):
    """Divides each sample by its L2 norm over `axis`, so the norm becomes 1.

    Computed as Keras does: `x * min(1 / sqrt(sum(x ** 2)), 1e12)`.

    Args:
        axis: an integer or a list of integers, the axes the norm is taken over.

    Example:
    >>> import numpy as np
    >>> np.asarray(UnitNormalization()(np.array([[3.0, 4.0]])), "float64").round(3).tolist()
    [[0.6, 0.8]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        axis = validation.axis(axis, "axis", "UnitNormalization")
        self.axis = list(axis) if isinstance(axis, tuple) else axis
        self.supports_masking = True

    def call(self, inputs):
        axis = validation.axes_of_input(self.axis, inputs.ndim, "axis",
                                        f"UnitNormalization layer '{self.name}'")
        square_sum = jnp.sum(jnp.square(inputs), axis=axis, keepdims=True)
        return inputs * jnp.minimum(jax.lax.rsqrt(square_sum), 1e12)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
