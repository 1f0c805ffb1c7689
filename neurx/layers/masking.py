"""`Masking`: marks timesteps whose features all equal `mask_value` as padding."""
from __future__ import annotations

import jax.numpy as jnp

from neurx import validation
from neurx.layers.layer import Layer


class Masking(Layer):
    """Masks timesteps whose every feature equals `mask_value`.

    Such timesteps are zeroed in the output, and the mask (`False` where masked)
    goes to the layers after it: recurrent layers keep their previous state there,
    pooling layers leave them out.

    Args:
        mask_value: the padding value (default 0.0).

    Input shape: `(batch_size, timesteps, features)`; output: the same shape.

    Example:
    >>> import numpy as np
    >>> x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]])
    >>> layer = Masking(mask_value=0.0)
    >>> layer.compute_mask(x).tolist()
    [[True, False, True]]
    >>> layer(x).shape
    (1, 3, 2)
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = validation.number_in_range(mask_value, "mask_value", "Masking")
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs, mask=None):
        return jnp.any(jnp.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = jnp.any(jnp.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return jnp.where(keep, inputs, jnp.zeros((), inputs.dtype))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
