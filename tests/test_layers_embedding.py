"""Embedding and Masking against the real Keras 3, and masks flowing the Keras way
(Embedding(mask_zero=True) -> recurrent layers / GlobalAveragePooling1D), eager and in fit."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import warnings

import keras as real_keras
import numpy as np
import pytest
from rnn_parity import parity

import neurx as keras
from neurx import layers, legacy

IDS = np.array([[0, 0, 3, 7, 2], [5, 9, 1, 0, 0], [4, 0, 8, 6, 1]], "int32")


def test_embedding_and_masking_match_keras():
    features = np.random.RandomState(1).normal(size=(3, 5, 4)).astype("float32")
    features[0, 1] = 0.0
    features[2, 4] = 0.0
    outputs = parity([
        (layers.Embedding(10, 4), real_keras.layers.Embedding(10, 4), IDS, {}),
        (layers.Embedding(10, 3), real_keras.layers.Embedding(10, 3),
         IDS.astype("float32"), {}, False),                   # float indices are cast
        (layers.Masking(), real_keras.layers.Masking(), features, {}),
    ])
    assert outputs[0][0].shape == (3, 5, 4)
    assert (outputs[2][0][0, 1] == 0).all()


def test_embedding_mask_and_weights_argument():
    layer = layers.Embedding(10, 2, mask_zero=True)
    np.testing.assert_array_equal(layer.compute_mask(IDS), IDS != 0)
    assert layers.Embedding(10, 2).compute_mask(IDS) is None
    table = np.arange(20, dtype="float32").reshape(10, 2)
    preset = layers.Embedding(10, 2, weights=[table])
    np.testing.assert_array_equal(preset(np.array([[3]]))[0, 0], table[3])
    assert layers.Masking(mask_value=-1.0).compute_mask(
        np.array([[[-1.0, -1.0], [0.0, -1.0]]])).tolist() == [[False, True]]


def test_out_of_range_indices_raise_eagerly_and_in_fit_evaluate_predict():
    layer = layers.Embedding(10, 2, name="words")
    with pytest.raises(ValueError, match=r"'words'.*index 12.*input_dim=10.*\[0, 12\]"):
        layer(np.array([[1, 12, 0]]))
    with pytest.raises(ValueError, match=r"'words'.*index -1"):
        layer(np.array([[-1, 3]]))
    model = keras.Sequential([keras.Input(shape=(2,), dtype="int32"), layer,
                              layers.GlobalAveragePooling1D()])
    model.compile(optimizer="sgd", loss="mse")
    bad, y = np.array([[1, 12]]), np.zeros((1, 2))
    for run in (lambda: model.predict(bad, verbose=0), lambda: model.evaluate(bad, y, verbose=0),
                lambda: model.fit(bad, y, verbose=0),
                lambda: model.fit(np.array([[1, 2]]), y, validation_data=(bad, y), verbose=0)):
        with pytest.raises(ValueError, match=r"'words'.*index 12"):
            run()
    inside = keras.Sequential([keras.Input(shape=(2,)), layers.Lambda(lambda x: x * 2),
                               layers.Embedding(10, 2)])
    out = inside.predict(np.array([[1.0, 6.0]]), verbose=0)   # index 12, met only under jit
    np.testing.assert_array_equal(out[0, 1], inside.layers[-1].embeddings.numpy()[9])


def test_legacy_input_length_declares_the_input_and_warns_once():
    legacy.reset()
    with pytest.warns(legacy.LegacyArgumentWarning,
                      match="input_length.*Input\\(shape=\\(100,\\)"):
        model = keras.Sequential([layers.Embedding(2000, 128, input_length=100, name="embed")])
    assert model.output_shape == (None, 100, 128) and model.count_params() == 256000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers.Embedding(10, 2, input_length=5)             # second use: silent
    assert "input_length" not in layers.Embedding(10, 2, input_length=5).get_config()


def test_embedding_config_round_trip_and_errors():
    layer = layers.Embedding(50, 8, mask_zero=True, embeddings_regularizer="l2", name="emb")
    config = layer.get_config()
    assert set(real_keras.layers.Embedding(50, 8).get_config()) - {"quantization_config"} \
        <= set(config)
    assert layers.Embedding.from_config(config).get_config() == config
    keras_config = real_keras.layers.Embedding(7, 3, mask_zero=True).get_config()
    restored = layers.Embedding.from_config(keras_config)
    assert (restored.input_dim, restored.output_dim, restored.mask_zero) == (7, 3, True)
    assert layers.Masking.from_config(layers.Masking(2.0).get_config()).mask_value == 2.0
    with pytest.raises(ValueError, match="input_dim.*positive integer.*0"):
        layers.Embedding(0, 3)
    with pytest.raises(ValueError, match="output_dim.*positive integer.*'8'"):
        layers.Embedding(3, "8")
    with pytest.raises(ValueError, match="lora_rank"):
        layers.Embedding(3, 2, lora_rank=4)


def _masked_model(library, kind, form):
    """Embedding(mask_zero=True) -> recurrent layer -> GlobalAveragePooling1D in `library`."""
    stack = [library.layers.Embedding(12, 4, mask_zero=True),
             getattr(library.layers, kind)(3, return_sequences=True),
             library.layers.GlobalAveragePooling1D()]
    if form == "sequential":
        return library.Sequential([library.Input(shape=(None,), dtype="int32")] + stack)
    inputs = x = library.Input(shape=(None,), dtype="int32")
    for layer in stack:
        x = layer(x)
    return library.Model(inputs, x)


def test_masks_flow_through_models_as_in_keras():
    forms = [("LSTM", "sequential"), ("GRU", "functional"), ("SimpleRNN", "functional")]
    cases = [(_masked_model(keras, kind, form), _masked_model(real_keras, kind, form), IDS, {},
              False) for kind, form in forms]
    parity(cases)                                   # outputs equal Keras's
    model = cases[1][0]
    # padding changes nothing: the model on [3, 7, 2] equals the model on [0, 0, 3, 7, 2]
    np.testing.assert_allclose(model(IDS[:1]), model(IDS[:1, 2:]), atol=1e-6)


def test_fit_computes_masks_inside_the_jitted_step():
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                              layers.Embedding(20, 4, mask_zero=True),
                              layers.LSTM(3, return_sequences=True),
                              layers.GRU(3),
                              layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    data = np.random.RandomState(0).randint(1, 20, size=(32, 6))
    data[:, :2] = 0                                        # pre-padding
    padding_row = model.layers[0].embeddings.numpy()[0].copy()
    other_rows = model.layers[0].embeddings.numpy()[1:].copy()
    model.fit(data, np.ones((32, 1)), epochs=1, batch_size=8, verbose=0)
    embeddings = model.layers[0].embeddings.numpy()
    np.testing.assert_array_equal(embeddings[0], padding_row)    # masked: no gradient
    assert not np.allclose(embeddings[1:], other_rows)
    np.testing.assert_allclose(model.predict(data[:4], verbose=0),
                               model.predict(data[:4, 2:], verbose=0), atol=1e-6)


def test_masking_layer_feeds_recurrent_layers():
    x = np.random.RandomState(2).normal(size=(2, 4, 3)).astype("float32")
    x[0, :2] = 0.0
    inputs = keras.Input(shape=(None, 3))
    model = keras.Model(inputs, layers.LSTM(2)(layers.Masking()(inputs)))
    np.testing.assert_allclose(model(x[:1]), model(x[:1, 2:]), atol=1e-6)
