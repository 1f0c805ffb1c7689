"""`GRUCell` and `GRU` (Cho et al. 2014), with Keras 3's gate order z, r, h."""
from __future__ import annotations

import jax.numpy as jnp

from neurx.layers.convolutional.arguments import own_arguments
from neurx.layers.rnn.cell_base import MultiGateCell
from neurx.layers.rnn.cell_rnn import CellRNN
from neurx.layers.rnn.dropout_cell import gate_projections
from neurx.layers.rnn.rnn import cell_property


class GRUCell(MultiGateCell):
    """The cell of a GRU layer, for one timestep.

    Weights: `kernel` (input_dim, 3 * units), `recurrent_kernel` (units, 3 * units),
    gates z, r, h; `bias` is (2, 3 * units) with `reset_after=True` (input bias
    row, then recurrent bias row: the cuDNN-compatible variant, Keras 3's default)
    and (3 * units,) with `reset_after=False` (reset gate applied before the
    recurrent matmul).

    Args: units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
    initializers, regularizers, constraints, dropout, recurrent_dropout,
    reset_after=True, seed: as in Keras.

    Call: `cell(inputs, [h], training=None)` returns `(h_new, [h_new])`.

    Example:
    >>> import numpy as np
    >>> cell = GRUCell(4)
    >>> out, (h,) = cell(np.ones((2, 3), "float32"), [np.zeros((2, 4), "float32")])
    >>> out.shape, cell.bias.shape
    ((2, 4), (2, 12))
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
        arguments = own_arguments(locals())
        del arguments["reset_after"]
        super().__init__(**arguments, **kwargs)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        if self.bias is None:
            return None
        return self.bias.value[0] if self.reset_after else self.bias.value

    def step(self, x, states, rdp=None):
        h_tm1, u = states[0], self.units
        x_z, x_r, x_h = jnp.split(x, 3, axis=-1)
        kernel = self.recurrent_kernel.value
        per_gate = isinstance(rdp, (list, tuple))
        if self.reset_after:
            r_z, r_r, r_h = gate_projections(h_tm1, kernel, rdp, 3)
            if self.bias is not None:
                b_z, b_r, b_h = jnp.split(self.bias.value[1], 3)
                r_z, r_r, r_h = r_z + b_z, r_r + b_r, r_h + b_h
            z = self.recurrent_activation(x_z + r_z)
            r = self.recurrent_activation(x_r + r_r)
            hh = self.activation(x_h + r * r_h)
        else:
            r_z, r_r = gate_projections(h_tm1, kernel[:, :2 * u],
                                        rdp[:2] if per_gate else rdp, 2)
            z = self.recurrent_activation(x_z + r_z)
            r = self.recurrent_activation(x_r + r_r)
            h_h = h_tm1 if rdp is None else h_tm1 * (rdp[2] if per_gate else rdp)
            hh = self.activation(x_h + jnp.matmul(r * h_h, kernel[:, 2 * u:]))
        h = z * h_tm1 + (1 - z) * hh
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


class GRU(CellRNN):
    """Gated Recurrent Unit layer (Cho et al. 2014), looped with `lax.scan`.

    Args: `units` and the arguments of `GRUCell` (`reset_after=True` by default),
    `activity_regularizer`, the `RNN` arguments `return_sequences`,
    `return_state` (then returns `[output, h]`), `go_backwards`, `stateful`
    (only False), `unroll`, and `use_cudnn` ("auto"). The weights live in
    `layer.cell` (named `gru_cell`, as in Keras 3).

    Example:
    >>> import numpy as np
    >>> gru = GRU(4, return_sequences=True, return_state=True)
    >>> seq, h = gru(np.random.random((32, 10, 8)).astype("float32"))
    >>> seq.shape, h.shape
    ((32, 10, 4), (32, 4))
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
                 use_cudnn="auto", **kwargs):
        super().__init__(GRUCell, "gru_cell", own_arguments(locals()), **kwargs)

    recurrent_activation = cell_property("recurrent_activation")
    reset_after = cell_property("reset_after")
    implementation = cell_property("implementation")
