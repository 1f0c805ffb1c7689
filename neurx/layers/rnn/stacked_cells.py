"""`StackedRNNCells`: several cells run one after the other inside one time loop."""
from __future__ import annotations

import jax.numpy as jnp

from neurx.layers.layer import Layer
from neurx.layers.rnn.serialization import deserialize_layer, serialize_layer


def cell_output_size(cell) -> int:
    """A cell's output size: `output_size`, else its first state's size."""
    if getattr(cell, "output_size", None) is not None:
        return int(cell.output_size)
    size = cell.state_size
    return int(size[0] if isinstance(size, (list, tuple)) else size)


class StackedRNNCells(Layer):
    """Wraps a list of cells so that they behave as one cell (a stacked RNN).

    The output of each cell is the input of the next at the same timestep; the
    states are the list of every cell's states. `RNN([cell_a, cell_b])` builds one.

    Args:
        cells: list of cell instances.

    Example:
    >>> import numpy as np
    >>> from neurx.layers.rnn.lstm import LSTMCell
    >>> from neurx.layers.rnn.rnn import RNN
    >>> stacked = StackedRNNCells([LSTMCell(8), LSTMCell(4)])
    >>> RNN(stacked)(np.ones((3, 5, 2), "float32")).shape
    (3, 4)
    >>> stacked.state_size
    [[8, 8], [4, 4]]
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = [deserialize_layer(c) if isinstance(c, dict) else c for c in cells]
        for cell in cells:
            if not callable(getattr(cell, "call", None)) or getattr(cell, "state_size",
                                                                    None) is None:
                raise ValueError("All cells must have a `call` method and a `state_size` "
                                 f"attribute. Received: {cell!r}")
        self.cells = cells

    @property
    def state_size(self) -> list:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> int:
        return cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            make = getattr(cell, "get_initial_state", None)
            if make is not None:
                states.append(make(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(jnp.zeros((batch_size, cell.state_size), self.compute_dtype))
            else:
                states.append([jnp.zeros((batch_size, d), self.compute_dtype)
                               for d in cell.state_size])
        return states

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._build_with(shape)
            shape = (shape[0], cell_output_size(cell))

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            nested = isinstance(cell_states, (list, tuple))
            inputs, cell_states = cell(inputs, list(cell_states) if nested else [cell_states],
                                       training=training)
            if not isinstance(cell_states, (list, tuple)):
                cell_states = [cell_states]
            new_states.append(list(cell_states) if nested or len(cell_states) > 1
                              else cell_states[0])
        return inputs, new_states

    def get_config(self):
        return {**super().get_config(), "cells": [serialize_layer(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [deserialize_layer(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)
