"""Preprocessing layers against the real Keras 3.

Numeric layers are compared with Keras directly. Keras's StringLookup,
IntegerLookup and TextVectorization need TensorFlow, which is not a test
dependency: they are compared with outputs recorded from the real Keras by
`tests/reference/make_keras_preprocessing_reference.py`.
"""
import json
import os

import keras
import numpy as np
import pytest

import neurx

RS = np.random.RandomState(0)
REFERENCE = os.path.join(os.path.dirname(__file__), "reference",
                         "keras_preprocessing_reference.json")
with open(REFERENCE, encoding="utf-8") as _f:
    CASES = json.load(_f)["cases"]


def _listify(value):
    """JSON has no tuples: compare configs with tuples as lists."""
    if isinstance(value, (list, tuple)):
        return [_listify(v) for v in value]
    if isinstance(value, dict):
        return {k: _listify(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------- Normalization
@pytest.mark.parametrize("axis,shape", [(-1, (50, 3)), (None, (40, 3)), ((1, 2), (30, 2, 4)),
                                        (1, (30, 4, 2))])
def test_normalization_adapt_and_call_match_keras(axis, shape):
    data = (RS.normal(size=shape) * RS.uniform(1, 5, size=shape[1:]) + 3).astype("float32")
    k_layer, n_layer = keras.layers.Normalization(axis=axis), neurx.layers.Normalization(axis=axis)
    k_layer.adapt(data)
    n_layer.adapt(data)
    assert [w.name for w in n_layer.weights] == [w.name for w in k_layer.weights]
    assert n_layer.count_params() == k_layer.count_params()
    for expected, actual in zip(k_layer.get_weights(), n_layer.get_weights()):
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(n_layer(data), k_layer(data), rtol=1e-5, atol=1e-5)


def test_normalization_adapts_from_batches_and_inverts():
    data = (RS.normal(size=(100, 3)) * [1, 2, 3] + [0, 5, -5]).astype("float32")
    layer = neurx.layers.Normalization()
    layer.adapt(data, batch_size=32)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean(0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), data.var(0), rtol=1e-5)
    streamed = neurx.layers.Normalization()
    streamed.adapt((batch, None) for batch in np.array_split(data, 7))
    np.testing.assert_allclose(streamed.adapt_variance.numpy(), data.var(0), rtol=1e-5)
    inverse = neurx.layers.Normalization(invert=True)
    inverse.adapt(data)
    np.testing.assert_allclose(inverse(layer(data)), data, rtol=1e-4, atol=1e-4)


def test_normalization_with_given_statistics_matches_keras():
    kwargs = {"mean": [1.0, 2.0], "variance": [4.0, 0.25], "axis": -1, "name": "norm"}
    x = RS.normal(size=(5, 3, 2)).astype("float32")
    k_layer = keras.layers.Normalization(**kwargs)
    n_layer = neurx.layers.Normalization(**kwargs)
    np.testing.assert_allclose(n_layer(x), k_layer(x), rtol=1e-6)
    assert n_layer.weights == [] and k_layer.weights == []
    assert _listify(n_layer.get_config()) == _listify(
        {**k_layer.get_config(), "dtype": "float32"})


def test_normalization_inside_a_trained_model():
    x = RS.normal(size=(64, 3)).astype("float32") * 100
    y = x.sum(axis=1, keepdims=True) / 100
    norm = neurx.layers.Normalization(input_shape=(3,))
    norm.adapt(x)
    model = neurx.Sequential([norm, neurx.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    lines = []
    model.summary(print_fn=lines.append)
    assert "Non-trainable params: 7" in "\n".join(lines)       # mean 3, variance 3, count 1


# ---------------------------------------------------------------------- numeric encoders
@pytest.mark.parametrize("kwargs", [{"scale": 1 / 255}, {"scale": 2.0, "offset": -1.0},
                                    {"scale": [0.5, 2.0, 1.0], "offset": 0.1}])
def test_rescaling_matches_keras(kwargs):
    x = RS.uniform(0, 255, size=(2, 4, 4, 3)).astype("float32")
    k_layer = keras.layers.Rescaling(**kwargs)
    n_layer = neurx.layers.Rescaling(**kwargs)
    np.testing.assert_allclose(n_layer(x), k_layer(x), rtol=1e-6)
    config = n_layer.get_config()
    assert set(config) == set(k_layer.get_config())
    np.testing.assert_allclose(neurx.layers.Rescaling.from_config(config)(x), n_layer(x))


@pytest.mark.parametrize("mode,inputs", [
    ("one_hot", [3, 2, 0, 1]), ("one_hot", [[3], [1]]),
    ("multi_hot", [[0, 1], [0, 0], [1, 2], [3, 1]]), ("multi_hot", [1, 3]),
    ("count", [[0, 1], [0, 0], [1, 2], [3, 1]]),
])
def test_category_encoding_matches_keras(mode, inputs):
    inputs = np.array(inputs)
    k_layer = keras.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
    n_layer = neurx.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
    np.testing.assert_array_equal(n_layer(inputs), k_layer(inputs))
    assert set(n_layer.get_config()) == set(k_layer.get_config())


def test_category_encoding_count_weights_and_symbolic_shape():
    inputs = np.array([[0, 1], [0, 0], [1, 2], [3, 1]])
    weights = np.array([[0.1, 0.2], [0.1, 0.1], [0.2, 0.3], [0.4, 0.2]], "float32")
    k_layer = keras.layers.CategoryEncoding(num_tokens=4, output_mode="count")
    n_layer = neurx.layers.CategoryEncoding(num_tokens=4, output_mode="count")
    np.testing.assert_allclose(n_layer(inputs, count_weights=weights),
                               k_layer(inputs, count_weights=weights), rtol=1e-6)
    symbolic = n_layer(neurx.Input((2,), dtype="int32"))
    assert symbolic.shape == (None, 4)
    with pytest.raises(ValueError, match="count_weights.*'multi_hot'"):
        neurx.layers.CategoryEncoding(4)(inputs, count_weights=weights)


@pytest.mark.parametrize("num_bins,epsilon", [(4, 0.01), (5, 0.05), (3, 0.001)])
def test_discretization_adapt_matches_keras(num_bins, epsilon):
    data = RS.gamma(2.0, size=(300, 2)).astype("float32")
    k_layer = keras.layers.Discretization(num_bins=num_bins, epsilon=epsilon, name="disc")
    for batch in np.array_split(data, 3):          # Keras's adapt() entry needs TensorFlow
        k_layer.update_state(batch)
    k_layer.finalize_state()
    n_layer = neurx.layers.Discretization(num_bins=num_bins, epsilon=epsilon, name="disc")
    n_layer.adapt(data, batch_size=100)
    np.testing.assert_allclose(n_layer.bin_boundaries, k_layer.bin_boundaries, rtol=1e-6)
    np.testing.assert_array_equal(n_layer(data), k_layer(data))
    config = n_layer.get_config()
    assert config == {**k_layer.get_config(), "dtype": "float32"}
    clone = neurx.layers.Discretization.from_config(config)
    assert clone.bin_boundaries == n_layer.bin_boundaries


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_output_modes_match_keras(mode):
    x = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.5, 2.5]], "float32")
    kwargs = {"bin_boundaries": [0.0, 1.0, 2.0], "output_mode": mode}
    expected = keras.layers.Discretization(**kwargs)(x)
    np.testing.assert_array_equal(neurx.layers.Discretization(**kwargs)(x), expected)


# ---------------------------------------------------------------------- lookups and text
def _case_id(case):
    return f"{case['layer']}-{json.dumps(case['init'], ensure_ascii=True)}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_lookup_and_text_layers_match_recorded_keras(case):
    init = dict(case["init"])
    if isinstance(init.get("ngrams"), list):
        init["ngrams"] = tuple(init["ngrams"])
    layer = getattr(neurx.layers, case["layer"])(**init)
    if case["adapt"] is not None:
        layer.adapt(case["adapt"])
    assert layer.get_vocabulary() == case["vocabulary"]
    assert layer.vocabulary_size() == case["vocabulary_size"]
    outputs = np.asarray(layer(case["inputs"]))
    if init.get("invert"):
        assert outputs.tolist() == case["outputs"]
    else:
        np.testing.assert_allclose(outputs, np.asarray(case["outputs"], "float32"),
                                   rtol=1e-5, atol=1e-6)
    config = layer.get_config()
    config.pop("dtype")
    assert _listify({**config, "name": None}) == {**case["config"], "name": None}
    clone = type(layer).from_config(layer.get_config())
    if case["adapt"] is None:
        np.testing.assert_array_equal(np.asarray(clone(case["inputs"])), outputs)


def test_string_lookup_adapts_from_a_generator_with_steps():
    layer = neurx.layers.StringLookup()
    layer.adapt(iter([np.array(["b", "a"]), np.array(["a"]), np.array(["c", "c", "c"])]),
                steps=2)
    assert layer.get_vocabulary() == ["[UNK]", "a", "b"]


def test_integer_lookup_runs_inside_a_trained_model():
    rs = np.random.RandomState(2)
    raw = rs.choice([3, 70, 1000, 42], size=(96, 1))
    labels = (raw[:, 0] == 70).astype("float32")
    lookup = neurx.layers.IntegerLookup(output_mode="one_hot")
    lookup.adapt(raw)
    inputs = neurx.Input((1,), dtype="int32")
    outputs = neurx.layers.Dense(1, activation="sigmoid")(lookup(inputs))
    model = neurx.Model(inputs, outputs)
    model.compile(optimizer=neurx.optimizers.Adam(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(raw, labels, batch_size=32, epochs=5, verbose=0)
    assert history.history["accuracy"][-1] == 1.0


def test_text_vectorization_then_fit_on_integers():
    """Keras's recommended pattern: vectorize the texts first, then fit on the integers."""
    texts = np.array(["good movie", "great film, really good", "bad movie", "awful film",
                      "really bad, awful", "good good great"] * 8)
    labels = np.array([1, 1, 0, 0, 0, 1] * 8, "float32")
    vectorizer = neurx.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorizer.adapt(texts)
    sequences = np.asarray(vectorizer(texts))
    assert sequences.shape == (48, 4) and sequences.dtype == np.int32
    model = neurx.Sequential([neurx.layers.Embedding(20, 8, input_length=4),
                              neurx.layers.GlobalAveragePooling1D(),
                              neurx.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=neurx.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(sequences, labels, batch_size=16, epochs=8, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    new = np.asarray(vectorizer(["good film", "awful movie"]))
    assert (model.predict(new, verbose=0)[:, 0] > 0.5).tolist() == [True, False]


def test_text_vectorization_multi_hot_feeds_a_dense_model():
    texts = ["a b", "b c c", "d"]
    vectorizer = neurx.layers.TextVectorization(output_mode="multi_hot")
    vectorizer.adapt(texts)
    features = np.asarray(vectorizer(texts))
    assert features.shape == (3, vectorizer.vocabulary_size())
    symbolic = vectorizer(neurx.Input((1,), dtype="int32"))
    assert symbolic.shape == (None, 5)


@pytest.mark.parametrize("make,error,message", [
    (lambda: neurx.layers.StringLookup(output_mode="multi_hot")(["a"]), RuntimeError,
     "must set the vocabulary.*'string_lookup'"),
    (lambda: neurx.layers.StringLookup(vocabulary=["a", "a"]), ValueError, "repeated.*'a'"),
    (lambda: neurx.layers.StringLookup(vocabulary=["a"])(np.array([1, 2])), TypeError,
     "expects strings.*int"),
    (lambda: neurx.layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["b"]), ValueError,
     "OOV values \\['b'\\]"),
    (lambda: neurx.layers.IntegerLookup(vocabulary=[4], num_oov_indices=0)([5]), ValueError,
     "OOV values \\[5\\]"),
    (lambda: neurx.layers.StringLookup(max_tokens=3, vocabulary=["a", "b", "c"]), ValueError,
     "larger than the maximum.*4.*3"),
    (lambda: neurx.layers.StringLookup(output_mode="tf_idf", vocabulary=["a"]), ValueError,
     "idf_weights"),
    (lambda: neurx.layers.TextVectorization(split="comma"), ValueError, "split='comma'"),
    (lambda: neurx.layers.TextVectorization(output_mode="count", output_sequence_length=3),
     ValueError, "output_sequence_length"),
    (lambda: neurx.layers.TextVectorization(vocabulary=["a"])(np.array([["a", "b"]])),
     ValueError, "last dimension must be 1"),
    (lambda: neurx.layers.Discretization(), ValueError, "either `num_bins` or `bin_boundaries`"),
    (lambda: neurx.layers.Normalization(mean=[1.0]), ValueError, "both `mean` and `variance`"),
    (lambda: neurx.layers.CategoryEncoding(num_tokens=0), ValueError, "num_tokens=0"),
])
def test_errors_are_explained(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_adapting_a_vector_mode_layer_cannot_change_its_width():
    layer = neurx.layers.StringLookup(output_mode="multi_hot")
    layer.adapt(["a", "b"])
    with pytest.raises(RuntimeError, match="Old vocab size is 3, new vocab size is 4"):
        layer.adapt(["a", "b", "c"])
