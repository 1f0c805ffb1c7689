"""Recurrent layers and wrappers against the real Keras 3: outputs, gradients, masks, config."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import itertools

import keras as real_keras
import numpy as np
import pytest
from rnn_parity import eager_matches, parity

import neurx as keras
from neurx import layers

RS = np.random.RandomState(0)
X = RS.normal(size=(3, 6, 5)).astype("float32")
MASK = np.ones((3, 6), bool)
MASK[0, 4:] = False      # right padding
MASK[1, :2] = False      # left padding
MASK[2, 2] = False       # a hole
FLAGS = list(itertools.product([False, True], repeat=3))
KINDS = [("SimpleRNN", {}), ("LSTM", {}), ("GRU", {}), ("GRU", {"reset_after": False})]
# Parity cases overwrite every weight: cheap initializers spare compiling random ones per shape.
Z = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros"}


def _pairs(kind, extra, flags, mask, grads=True):
    """(ours, theirs, X, kwargs, grads) cases of `kind` for each flag combination."""
    cases = []
    for return_sequences, return_state, go_backwards in flags:
        options = dict(return_sequences=return_sequences, return_state=return_state,
                       go_backwards=go_backwards, **Z, **extra)
        cases.append((getattr(layers, kind)(4, **options),
                      getattr(real_keras.layers, kind)(4, **options), X,
                      {"mask": mask} if mask is not None else {}, grads))
    return cases


def test_layers_match_keras_outputs_and_gradients():
    """Every kind, masked and unmasked, forwards and backwards, with initial states and
    unrolled: one jitted program per library (each lax.scan costs compile time)."""
    h0 = RS.normal(size=(3, 4)).astype("float32")
    c0 = RS.normal(size=(3, 4)).astype("float32")
    cases = []
    for kind, extra in KINDS:
        cases += _pairs(kind, extra, [(True, True, True)], MASK)
        cases += _pairs(kind, extra, [(False, True, False)], None, grads=False)
    cases += _pairs("LSTM", {"use_bias": False, "unroll": True}, [(False, False, False)], MASK,
                    grads=False)
    cases += _pairs("GRU", {"use_bias": False, "reset_after": False, "activation": "relu"},
                    [(True, False, True)], None, grads=False)
    stack = ("LSTMCell", 4), ("GRUCell", 3), ("SimpleRNNCell", 2)
    cases += [(layers.LSTM(4, return_state=True, **Z),
               real_keras.layers.LSTM(4, return_state=True, **Z),
               X, {"initial_state": [h0, c0], "mask": MASK}, False),
              (layers.GRU(4, **Z), real_keras.layers.GRU(4, **Z), X, {"initial_state": [h0]},
               False),
              (layers.RNN(layers.GRUCell(3, **Z), return_sequences=True),
               real_keras.layers.RNN(real_keras.layers.GRUCell(3, **Z), return_sequences=True),
               X, {"mask": MASK}, False),
              (layers.LSTM(4, dropout=0.5, recurrent_dropout=0.5, **Z),   # inference: no dropout
               real_keras.layers.LSTM(4, dropout=0.5, recurrent_dropout=0.5, **Z), X, {}, False),
              (layers.RNN([getattr(layers, c)(n, **Z) for c, n in stack],
                          return_sequences=True, return_state=True),
               real_keras.layers.RNN([getattr(real_keras.layers, c)(n, **Z) for c, n in stack],
                                     return_sequences=True, return_state=True),
               X, {"mask": MASK}, False)]
    outputs = parity(cases)
    assert [len(o) for o in outputs[:4]] == [2, 2, 3, 3]   # SimpleRNN: out, h; LSTM: out, h, c
    assert outputs[0][0].shape == (3, 6, 4) and outputs[1][0].shape == (3, 4)
    eager_matches(cases[2][0], X, outputs[2], mask=MASK)    # eager == jitted
    with pytest.raises(ValueError, match=r"'dec'.*initial state of shape \(3, 4\).*\(3, 5\)"):
        layers.LSTM(4, name="dec")(X, initial_state=[h0, np.zeros((3, 5), "float32")])


@pytest.mark.slow
@pytest.mark.parametrize("kind,extra", KINDS)
def test_every_flag_combination_matches_keras(kind, extra):
    parity(_pairs(kind, extra, FLAGS, MASK) + _pairs(kind, extra, FLAGS, None))


def test_weight_layout_is_keras3():
    lstm, gru = layers.LSTM(32), layers.GRU(6)
    lstm(np.zeros((1, 2, 64), "float32"))
    gru(np.zeros((1, 2, 3), "float32"))
    assert [(w.path, w.shape) for w in lstm.weights] == [
        ("lstm_cell/kernel", (64, 128)), ("lstm_cell/recurrent_kernel", (32, 128)),
        ("lstm_cell/bias", (128,))]
    assert [w.shape for w in gru.weights] == [(3, 18), (6, 18), (2, 18)]
    gru_v1 = layers.GRU(6, reset_after=False)
    gru_v1(np.zeros((1, 2, 3), "float32"))
    assert gru_v1.cell.bias.shape == (18,)
    bias = np.asarray(lstm.cell.bias.value)      # unit_forget_bias: ones for the f gate
    np.testing.assert_array_equal(bias, np.r_[np.zeros(32), np.ones(32), np.zeros(64)])


def test_bidirectional_merge_modes_and_states_match_keras():
    cases = []
    for merge_mode in ["concat", "sum", "mul", "ave", None]:
        cases.append((
            layers.Bidirectional(layers.LSTM(3, return_sequences=True, **Z),
                                 merge_mode=merge_mode),
            real_keras.layers.Bidirectional(real_keras.layers.LSTM(3, return_sequences=True, **Z),
                                            merge_mode=merge_mode),
            X, {"mask": MASK} if merge_mode != "sum" else {}, merge_mode == "concat"))
    cases.append((layers.Bidirectional(layers.GRU(3, return_state=True, **Z)),
                  real_keras.layers.Bidirectional(real_keras.layers.GRU(3, return_state=True,
                                                                        **Z)),
                  X, {"mask": MASK}))
    outputs = parity(cases)
    assert [o.shape for o in outputs[0]] == [(3, 6, 6)]
    assert [o.shape for o in outputs[4]] == [(3, 6, 3), (3, 6, 3)]        # merge_mode=None
    assert [o.shape for o in outputs[-1]] == [(3, 6), (3, 3), (3, 3)]
    assert [l.name for l in cases[0][0]._layers] == ["forward_lstm", "backward_lstm"]


def test_bidirectional_custom_backward_layer_and_errors():
    backward = layers.SimpleRNN(2, go_backwards=True, name="back")
    both = layers.Bidirectional(layers.SimpleRNN(2), backward_layer=backward, merge_mode="sum")
    assert both(X).shape == (3, 2) and both.backward_layer is backward
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.SimpleRNN(2), backward_layer=layers.SimpleRNN(2))
    with pytest.raises(ValueError, match="merge_mode.*'max'"):
        layers.Bidirectional(layers.SimpleRNN(2), merge_mode="max")


def test_time_distributed_matches_keras():
    parity([(layers.TimeDistributed(layers.Dense(4, activation="relu",
                                                 kernel_initializer="zeros")),
             real_keras.layers.TimeDistributed(real_keras.layers.Dense(
                 4, activation="relu", kernel_initializer="zeros")),
             X, {})])
    x = keras.Input(shape=(None, 5))
    assert layers.TimeDistributed(layers.Dense(2))(x).shape == (None, None, 2)
    with pytest.raises(ValueError, match="at least 3 dimensions.*\\(None, 5\\)"):
        layers.TimeDistributed(layers.Dense(2))(keras.Input(shape=(5,)))


def test_time_distributed_passes_the_mask_through():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(20, 4, mask_zero=True)(inputs)
    x = layers.TimeDistributed(layers.Dense(3))(x)
    model = keras.Model(inputs, layers.LSTM(2)(x))
    data = np.array([[1, 2, 0, 0], [3, 4, 5, 6]])
    short = np.array([[1, 2], [3, 4]])
    np.testing.assert_allclose(model(data)[0], model(short)[0], atol=1e-6)


def test_symbolic_variable_length_and_state_shapes():
    inputs = keras.Input(shape=(None,), dtype="int32")
    seq, h, c = layers.LSTM(8, return_sequences=True, return_state=True)(
        layers.Embedding(50, 6)(inputs))
    assert (seq.shape, h.shape, c.shape) == ((None, None, 8), (None, 8), (None, 8))
    model = keras.Model(inputs, [seq, h, c])
    for steps in (3, 11):
        out = model(np.ones((2, steps), "int32"))
        assert out[0].shape == (2, steps, 8)
        np.testing.assert_allclose(out[0][:, -1], out[1], atol=1e-6)


def test_config_round_trips_with_keras_keys():
    lstm = layers.LSTM(5, dropout=0.2, recurrent_dropout=0.1, return_sequences=True,
                       kernel_regularizer="l2", name="enc")
    config = lstm.get_config()
    keras_keys = set(real_keras.layers.LSTM(5).get_config())
    assert keras_keys <= set(config), keras_keys - set(config)
    clone = layers.LSTM.from_config(config)
    assert clone.get_config() == config
    for cls in (layers.GRU, layers.SimpleRNN):
        assert set(getattr(real_keras.layers, cls.__name__)(2).get_config()) <= set(
            cls(2).get_config())
        assert cls.from_config(cls(2, go_backwards=True).get_config()).go_backwards
    bi = layers.Bidirectional(layers.GRU(3, reset_after=False), merge_mode="ave")
    bi_clone = layers.Bidirectional.from_config(bi.get_config())
    assert bi_clone.merge_mode == "ave" and not bi_clone.forward_layer.reset_after
    assert bi_clone.backward_layer.go_backwards
    td = layers.TimeDistributed.from_config(layers.TimeDistributed(layers.Dense(7)).get_config())
    assert td.layer.units == 7
    rnn = layers.RNN(layers.LSTMCell(3), return_state=True)
    rnn_clone = layers.RNN.from_config(rnn.get_config())
    assert isinstance(rnn_clone.cell, layers.LSTMCell) and rnn_clone.return_state
    stacked = layers.RNN([layers.GRUCell(3, reset_after=False), layers.SimpleRNNCell(2)])
    cells = layers.RNN.from_config(stacked.get_config()).cell.cells
    assert [type(c).__name__ for c in cells] == ["GRUCell", "SimpleRNNCell"]
    assert not cells[0].reset_after


def test_keras_configs_load():
    for klayer in (real_keras.layers.LSTM(4, return_sequences=True, dropout=0.5),
                   real_keras.layers.GRU(3, reset_after=False, unroll=True),
                   real_keras.layers.SimpleRNN(2, go_backwards=True)):
        ours = getattr(layers, type(klayer).__name__).from_config(klayer.get_config())
        assert ours.units == klayer.units and ours.go_backwards == klayer.go_backwards
    bi = layers.Bidirectional.from_config(real_keras.layers.Bidirectional(
        real_keras.layers.GRU(3, return_sequences=True), merge_mode="sum").get_config())
    assert bi.forward_layer.name.startswith("forward_gru")
    assert bi.backward_layer.name.startswith("backward_gru")
    assert bi.merge_mode == "sum" and bi.backward_layer.go_backwards
    stacked = layers.RNN.from_config(real_keras.layers.RNN(
        [real_keras.layers.LSTMCell(3), real_keras.layers.GRUCell(2)]).get_config())
    assert [type(c).__name__ for c in stacked.cell.cells] == ["LSTMCell", "GRUCell"]


def test_stacked_cells_take_nested_initial_states_and_dropout():
    layer = layers.RNN([layers.LSTMCell(4, dropout=0.3, recurrent_dropout=0.2),
                        layers.GRUCell(3, dropout=0.5)], return_state=True)
    output, lstm_states, gru_states = layer(
        X, initial_state=[[np.ones((3, 4)), np.ones((3, 4))], [np.ones((3, 3))]], training=True)
    assert output.shape == (3, 3) and [s.shape for s in lstm_states] == [(3, 4), (3, 4)]
    np.testing.assert_allclose(gru_states[0], output)
    with pytest.raises(ValueError, match="expects 3 initial state\\(s\\).*Received: 2"):
        layer(X, initial_state=[np.ones((3, 4)), np.ones((3, 4))])


def test_generic_rnn_with_a_custom_cell():
    class MinimalCell(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units, self.state_size = units, units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")

        def call(self, inputs, states):
            output = inputs @ self.kernel + states[0]
            return output, [output]

    layer = layers.RNN(MinimalCell(2), return_sequences=True)
    out = np.asarray(layer(X))
    step = X @ np.asarray(layer.cell.kernel.value)
    np.testing.assert_allclose(out, np.cumsum(step, axis=1), atol=1e-5)


def test_time_major_matches_batch_major():
    layer = layers.GRU(3, return_sequences=True)
    batch_major = np.asarray(layer(X))
    time_major = layers.RNN(layer.cell, return_sequences=True, time_major=True)
    out = np.asarray(time_major(np.swapaxes(X, 0, 1)))
    np.testing.assert_allclose(np.swapaxes(out, 0, 1), batch_major, atol=1e-6)


def test_dropout_keep_rate_once_per_sequence_and_off_at_inference():
    # identity input kernel, no recurrence: each output step is the input dropout mask
    layer = layers.SimpleRNN(400, dropout=0.3, recurrent_dropout=0.5, activation=None,
                             use_bias=False, return_sequences=True, **Z)
    x = np.ones((16, 3, 400), "float32")
    layer.build((None, 3, 400))
    layer.set_weights([np.eye(400, dtype="float32"), np.zeros((400, 400), "float32")])
    np.testing.assert_array_equal(layer(x), x)                    # inference: no dropout
    out = np.asarray(layer(x, training=True))
    assert out.shape == x.shape and np.allclose(np.unique(out), [0.0, 1 / 0.7])
    assert abs((out > 0).mean() - 0.7) < 0.02                     # keep rate 1 - dropout
    np.testing.assert_array_equal(out, np.repeat(out[:, :1], 3, axis=1))  # one mask per sequence
    # recurrent dropout: identity recurrent kernel, zero input kernel, h0 = 1
    layer.set_weights([np.zeros((400, 400), "float32"), np.eye(400, dtype="float32")])
    first = np.asarray(layer(x, initial_state=[np.ones((16, 400), "float32")],
                             training=True))[:, 0]
    assert np.allclose(np.unique(first), [0.0, 2.0]) and abs((first > 0).mean() - 0.5) < 0.02


def test_gated_cells_draw_one_mask_per_gate_in_training():
    ones = {"kernel_initializer": "ones", "recurrent_initializer": "ones"}
    lstm = layers.LSTM(8, dropout=0.5, recurrent_dropout=0.25, return_sequences=True, **ones)
    x = np.full((400, 5, 10), 0.1, "float32")
    inference = np.asarray(lstm(x))
    trained = np.asarray(lstm(x, training=True))
    assert trained.shape == inference.shape and not np.allclose(trained, inference)
    gru = layers.GRU(8, dropout=0.5, **ones)
    gru.build((None, 5, 10))
    for cell, gates in ((lstm.cell, 4), (gru.cell, None)):
        mask = cell.get_dropout_mask(x[:, 0])
        masks = [mask] if gates is None else mask
        assert len(masks) == (gates or 1)
        for m in masks:
            assert np.allclose(np.unique(m), [0.0, 2.0])
            assert abs((np.asarray(m) > 0).mean() - 0.5) < 0.03
        assert cell.get_dropout_mask(x[:, 0]) is mask             # cached until reset
        cell.reset_dropout_mask()
    assert len(lstm.cell.get_recurrent_dropout_mask(np.ones((2, 8), "float32"))) == 4
    lstm.cell.reset_recurrent_dropout_mask()


def test_errors_name_the_layer_and_shapes():
    with pytest.raises(ValueError, match="stateful=True is not supported yet"):
        layers.LSTM(4, stateful=True)
    with pytest.raises(ValueError, match="'gru'.*3D input.*\\(None, 5\\)"):
        layers.GRU(2)(keras.Input(shape=(5,)))
    lstm = layers.LSTM(2, name="enc")
    lstm(X)
    with pytest.raises(ValueError, match="'enc'.*expected last dimension 5.*\\(3, 4, 7\\)"):
        lstm(np.zeros((3, 4, 7), "float32"))
    with pytest.raises(ValueError, match="'enc'.*mask of shape.*\\(3, 6\\).*\\(3, 2\\)"):
        lstm(X, mask=np.ones((3, 2), bool))
    with pytest.raises(ValueError, match="units.*integer >= 1.*-1"):
        layers.SimpleRNN(-1)
    with pytest.raises(ValueError, match="dropout.*from 0 to 1.*1.5"):
        layers.GRU(2, dropout=1.5)
    with pytest.raises(ValueError, match="use_cudnn=True"):
        layers.LSTM(2, use_cudnn=True)
    with pytest.raises(ValueError, match="`call` method and a `state_size`.*Dense"):
        layers.RNN([layers.LSTMCell(2), layers.Dense(2)])


def test_mask_survives_return_state():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x, _, _ = layers.LSTM(3, return_sequences=True, return_state=True)(
        layers.Embedding(10, 4, mask_zero=True)(inputs))
    model = keras.Model(inputs, layers.LSTM(2)(x))
    data = np.array([[3, 4, 0, 0]])                      # post-padding
    np.testing.assert_allclose(model(data), model(data[:, :2]), atol=1e-6)


def test_activity_regularizer_with_return_state():
    layer = layers.LSTM(4, return_state=True, activity_regularizer="l2")
    outputs = layer(X)
    assert len(outputs) == 3 and len(layer.losses) == 3
