"""`GatedCell`: what SimpleRNNCell, LSTMCell and GRUCell share (arguments, weights, config,
dropout masks, and a step written as input projection then recurrent update), and
`MultiGateCell`, what LSTMCell and GRUCell add (`recurrent_activation`, `implementation`).

Each cell holds `kernel` (input_dim, gates * units), `recurrent_kernel`
(units, gates * units) and `bias`, named and shaped exactly as in Keras 3 so
weights copied from Keras files fit.
"""
from __future__ import annotations

import jax.numpy as jnp

from neurx import activations, constraints, initializers, regularizers, validation
from neurx.layers.core import serialize_or_none
from neurx.layers.layer import Layer
from neurx.layers.rnn.dropout_cell import DropoutRNNCell


class GatedCell(DropoutRNNCell, Layer):
    """Base of the built-in cells; subclasses set `gates` and write `step`.

    Example:
    >>> from neurx.layers.rnn.lstm import LSTMCell
    >>> cell = LSTMCell(3)
    >>> cell.build((None, 2))
    >>> cell.kernel.shape, cell.recurrent_kernel.shape, cell.bias.shape
    ((2, 12), (3, 12), (12,))
    """

    gates = 1

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.units = validation.whole_number(units, "units", type(self).__name__)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = validation.fraction(dropout, "dropout", type(self).__name__)
        self.recurrent_dropout = validation.fraction(recurrent_dropout, "recurrent_dropout",
                                                     type(self).__name__)
        self.seed = seed
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Cell '{self.name}' ({type(self).__name__}) needs the last "
                             f"(feature) dimension of its input to be known. Received: "
                             f"input_shape={tuple(input_shape)}")
        width = self.gates * self.units
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, width),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel",
                                                shape=(self.units, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight(name="bias", shape=self._bias_shape(),
                                    initializer=self._bias_initializer(),
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def _bias_shape(self) -> tuple:
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    # A step is the input projection, then the recurrent update.
    def call(self, inputs, states, training=False):
        nested = isinstance(states, (list, tuple))
        states = list(states) if nested else [states]
        dp, rdp = self.dropout_masks(inputs, states[0], training)
        output, new_states = self.step(self.project_inputs(inputs, dp), states, rdp)
        return output, (new_states if nested else new_states[0])

    def dropout_masks(self, inputs, h_tm1, training):
        """The input and recurrent dropout masks of this sequence (None when not training)."""
        if not training:
            return None, None
        dp = self.get_dropout_mask(inputs) if 0.0 < self.dropout < 1.0 else None
        rdp = self.get_recurrent_dropout_mask(h_tm1) if 0.0 < self.recurrent_dropout < 1.0 \
            else None
        return dp, rdp

    def project_inputs(self, inputs, dp=None):
        """`inputs @ kernel + input bias`, inputs dropped out by `dp` (one mask, or one per
        gate)."""
        self._check_input(inputs)
        kernel = self.kernel.value
        if isinstance(dp, (list, tuple)):
            kernels = jnp.split(kernel, len(dp), axis=-1)
            x = jnp.concatenate([jnp.matmul(inputs * m, k) for m, k in zip(dp, kernels)], -1)
        else:
            x = jnp.matmul(inputs if dp is None else inputs * dp, kernel)
        bias = self._input_bias()
        return x if bias is None else x + bias

    def _input_bias(self):
        return None if self.bias is None else self.bias.value

    def step(self, x, states, rdp=None):
        """One timestep from projected inputs `x`: returns `(output, new_states)`."""
        raise NotImplementedError(f"{type(self).__name__} must implement `step`.")

    def _check_input(self, inputs):
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(f"Input of cell '{self.name}' ({type(self).__name__}) is "
                             f"incompatible: expected last dimension {self.kernel.shape[0]} "
                             f"(kernel shape {self.kernel.shape}), but received input of "
                             f"shape {tuple(inputs.shape)}.")

    def get_initial_state(self, batch_size=None):
        sizes = [self.state_size] if isinstance(self.state_size, int) else self.state_size
        return [jnp.zeros((batch_size, size), self.compute_dtype) for size in sizes]

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": serialize_or_none(regularizers, self.kernel_regularizer),
                "recurrent_regularizer": serialize_or_none(regularizers,
                                                           self.recurrent_regularizer),
                "bias_regularizer": serialize_or_none(regularizers, self.bias_regularizer),
                "kernel_constraint": serialize_or_none(constraints, self.kernel_constraint),
                "recurrent_constraint": serialize_or_none(constraints,
                                                          self.recurrent_constraint),
                "bias_constraint": serialize_or_none(constraints, self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed}


class MultiGateCell(GatedCell):
    """Base of LSTMCell and GRUCell: gates squashed by `recurrent_activation`.

    `implementation` is Keras's: 1 draws one dropout mask per gate (recurrent dropout
    implies it), 2 one mask for all gates.

    Example:
    >>> from neurx.layers.rnn.gru import GRUCell
    >>> cell = GRUCell(3, recurrent_dropout=0.5)
    >>> cell.implementation, cell.dropout_mask_count, cell.get_config()["recurrent_activation"]
    (1, 3, 'sigmoid')
    """

    def __init__(self, units, recurrent_activation="sigmoid", implementation=2, **kwargs):
        super().__init__(units, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = 1 if self.recurrent_dropout else int(implementation)
        if self.implementation == 1:
            self.dropout_mask_count = self.gates

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation)}
