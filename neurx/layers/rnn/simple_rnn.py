"""`SimpleRNNCell` and `SimpleRNN`: `h_t = activation(x_t @ W + h_{t-1} @ U + b)`."""
from __future__ import annotations

import jax.numpy as jnp

from neurx.layers.convolutional.arguments import own_arguments
from neurx.layers.rnn.cell_base import GatedCell
from neurx.layers.rnn.cell_rnn import CellRNN


class SimpleRNNCell(GatedCell):
    """The cell of a fully connected RNN, for one timestep.

    Args:
        units: size of the output and state.
        activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal", bias_initializer="zeros",
        kernel/recurrent/bias regularizers and constraints,
        dropout, recurrent_dropout (fractions dropped in training), seed: as in Keras.

    Call: `cell(inputs, states, training=None)` with `inputs` `(batch, features)`
    and `states` `[h]`; returns `(h_new, [h_new])`.

    Example:
    >>> import numpy as np
    >>> cell = SimpleRNNCell(4)
    >>> out, (state,) = cell(np.ones((2, 3), "float32"), [np.zeros((2, 4), "float32")])
    >>> out.shape, state.shape
    ((2, 4), (2, 4))
    """

    def step(self, x, states, rdp=None):
        prev = states[0] if rdp is None else states[0] * rdp
        output = self.activation(x + jnp.matmul(prev, self.recurrent_kernel.value))
        return output, [output]


class SimpleRNN(CellRNN):
    """Fully connected RNN where the output is fed back as the next input.

    Args: `units` and the cell arguments of `SimpleRNNCell`, `activity_regularizer`,
    and the `RNN` arguments `return_sequences`, `return_state`, `go_backwards`,
    `stateful` (only False), `unroll`. The weights live in `layer.cell`
    (named `simple_rnn_cell`, as in Keras 3).

    Input shape: `(batch, timesteps, features)`. Output: `(batch, units)`, or
    `(batch, timesteps, units)` with `return_sequences=True`.

    Example:
    >>> import numpy as np
    >>> layer = SimpleRNN(4, return_sequences=True)
    >>> layer(np.ones((2, 5, 3), "float32")).shape
    (2, 5, 4)
    >>> [w.shape for w in layer.weights]
    [(3, 4), (4, 4), (4,)]
    """

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, seed=None, **kwargs):
        super().__init__(SimpleRNNCell, "simple_rnn_cell", own_arguments(locals()), **kwargs)
