"""`LSTMCell` and `LSTM` (Hochreiter 1997), with Keras 3's gate order i, f, c, o."""
from __future__ import annotations

import jax.numpy as jnp

from neurx import activations, initializers
from neurx.layers.rnn.cell_base import GatedCell
from neurx.layers.rnn.cell_rnn import CellRNN
from neurx.layers.rnn.dropout_cell import gate_projections
from neurx.layers.rnn.rnn import cell_property


def check_use_cudnn(use_cudnn, name):
    if use_cudnn not in ("auto", True, False):
        raise ValueError("Invalid value for argument `use_cudnn`: expected one of "
                         f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn!r}")
    if use_cudnn is True:
        raise ValueError(f"Layer '{name}': use_cudnn=True was specified, but there is no "
                         "cuDNN implementation on the JAX backend. Pass use_cudnn='auto' "
                         "(the default), which uses the XLA loop.")


class _ForgetBiasInitializer:
    """Zeros-like `bias_initializer` for the i, c, o gates and ones for the forget gate."""

    def __init__(self, base, units):
        self.base, self.units = base, units

    def __call__(self, shape, dtype=None):
        u = self.units
        return jnp.concatenate([self.base((u,), dtype=dtype),
                                initializers.get("ones")((u,), dtype=dtype),
                                self.base((2 * u,), dtype=dtype)])


class LSTMCell(GatedCell):
    """The cell of an LSTM layer, for one timestep.

    Weights: `kernel` (input_dim, 4 * units), `recurrent_kernel` (units, 4 * units)
    and `bias` (4 * units,), each laid out as the gates i, f, c, o (Keras 3's order).

    Args:
        units: size of the output and of each state.
        activation="tanh", recurrent_activation="sigmoid", use_bias=True,
        kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
        bias_initializer="zeros", unit_forget_bias=True (forget-gate bias starts
        at 1), regularizers and constraints, dropout, recurrent_dropout, seed: as in Keras.

    Call: `cell(inputs, [h, c], training=None)` returns `(h_new, [h_new, c_new])`.

    Example:
    >>> import numpy as np
    >>> cell = LSTMCell(4)
    >>> h0 = c0 = np.zeros((2, 4), "float32")
    >>> out, (h, c) = cell(np.ones((2, 3), "float32"), [h0, c0])
    >>> out.shape, c.shape, cell.bias.numpy()[4:8].tolist()
    ((2, 4), (2, 4), [1.0, 1.0, 1.0, 1.0])
    """

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint,
                         bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.implementation = 1 if self.recurrent_dropout else int(implementation)
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.state_size = [self.units, self.units]

    def _bias_initializer(self):
        if self.unit_forget_bias:
            return _ForgetBiasInitializer(self.bias_initializer, self.units)
        return self.bias_initializer

    def step(self, x, states, rdp=None):
        h_tm1, c_tm1 = states[0], states[1]
        r = gate_projections(h_tm1, self.recurrent_kernel.value, rdp, 4)
        z_i, z_f, z_c, z_o = (a + b for a, b in zip(jnp.split(x, 4, axis=-1), r))
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class LSTM(CellRNN):
    """Long Short-Term Memory layer (Hochreiter 1997), looped with `lax.scan`.

    Args: `units` and the arguments of `LSTMCell`, `activity_regularizer`, the
    `RNN` arguments `return_sequences`, `return_state` (then returns
    `[output, h, c]`), `go_backwards`, `stateful` (only False), `unroll`, and
    `use_cudnn` ("auto"; there is no cuDNN path on JAX). The weights live in
    `layer.cell` (named `lstm_cell`, as in Keras 3).

    Input shape: `(batch, timesteps, features)`; masks from `Embedding(mask_zero=True)`
    or `Masking` make padded timesteps keep the previous state.

    Example:
    >>> import numpy as np
    >>> lstm = LSTM(4, return_sequences=True, return_state=True)
    >>> seq, h, c = lstm(np.random.random((32, 10, 8)).astype("float32"))
    >>> seq.shape, h.shape, c.shape
    ((32, 10, 4), (32, 4), (32, 4))
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 use_cudnn="auto", **kwargs):
        cell = LSTMCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            unit_forget_bias=unit_forget_bias, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True), name="lstm_cell",
            implementation=kwargs.pop("implementation", 2))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        check_use_cudnn(use_cudnn, self.name)
        self.use_cudnn = use_cudnn

    recurrent_activation = cell_property("recurrent_activation")
    unit_forget_bias = cell_property("unit_forget_bias")
    implementation = cell_property("implementation")
