"""Rescaling: `inputs * scale + offset`, e.g. pixels from [0, 255] to [0, 1]."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from neurx import config, validation
from neurx.layers.layer import Layer


def _plain(value):
    """Scalars stay Python numbers, arrays become lists (JSON-friendly config)."""
    if isinstance(value, (np.ndarray, np.generic)) or hasattr(value, "dtype"):
        array = np.asarray(value)
        return array.item() if array.ndim == 0 else array.tolist()
    return value


class Rescaling(Layer):
    """Multiplies the inputs by `scale` and adds `offset`, in the layer's dtype.

    Args:
        scale: a float, or an array of per-channel factors (reshaped to broadcast over
            the spatial axes when `keras.config.image_data_format()` is
            "channels_first").
        offset: a float or array added after scaling (default 0).

    Example:
    >>> import numpy as np
    >>> np.asarray(Rescaling(1 / 255)(np.array([[0, 255]]))).tolist()
    [[0.0, 1.0]]
    >>> np.asarray(Rescaling(1 / 127.5, offset=-1)(np.array([[0, 255]]))).tolist()
    [[-1.0, 1.0]]
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = validation.numeric(scale, "scale", "Rescaling")
        self.offset = validation.numeric(offset, "offset", "Rescaling")
        for name, value in (("scale", scale), ("offset", offset)):
            if not np.isfinite(np.asarray(value, "float64")).all():
                raise ValueError(f"`{name}` of Rescaling must be finite. Received: "
                                 f"{name}={value!r}")
        self.supports_masking = True

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = jnp.asarray(self.scale, dtype)
        offset = jnp.asarray(self.offset, dtype)
        if scale.ndim > 0 and config.image_data_format() == "channels_first":
            scale = jnp.reshape(scale, scale.shape + (1,) * (3 - scale.ndim))
        inputs = jnp.asarray(inputs).astype(dtype)
        for name, value in (("scale", scale), ("offset", offset)):
            try:
                jnp.broadcast_shapes(inputs.shape, value.shape)
            except ValueError:
                raise ValueError(f"`{name}` of Rescaling layer '{self.name}' has shape "
                                 f"{value.shape}, which does not broadcast to the input of "
                                 f"shape {tuple(inputs.shape)} (per-channel factors need "
                                 "one per channel).") from None
        return inputs * scale + offset

    def get_config(self):
        return {**super().get_config(), "scale": _plain(self.scale),
                "offset": _plain(self.offset)}
