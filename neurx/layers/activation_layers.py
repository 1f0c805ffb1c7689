"""Activation functions as layers: ReLU, LeakyReLU, PReLU, ELU, Softmax and tf.keras 2's
ThresholdedReLU.

`Activation("relu")` covers the plain functions; these layers carry the arguments
(a cap, a slope, a softmax axis and mask) or, for PReLU, a learned slope `alpha`.
Each passes the mask it receives on to the next layer.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx import activations, constraints, initializers, regularizers, validation
from neurx.layers.core import serialize_or_none
from neurx.layers.layer import Layer
from neurx.legacy import warn_once


def _non_negative(value, argument: str, layer: str, allow_none: bool = False):
    if value is None and allow_none:
        return None
    return validation.number_in_range(value, argument, layer, 0, or_none=allow_none)


class ReLU(Layer):
    """Rectified linear unit with an optional cap, leak and threshold.

    `f(x) = max_value` for `x >= max_value`, `x` for `threshold <= x < max_value`,
    and `negative_slope * (x - threshold)` below the threshold.

    Args:
        max_value: the largest output (>= 0), or None for no cap.
        negative_slope: slope below the threshold (>= 0, default 0).
        threshold: where the unit switches on (>= 0, default 0).

    Input shape: any. Output shape: the input's.

    Example:
    >>> import numpy as np
    >>> ReLU()(np.array([-2.0, 3.0])).tolist()
    [0.0, 3.0]
    >>> ReLU(max_value=6.0, negative_slope=0.5)(np.array([-2.0, 3.0, 9.0])).tolist()
    [-1.0, 3.0, 6.0]
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _non_negative(max_value, "max_value", "ReLU", allow_none=True)
        self.negative_slope = _non_negative(negative_slope, "negative_slope", "ReLU")
        self.threshold = _non_negative(threshold, "threshold", "ReLU")
        self.supports_masking = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(Layer):
    """`x` for `x >= 0`, `negative_slope * x` otherwise.

    Args:
        negative_slope: slope of the negative part (>= 0, default 0.3). tf.keras 2's
            spelling `alpha=` is accepted and warns once.

    Input shape: any. Output shape: the input's.

    Example:
    >>> import numpy as np
    >>> LeakyReLU(negative_slope=0.5)(np.array([-1.0, 2.0])).tolist()
    [-0.5, 2.0]
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warn_once("LeakyReLU(alpha)", "`LeakyReLU(alpha=...)` is the Keras 2 spelling: "
                      f"use `LeakyReLU(negative_slope={negative_slope!r})`.")
        super().__init__(**kwargs)
        self.negative_slope = _non_negative(negative_slope, "negative_slope", "LeakyReLU")
        self.supports_masking = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ThresholdedReLU(Layer):
    """`x` for `x > theta`, 0 otherwise (tf.keras 2; removed in Keras 3).

    Creating one warns once: Keras 3 spells it `ReLU(threshold=theta)` (the same numbers).

    Args:
        theta: where the unit switches on (>= 0, default 1.0).

    Input shape: any. Output shape: the input's.

    Example:
    >>> import numpy as np
    >>> ThresholdedReLU(theta=1.0)(np.array([0.5, 1.0, 2.0])).tolist()
    [0.0, 0.0, 2.0]
    """

    def __init__(self, theta=1.0, **kwargs):
        warn_once("ThresholdedReLU", "`ThresholdedReLU` is tf.keras 2's layer (removed in "
                  f"Keras 3): use `ReLU(threshold={theta!r})`.")
        super().__init__(**kwargs)
        self.theta = _non_negative(theta, "theta", "ThresholdedReLU")
        self.supports_masking = True

    def call(self, inputs):
        inputs = jnp.asarray(inputs)
        return inputs * (inputs > jnp.asarray(self.theta, inputs.dtype)).astype(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "theta": self.theta}


class PReLU(Layer):
    """Parametric ReLU: `x` for `x >= 0`, `alpha * x` otherwise, with `alpha` learned.

    `alpha` has the shape of one sample (`input_shape[1:]`), with size 1 along
    `shared_axes`: `shared_axes=[1, 2]` after a `Conv2D` learns one slope per channel.

    Args:
        alpha_initializer: initializer of `alpha` (default "zeros": a plain ReLU at first).
        alpha_regularizer, alpha_constraint: as in Keras.
        shared_axes: an axis or a list of axes (1 is the first axis after the batch)
            sharing one slope, or None.

    Input shape: any, with the axes that are not shared known.
    Output shape: the input's.

    Example:
    >>> import numpy as np
    >>> layer = PReLU(alpha_initializer="ones", shared_axes=[1, 2])
    >>> layer(np.full((1, 4, 4, 3), -2.0)).shape, layer.alpha.shape
    ((1, 4, 4, 3), (1, 1, 3))
    >>> PReLU(alpha_initializer="ones")(np.array([[-2.0, 3.0]])).tolist()
    [[-2.0, 3.0]]
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is not None:
            shared_axes = validation.axis(shared_axes, "shared_axes", "PReLU")
            shared_axes = list(shared_axes) if isinstance(shared_axes, tuple) else [shared_axes]
        self.shared_axes = shared_axes
        self.supports_masking = True

    def build(self, input_shape):
        shared = self.shared_axes or []
        for axis in shared:
            if not 1 <= axis < len(input_shape):
                raise ValueError(
                    f"PReLU layer '{self.name}': shared_axes holds axis {axis}, but an input "
                    f"of shape {tuple(input_shape)} has axes 1 to {len(input_shape) - 1} "
                    f"after the batch axis. Received: shared_axes={self.shared_axes}")
        shape = [1 if axis in shared else size for axis, size in enumerate(input_shape)][1:]
        if None in shape:
            raise ValueError(
                f"PReLU layer '{self.name}' learns one slope per input position, so every "
                f"axis after the batch axis must be known or listed in `shared_axes`. "
                f"Received: input_shape={tuple(input_shape)}, shared_axes={self.shared_axes}")
        self.alpha = self.add_weight(name="alpha", shape=shape,
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)

    def call(self, inputs):
        alpha = self.alpha.value
        sample = inputs.shape[1:]
        if len(sample) != alpha.ndim or any(a not in (1, s) for a, s in zip(alpha.shape, sample)):
            raise ValueError(
                f"Input of PReLU layer '{self.name}' is incompatible with its `alpha` of "
                f"shape {alpha.shape} (built for samples of that shape, 1 on shared axes). "
                f"Received: input of shape {tuple(inputs.shape)}.")
        return jax.nn.relu(inputs) - alpha * jax.nn.relu(-inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": serialize_or_none(regularizers, self.alpha_regularizer),
                "alpha_constraint": serialize_or_none(constraints, self.alpha_constraint),
                "shared_axes": self.shared_axes}


class ELU(Layer):
    """Exponential linear unit: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha: scale of the negative part (default 1.0).

    Input shape: any. Output shape: the input's.

    Example:
    >>> import numpy as np
    >>> [round(v, 4) for v in ELU(alpha=0.5)(np.array([-1.0, 2.0])).tolist()]
    [-0.3161, 2.0]
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = validation.number_in_range(alpha, "alpha", "ELU")
        self.supports_masking = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


def _large_negative(dtype) -> float:
    """A logit that softmax turns into 0 without overflowing the dtype."""
    return -3e4 if jnp.dtype(dtype) == jnp.float16 else -1e9


class Softmax(Layer):
    """Softmax along `axis`, optionally over the unmasked positions only.

    Args:
        axis: an axis, or a list of axes normalized together (default -1).

    Call arguments:
        inputs: the logits.
        mask: optional, broadcastable to `inputs` (each axis 1 or equal, counted from
            the last); True (or > 0.5) keeps a position, masked positions get 0. A
            mask that earlier layers pass along (one from `Embedding(mask_zero=True)`,
            say) is applied the same way.

    Input shape: any. Output shape: the input's.

    Example:
    >>> import numpy as np
    >>> [round(v, 4) for v in Softmax()(np.array([1.0, 2.0, 1.0])).tolist()]
    [0.2119, 0.5761, 0.2119]
    >>> Softmax()(np.array([[1.0, 1.0, 5.0]]), mask=np.array([[1, 1, 0]])).tolist()
    [[0.5, 0.5, 0.0]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        checked = validation.axis(axis, "axis", "Softmax")
        self.axis = axis if isinstance(axis, (list, tuple)) else checked
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = self._checked_mask(inputs, jnp.asarray(mask))
            inputs = jnp.where(mask, inputs, _large_negative(inputs.dtype))
        axis = validation.axes_of_input(self.axis, jnp.ndim(inputs), "axis",
                                        f"Softmax layer '{self.name}'")
        outputs = jax.nn.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = jnp.where(mask, outputs, jnp.zeros((), outputs.dtype))
        return outputs

    def _checked_mask(self, inputs, mask):
        fits = mask.ndim <= inputs.ndim and all(
            m in (1, i) for m, i in zip(mask.shape[::-1], inputs.shape[::-1]))
        if not fits:
            raise ValueError(
                f"The mask of Softmax layer '{self.name}' must broadcast to the inputs: at "
                "most as many axes, each (counted from the last) 1 or equal to the input's. "
                f"Received: inputs.shape={tuple(inputs.shape)}, mask.shape={tuple(mask.shape)}")
        return mask if mask.dtype == jnp.bool_ else mask > 0.5

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
