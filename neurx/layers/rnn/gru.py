"""`GRUCell` and `GRU` (Cho et al. 2014), with Keras 3's gate order z, r, h."""
from __future__ import annotations

import jax.numpy as jnp

from neurx import activations
from neurx.layers.rnn.cell_base import GatedCell
from neurx.layers.rnn.cell_rnn import CellRNN
from neurx.layers.rnn.dropout_cell import gate_projections
from neurx.layers.rnn.lstm import check_use_cudnn
from neurx.layers.rnn.rnn import cell_property


class GRUCell(GatedCell):
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
        self.reset_after = bool(reset_after)
        self.implementation = 1 if self.recurrent_dropout else int(implementation)
        if self.implementation == 1:
            self.dropout_mask_count = 3

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
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


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
        cell = GRUCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after,
            seed=seed, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
            name="gru_cell", implementation=kwargs.pop("implementation", 2))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        check_use_cudnn(use_cudnn, self.name)
        self.use_cudnn = use_cudnn

    recurrent_activation = cell_property("recurrent_activation")
    reset_after = cell_property("reset_after")
    implementation = cell_property("implementation")
