"""The everyday layers: Dense, Flatten, Dropout, Activation, Reshape, Lambda."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from neurx import activations, constraints, initializers, regularizers, rng, validation
from neurx.layers.layer import Layer
from neurx.symbolic import KerasTensor, is_symbolic


def serialize_or_none(module, value):
    return None if value is None else module.serialize(value)


class Dense(Layer):
    """A densely connected layer: `activation(inputs @ kernel + bias)`.

    Args:
        units: output size (NumPy integers accepted).
        activation: name or function; none means linear.
        use_bias, kernel_initializer="glorot_uniform", bias_initializer="zeros",
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as in Keras.

    Example:
    >>> import numpy as np
    >>> layer = Dense(3, activation="relu")
    >>> layer(np.ones((2, 4))).shape, layer.kernel.shape
    ((2, 3), (4, 3))
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = validation.whole_number(units, "units", "Dense")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(f"Dense layer '{self.name}' needs the last dimension of its "
                             f"input to be known. Received input_shape={input_shape}")
        self.kernel = self.add_weight(name="kernel", shape=(in_dim, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight(name="bias", shape=(self.units,),
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def compute_output_spec(self, inputs, **kwargs):
        """The output of a call on a symbolic input: its shape with the last size `units`.

        Written out for the everyday case (a float input in the compute dtype, one dtype for
        weights and compute, Dense's own `call`, an activation that keeps shapes), which every
        model build meets, so the call is not traced; anything else is traced.

        >>> layer = Dense(3)
        >>> layer(KerasTensor((None, 5, 4))).shape
        (None, 5, 3)
        """
        policy = self._dtype_policy
        if (self.built and type(self).call is Dense.call and is_symbolic(inputs)
                and inputs.dtype == policy.compute_dtype == policy.variable_dtype
                and inputs.shape[-1] == self.kernel.shape[0]
                and activations.keeps_shape(self.activation)):
            return KerasTensor(inputs.shape[:-1] + (self.units,), inputs.dtype)
        return super().compute_output_spec(inputs, **kwargs)

    def call(self, inputs):
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"Input of layer '{self.name}' (Dense) is incompatible with the layer: "
                f"expected last dimension {self.kernel.shape[0]} (kernel shape "
                f"{self.kernel.shape}), but received input of shape {tuple(inputs.shape)}.")
        outputs = jnp.matmul(inputs, self.kernel.value)
        if self.bias is not None:
            outputs = outputs + self.bias.value
        return self.activation(outputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": serialize_or_none(regularizers, self.kernel_regularizer),
                "bias_regularizer": serialize_or_none(regularizers, self.bias_regularizer),
                "kernel_constraint": serialize_or_none(constraints, self.kernel_constraint),
                "bias_constraint": serialize_or_none(constraints, self.bias_constraint)}


class Flatten(Layer):
    """Flattens every axis but the batch axis.

    >>> import numpy as np
    >>> Flatten()(np.zeros((2, 28, 28))).shape
    (2, 784)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError("`data_format` of Flatten must be 'channels_last' or "
                             f"'channels_first'. Received: data_format={data_format!r}")

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = jnp.moveaxis(inputs, 1, -1)
        return jnp.reshape(inputs, (inputs.shape[0], -1))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def drop_mask_shape(layer, input_shape) -> tuple:
    """The shape of a dropout layer's mask: its `noise_shape`, whose None entries take the
    input's sizes; each entry must be 1 or the input's size.

    >>> drop_mask_shape(Dropout(0.5, noise_shape=(None, 1, 4)), (2, 3, 4))
    (2, 1, 4)
    """
    if layer.noise_shape is None:
        return tuple(input_shape)
    shape = tuple(s if n is None else n for s, n in zip(input_shape, layer.noise_shape))
    if len(layer.noise_shape) != len(input_shape) or \
            any(n not in (1, s) for n, s in zip(shape, input_shape)):
        raise ValueError(f"`noise_shape` of {type(layer).__name__} layer '{layer.name}' must "
                         "hold, for each axis of the input, None, 1 or the input's size. "
                         f"Received: noise_shape={layer.noise_shape} for an input of shape "
                         f"{tuple(input_shape)}")
    return shape


class Dropout(Layer):
    """Sets a fraction `rate` of inputs to 0 during training, scaling the rest by 1/(1-rate).

    >>> import numpy as np
    >>> layer = Dropout(0.5)
    >>> bool((layer(np.ones((2, 4))) == 1).all())   # inference: identity
    True
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = validation.fraction(rate, "rate", type(self).__name__)
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        shape = drop_mask_shape(self, inputs.shape)
        keep = jax.random.bernoulli(rng.draw_key(), 1.0 - self.rate, shape)
        return jnp.where(keep, inputs / (1.0 - self.rate), 0).astype(inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}


class Activation(Layer):
    """Applies an activation function.

    >>> import numpy as np
    >>> Activation("relu")(np.array([[-1.0, 2.0]])).tolist()
    [[0.0, 2.0]]
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Reshape(Layer):
    """Reshapes to `target_shape` (batch axis excluded; one `-1` allowed).

    >>> import numpy as np
    >>> Reshape((3, 4))(np.zeros((2, 12))).shape
    (2, 3, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = validation.shape(target_shape, "target_shape", "Reshape",
                                             unknown=False, one_inferred=True)

    def call(self, inputs):
        known = math.prod(d for d in self.target_shape if d != -1)
        size = math.prod(inputs.shape[1:])
        if (-1 not in self.target_shape and known != size) or (size % max(known, 1)):
            raise ValueError(f"Layer '{self.name}' (Reshape) cannot reshape input of shape "
                             f"{tuple(inputs.shape)} to target_shape {self.target_shape}: "
                             f"{size} values per sample do not fit.")
        return jnp.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Lambda(Layer):
    """Wraps a Python function as a layer.

    >>> import numpy as np
    >>> Lambda(lambda x: x * 2)(np.ones((1, 2))).tolist()
    [[2.0, 2.0]]
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError("`function` of Lambda must be callable (a function of the inputs). "
                            f"Received: function={function!r}")
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError("`arguments` of Lambda must be a dict of keyword arguments for "
                            f"`function`. Received: arguments={arguments!r}")
        self.function = function
        self.output_shape_arg = output_shape
        self.mask = mask
        self.arguments = arguments or {}

    def call(self, inputs, mask=None):
        return self.function(inputs, **self.arguments)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        config = {**super().get_config(), "function": self.function}
        if self.output_shape_arg is not None:   # as Keras, which leaves out a None
            config["output_shape"] = self.output_shape_arg
        return {**config, "arguments": self.arguments}
