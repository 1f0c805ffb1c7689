"""Recurrent layers and wrappers: RNN, SimpleRNN, LSTM, GRU, their cells,
Bidirectional and TimeDistributed (as `keras.layers`)."""
from neurx.layers.rnn.bidirectional import Bidirectional
from neurx.layers.rnn.dropout_cell import DropoutRNNCell
from neurx.layers.rnn.gru import GRU, GRUCell
from neurx.layers.rnn.lstm import LSTM, LSTMCell
from neurx.layers.rnn.rnn import RNN
from neurx.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from neurx.layers.rnn.stacked_cells import StackedRNNCells
from neurx.layers.rnn.time_distributed import TimeDistributed

__all__ = ["GRU", "LSTM", "RNN", "Bidirectional", "DropoutRNNCell", "GRUCell", "LSTMCell",
           "SimpleRNN", "SimpleRNNCell", "StackedRNNCells", "TimeDistributed"]
