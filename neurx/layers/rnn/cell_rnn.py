"""`CellRNN`: the base of SimpleRNN, LSTM and GRU, an `RNN` whose config is its cell's."""
from __future__ import annotations

from neurx import regularizers
from neurx.layers.core import serialize_or_none
from neurx.layers.rnn.rnn import RNN, cell_property

_LAYER_ONLY_KEYS = ("name", "trainable", "dtype", "batch_input_shape")


class CellRNN(RNN):
    """Base of SimpleRNN, LSTM and GRU: an `RNN` whose config is its cell's arguments.

    The cell's arguments read through the layer (`layer.units`, `layer.dropout`, ...)
    and `get_config()` is flat, as in Keras 3 (no nested "cell" entry).

    Example:
    >>> from neurx.layers.rnn.gru import GRU
    >>> config = GRU(3, dropout=0.1).get_config()
    >>> config["units"], config["dropout"], "cell" in config
    (3, 0.1, False)
    """

    units = cell_property("units")
    activation = cell_property("activation")
    use_bias = cell_property("use_bias")
    kernel_initializer = cell_property("kernel_initializer")
    recurrent_initializer = cell_property("recurrent_initializer")
    bias_initializer = cell_property("bias_initializer")
    kernel_regularizer = cell_property("kernel_regularizer")
    recurrent_regularizer = cell_property("recurrent_regularizer")
    bias_regularizer = cell_property("bias_regularizer")
    kernel_constraint = cell_property("kernel_constraint")
    recurrent_constraint = cell_property("recurrent_constraint")
    bias_constraint = cell_property("bias_constraint")
    dropout = cell_property("dropout")
    recurrent_dropout = cell_property("recurrent_dropout")

    def get_config(self):
        cell = {k: v for k, v in self.cell.get_config().items() if k not in _LAYER_ONLY_KEYS}
        return {**self._rnn_config(), **cell,
                "activity_regularizer": serialize_or_none(regularizers,
                                                          self.activity_regularizer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
