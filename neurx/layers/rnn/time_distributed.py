"""`TimeDistributed`: applies a layer to every timestep of a sequence."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx.layers.layer import Layer
from neurx.layers.rnn.serialization import deserialize_layer, serialize_layer


class TimeDistributed(Layer):
    """Applies `layer` to every temporal slice of an input.

    The input `(batch, timesteps, ...)` is folded to `(batch * timesteps, ...)`,
    passed once through `layer` (so its weights are shared by all timesteps), and
    unfolded. A mask `(batch, timesteps)` is folded the same way for layers that
    take one, and passed on unchanged. Layers whose training behaviour depends on
    the batch (BatchNormalization) see batch and time together.

    Args:
        layer: the layer to apply (Dense, Conv2D, a model, ...).

    Input shape: at least 3D, `(batch, timesteps, ...)`.

    Example:
    >>> import numpy as np
    >>> from neurx.layers.core import Dense
    >>> layer = TimeDistributed(Dense(8))
    >>> layer(np.ones((32, 10, 16), "float32")).shape
    (32, 10, 8)
    >>> layer.layer.kernel.shape
    (16, 8)
    """

    def __init__(self, layer, **kwargs):
        layer = deserialize_layer(layer) if isinstance(layer, dict) else layer
        if not isinstance(layer, Layer):
            raise ValueError(  # noqa: TRY004  (Keras raises ValueError here)
                "TimeDistributed needs a layer instance to wrap. Received: "
                f"layer={layer!r}")
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _child_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(f"TimeDistributed layer '{self.name}' needs an input of at least "
                             "3 dimensions (batch, timesteps, ...). Received: "
                             f"input_shape={input_shape}")
        return (input_shape[0],) + tuple(input_shape[2:])

    def build(self, input_shape):
        child = self._child_shape(tuple(input_shape))
        if not self.layer.built:
            self.layer._build_with(child)

    def call(self, inputs, training=None, mask=None):
        self._child_shape(tuple(inputs.shape))
        batch, steps = inputs.shape[0], inputs.shape[1]
        parameters = self.layer._call_signature.parameters
        kwargs = {"training": training} if "training" in parameters else {}
        if mask is not None and "mask" in parameters:
            mask = jnp.asarray(mask)
            if mask.shape[:2] != (batch, steps):
                raise ValueError(
                    f"The mask passed to TimeDistributed layer '{self.name}' has shape "
                    f"{tuple(mask.shape)}, incompatible with the input shape "
                    f"{tuple(inputs.shape)}: expected a mask of shape ({batch}, {steps}, ...).")
            kwargs["mask"] = jnp.reshape(mask, (batch * steps,) + mask.shape[2:])
        folded = jnp.reshape(inputs, (batch * steps,) + tuple(inputs.shape[2:]))
        # Keras runs the wrapped layer's `call` inside this layer's: in this layer's dtype
        # policy (a mixed_bfloat16 TimeDistributed computes a float32 Dense in bfloat16).
        outputs = self.layer.call(folded, **kwargs)
        return jax.tree_util.tree_map(
            lambda y: jnp.reshape(y, (batch, steps) + tuple(y.shape[1:])), outputs)

    def get_config(self):
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)
