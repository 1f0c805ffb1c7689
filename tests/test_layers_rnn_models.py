"""The notes' recurrent models (chapter 7: question answering, siamese shared LSTM) and
Keras-saved recurrent models rebuilt from their `model_config`, checked against golden outputs."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import json

import h5py
import keras as real_keras
import numpy as np
import pytest
from shared_files import ZOO  # noqa: E402

import neurx as keras
from neurx import layers

KERAS_ONLY_NONE_KEYS = ("quantization_config", "lora_rank", "lora_alpha", "optional", "ragged")


def qa_model(library, vocabulary=10000, answers=500):
    """7.1.2: two int inputs of any length, Embedding + LSTM each, concatenated."""
    L = library.layers
    text_input = library.Input(shape=(None,), dtype="int32", name="text")
    encoded_text = L.LSTM(32)(L.Embedding(vocabulary, 64)(text_input))
    question_input = library.Input(shape=(None,), dtype="int32", name="question")
    encoded_question = L.LSTM(16)(L.Embedding(vocabulary, 32)(question_input))
    concatenated = L.concatenate([encoded_text, encoded_question], axis=-1)
    answer = L.Dense(answers, activation="softmax")(concatenated)
    return library.Model([text_input, question_input], answer)


def siamese_model(library, features=128):
    """7.1.5: one LSTM applied to two inputs (shared weights)."""
    L = library.layers
    lstm = L.LSTM(32)
    left_input = library.Input(shape=(None, features))
    right_input = library.Input(shape=(None, features))
    merged = L.concatenate([lstm(left_input), lstm(right_input)], axis=-1)
    predictions = L.Dense(1, activation="sigmoid")(merged)
    return library.Model([left_input, right_input], predictions)


def test_question_answering_model_counts_and_fits():
    model = qa_model(keras)
    # Keras's counts (the notes' summary): 640000 + 320000 + 12416 + 3136 + 24500
    assert sorted(layer.count_params() for layer in model.layers) == [
        0, 0, 0, 3136, 12416, 24500, 320000, 640000]
    assert model.count_params() == 1000052
    assert model.output_shape == (None, 500)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["acc"])
    rs = np.random.RandomState(0)
    text = rs.randint(1, 10000, size=(64, 12))
    question = rs.randint(1, 10000, size=(64, 7))
    answers = keras.utils.to_categorical(rs.randint(0, 500, size=64), 500)
    history = model.fit([text, question], answers, epochs=1, batch_size=32, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    by_name = model.predict({"text": text[:2], "question": question[:2]}, verbose=0)
    np.testing.assert_allclose(by_name.sum(axis=1), 1.0, atol=1e-5)


def test_siamese_shared_lstm_counts_and_fits():
    model = siamese_model(keras)
    assert model.count_params() == siamese_model(real_keras).count_params() == 20673
    assert len(model.layers[2]._inbound_nodes) == 2                 # one layer, two calls
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    rs = np.random.RandomState(1)
    left = rs.normal(size=(32, 5, 128)).astype("float32")
    right = rs.normal(size=(32, 5, 128)).astype("float32")
    kernel_before = model.layers[2].cell.kernel.numpy().copy()
    model.fit([left, right], rs.randint(0, 2, size=(32, 1)), epochs=1, batch_size=16, verbose=0)
    assert not np.allclose(model.layers[2].cell.kernel.numpy(), kernel_before)
    out = model.predict([left[:3], left[:3]], verbose=0)
    assert out.shape == (3, 1)


def seq2seq_model(library):
    """An encoder's final LSTM states start the decoder LSTM (`initial_state=` KerasTensors)."""
    L = library.layers
    encoder_inputs = library.Input(shape=(None, 10))
    _, h, c = L.LSTM(16, return_state=True)(encoder_inputs)
    decoder_inputs = library.Input(shape=(None, 12))
    decoded = L.LSTM(16, return_sequences=True)(decoder_inputs, initial_state=[h, c])
    return library.Model([encoder_inputs, decoder_inputs],
                         L.Dense(12, activation="softmax")(decoded))


def test_encoder_decoder_states_match_keras():
    ours, theirs = seq2seq_model(keras), seq2seq_model(real_keras)
    theirs.set_weights(ours.get_weights())
    rs = np.random.RandomState(2)
    data = [rs.normal(size=(4, 5, 10)).astype("float32"),
            rs.normal(size=(4, 7, 12)).astype("float32")]
    np.testing.assert_allclose(ours.predict(data, verbose=0), theirs.predict(data, verbose=0),
                               atol=1e-5)


# ---------------------------------------------------------------- Keras files
def _layer_from_config(entry):
    config = {k: v for k, v in entry["config"].items()
              if not (k in KERAS_ONLY_NONE_KEYS and not v)}
    return getattr(layers, entry["class_name"]).from_config(config)


def _resolve(tree, outputs):
    if isinstance(tree, dict) and tree.get("class_name") == "__keras_tensor__":
        name, node, index = tree["config"]["keras_history"]
        return outputs[(name, node)][index]
    if isinstance(tree, list):
        return [_resolve(t, outputs) for t in tree]
    if isinstance(tree, dict):
        return {k: _resolve(v, outputs) for k, v in tree.items()}
    return tree


def _model_from_config(model_config):
    """Rebuilds a Keras 3 Functional or Sequential config with neurx layers."""
    config = model_config["config"]
    if model_config["class_name"] == "Sequential":
        model = keras.Sequential(name=config["name"])
        for entry in config["layers"]:
            if entry["class_name"] == "InputLayer":
                model.add(keras.Input(batch_shape=entry["config"]["batch_shape"],
                                      dtype=entry["config"]["dtype"]))
            else:
                model.add(_layer_from_config(entry))
        return model
    outputs = {}
    for entry in config["layers"]:
        if entry["class_name"] == "InputLayer":
            c = entry["config"]
            outputs[(c["name"], 0)] = [keras.Input(batch_shape=c["batch_shape"],
                                                   dtype=c["dtype"], name=c["name"])]
            continue
        layer = _layer_from_config(entry)
        for index, node in enumerate(entry["inbound_nodes"]):
            result = layer(*_resolve(node["args"], outputs), **_resolve(node["kwargs"], outputs))
            outputs[(layer.name, index)] = list(result) if isinstance(result, (list, tuple)) \
                else [result]

    def pick(spec):
        specs = spec if isinstance(spec[0], list) else [spec]
        return [outputs[(name, node)][index] for name, node, index in specs]
    return keras.Model(pick(config["input_layers"]), pick(config["output_layers"]))


def _load_h5_weights(model, group):
    for layer in model.layers:
        if layer.name not in group:
            continue
        names = [n.decode() if isinstance(n, bytes) else n
                 for n in group[layer.name].attrs["weight_names"]]
        layer.set_weights([np.asarray(group[layer.name][n]) for n in names])


@pytest.mark.parametrize("name", ["qa_lstm", "siamese_shared_lstm", "gru_rnn_layernorm"])
def test_keras_saved_recurrent_models_give_golden_outputs(name):
    with h5py.File(os.path.join(ZOO, name + ".h5"), "r") as f:
        model = _model_from_config(json.loads(f.attrs["model_config"]))
        _load_h5_weights(model, f["model_weights"])
    golden = np.load(os.path.join(ZOO, name + ".golden.npz"))
    inputs = [golden[f"x{i}"] for i in range(sum(k.startswith("x") for k in golden))]
    predicted = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    np.testing.assert_allclose(predicted, golden["y0"], atol=1e-5, rtol=1e-5)
