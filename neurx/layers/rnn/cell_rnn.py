"""`CellRNN`: the base of SimpleRNN, LSTM and GRU, an `RNN` that builds its cell from its
own arguments and whose config is its cell's."""
from __future__ import annotations

from neurx.layers.rnn.cell_base import MultiGateCell
from neurx.layers.rnn.rnn import RNN, cell_property

_LAYER_ONLY_KEYS = ("name", "trainable", "dtype", "batch_input_shape")
# The constructor arguments that are the layer's; every other one goes to the cell.
_RNN_ARGUMENTS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
                  "activity_regularizer")


def check_use_cudnn(use_cudnn, name):
    if use_cudnn not in ("auto", True, False):
        raise ValueError("Invalid value for argument `use_cudnn`: expected one of "
                         f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn!r}")
    if use_cudnn is True:
        raise ValueError(f"Layer '{name}': use_cudnn=True was specified, but there is no "
                         "cuDNN implementation on the JAX backend. Pass use_cudnn='auto' "
                         "(the default), which uses the XLA loop.")


class CellRNN(RNN):
    """Base of SimpleRNN, LSTM and GRU: an `RNN` whose config is its cell's arguments.

    A subclass passes its constructor's own arguments (`arguments`): the `RNN` ones
    configure the layer, `use_cudnn` (LSTM, GRU) is checked, and the others (with
    `implementation`, for LSTM and GRU cells) build a `cell_class` cell named `cell_name`
    with the layer's dtype. The cell's arguments read through the layer (`layer.units`,
    `layer.dropout`, ...) and `get_config()` is flat, as in Keras 3 (no nested "cell"
    entry).

    Example:
    >>> from neurx.layers.rnn.gru import GRU
    >>> config = GRU(3, dropout=0.1).get_config()
    >>> config["units"], config["dropout"], "cell" in config
    (3, 0.1, False)
    """

    config_lists_activity_regularizer = True
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

    def __init__(self, cell_class, cell_name, arguments, **kwargs):
        cell_arguments = {k: v for k, v in arguments.items()
                          if k not in _RNN_ARGUMENTS and k != "use_cudnn"}
        if issubclass(cell_class, MultiGateCell):  # Keras 2's argument, meant for the cell
            cell_arguments["implementation"] = kwargs.pop("implementation", 2)
        cell = cell_class(**cell_arguments, dtype=kwargs.get("dtype"),
                          trainable=kwargs.get("trainable", True), name=cell_name)
        super().__init__(cell, **{k: arguments[k] for k in _RNN_ARGUMENTS}, **kwargs)
        if "use_cudnn" in arguments:
            check_use_cudnn(arguments["use_cudnn"], self.name)
            self.use_cudnn = arguments["use_cudnn"]

    def get_config(self):
        cell = {k: v for k, v in self.cell.get_config().items() if k not in _LAYER_ONLY_KEYS}
        return {**self._rnn_config(), **cell}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
