"""`LSTMCell` and `LSTM` (Hochreiter 1997), with Keras 3's gate order i, f, c, o."""
from __future__ import annotations

import jax.numpy as jnp

from neurx import initializers
from neurx.layers.convolutional.arguments import own_arguments
from neurx.layers.rnn.cell_base import MultiGateCell
from neurx.layers.rnn.cell_rnn import CellRNN
from neurx.layers.rnn.dropout_cell import gate_projections
from neurx.layers.rnn.rnn import cell_property


class _ForgetBiasInitializer:
    """Zeros-like `bias_initializer` for the i, c, o gates and ones for the forget gate."""

    def __init__(self, base, units):
        self.base, self.units = base, units

    def __call__(self, shape, dtype=None):
        u = self.units
        return jnp.concatenate([self.base((u,), dtype=dtype),
                                initializers.get("ones")((u,), dtype=dtype),
                                self.base((2 * u,), dtype=dtype)])


class LSTMCell(MultiGateCell):
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
        arguments = own_arguments(locals())
        del arguments["unit_forget_bias"]
        super().__init__(**arguments, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
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
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


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
        super().__init__(LSTMCell, "lstm_cell", own_arguments(locals()), **kwargs)

    recurrent_activation = cell_property("recurrent_activation")
    unit_forget_bias = cell_property("unit_forget_bias")
    implementation = cell_property("implementation")
