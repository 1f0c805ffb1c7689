"""ReLU, LeakyReLU, PReLU, ELU and Softmax layers, against the real Keras 3."""
import warnings

import numpy as np
import pytest

import neurx
from neurx.legacy import LegacyArgumentWarning

X = np.random.RandomState(0).normal(scale=3.0, size=(4, 5, 6)).astype("float32")
LAYERS = [
    ("ReLU", {}),
    ("ReLU", {"max_value": 2.5}),
    ("ReLU", {"max_value": 6.0}),
    ("ReLU", {"negative_slope": 0.1, "threshold": 0.5}),
    ("ReLU", {"max_value": 3.0, "negative_slope": 0.2, "threshold": 1.0}),
    ("LeakyReLU", {}),
    ("LeakyReLU", {"negative_slope": 0.01}),
    ("PReLU", {}),
    ("PReLU", {"alpha_initializer": "random_normal", "shared_axes": [1]}),
    ("PReLU", {"alpha_initializer": "ones", "alpha_regularizer": "l2",
               "alpha_constraint": "non_neg", "shared_axes": 2}),
    ("ELU", {}),
    ("ELU", {"alpha": 0.5}),
    ("Softmax", {}),
    ("Softmax", {"axis": 1}),
    ("Softmax", {"axis": [1, 2]}),
]


@pytest.fixture
def keras():
    return pytest.importorskip("keras")


def _pair(keras, name, kwargs):
    """The Keras layer and the neurx one, called on X, with the same weights."""
    k_layer, n_layer = getattr(keras.layers, name)(**kwargs), getattr(neurx.layers, name)(**kwargs)
    k_out = np.asarray(k_layer(X))
    n_layer(X)
    n_layer.set_weights(k_layer.get_weights())
    return k_layer, n_layer, k_out


@pytest.mark.parametrize("name,kwargs", LAYERS)
def test_outputs_and_config_match_keras(keras, name, kwargs):
    k_layer, n_layer, k_out = _pair(keras, name, kwargs)
    np.testing.assert_allclose(np.asarray(n_layer(X)), k_out, rtol=1e-6, atol=1e-6)
    k_config, n_config = k_layer.get_config(), n_layer.get_config()
    assert set(n_config) == set(k_config)
    for key in set(k_config) - {"name", "dtype"}:
        assert n_config[key] == k_config[key], key
    assert type(n_layer).from_config(n_config).get_config() == n_config
    assert n_layer.compute_output_shape((None, 5, 6)) == (None, 5, 6)


def test_defaults_match_keras(keras):
    for name in ("ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax"):
        k_config = getattr(keras.layers, name)().get_config()
        n_config = getattr(neurx.layers, name)().get_config()
        for key in set(k_config) - {"name", "dtype"}:
            assert n_config[key] == k_config[key], (name, key)


def test_one_training_step_matches_keras(keras):
    x = np.random.RandomState(4).normal(size=(16, 3)).astype("float32")
    y = np.random.RandomState(5).normal(size=(16, 1)).astype("float32")
    models = []
    for lib in (keras, neurx):
        models.append(lib.Sequential([
            lib.Input((3,)), lib.layers.Dense(4),
            lib.layers.PReLU(alpha_initializer=lib.initializers.Constant(0.3)),
            lib.layers.ELU(), lib.layers.Dense(1)]))
    k_model, n_model = models
    n_model.set_weights(k_model.get_weights())
    assert [w.name for w in n_model.layers[1].weights] == ["alpha"]
    for model, lib in ((k_model, keras), (n_model, neurx)):
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
        model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    for k_weight, n_weight in zip(k_model.get_weights(), n_model.get_weights()):
        np.testing.assert_allclose(n_weight, k_weight, rtol=1e-5, atol=1e-6)


def test_prelu_learns_its_slope():
    x = np.linspace(-2, 2, 64, dtype="float32").reshape(-1, 1)
    y = np.where(x > 0, x, 0.25 * x)
    model = neurx.Sequential([neurx.layers.PReLU(input_shape=(1,))])
    model.compile(optimizer=neurx.optimizers.SGD(0.5), loss="mse")
    model.fit(x, y, epochs=40, batch_size=64, verbose=0)
    assert model.layers[0].get_weights()[0][0] == pytest.approx(0.25, abs=0.01)


@pytest.mark.parametrize("fmt", ["model.keras", "model.h5", "model.weights.h5"])
def test_prelu_model_round_trip(fmt, tmp_path):
    model = neurx.Sequential([neurx.layers.Dense(6, input_shape=(4,)),
                              neurx.layers.PReLU(alpha_initializer="random_normal"),
                              neurx.layers.LeakyReLU(0.1), neurx.layers.ReLU(max_value=3.0),
                              neurx.layers.ELU(0.7), neurx.layers.Softmax()])
    x = np.random.RandomState(1).normal(size=(8, 4)).astype("float32")
    path = str(tmp_path / fmt)
    if fmt.endswith(".weights.h5"):
        model.save_weights(path)
        restored = neurx.models.clone_model(model)
        restored.load_weights(path)
    else:
        model.save(path)
        restored = neurx.models.load_model(path)
        assert restored.get_config() == model.get_config()
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_neurx_file_loads_in_real_keras(keras, ext, tmp_path):
    inputs = neurx.Input(shape=(3, 4))
    hidden = neurx.layers.Dense(4)(inputs)
    hidden = neurx.layers.PReLU(alpha_initializer="random_normal", shared_axes=[1])(hidden)
    hidden = neurx.layers.LeakyReLU()(neurx.layers.ELU(alpha=0.5)(hidden))
    outputs = neurx.layers.Softmax(axis=1)(neurx.layers.ReLU(max_value=2.0)(hidden))
    model = neurx.Model(inputs, outputs)
    x = np.random.RandomState(2).normal(size=(5, 3, 4)).astype("float32")
    path = str(tmp_path / f"model{ext}")
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6, atol=1e-6)
    assert [type(layer).__name__ for layer in reloaded.layers][2:] == [
        "PReLU", "ELU", "LeakyReLU", "ReLU", "Softmax"]


def test_keras_file_loads_in_neurx(keras, tmp_path):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5),
                              keras.layers.PReLU(alpha_initializer="random_normal"),
                              keras.layers.LeakyReLU(0.2), keras.layers.Softmax()])
    path = str(tmp_path / "model.keras")
    model.save(path)
    restored = neurx.models.load_model(path)
    x = np.random.RandomState(3).normal(size=(6, 4)).astype("float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("mask", [
    np.random.RandomState(1).rand(4, 5, 6) > 0.3,
    (np.random.RandomState(2).rand(4, 1, 6) > 0.3).astype("float32"),
    np.array([True, False, True, True, False, True]),
])
def test_softmax_mask_matches_keras(keras, mask):
    expected = np.asarray(keras.layers.Softmax()(X, mask=mask))
    got = np.asarray(neurx.layers.Softmax()(X, mask=mask))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    assert (got[np.broadcast_to(~np.asarray(mask, bool), X.shape)] == 0).all()


def _attention_weights(lib):
    """Token scores from a masked embedding, normalized over the real tokens only."""

    class Squeeze(lib.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs):
            return inputs[..., 0]

    return lib.Sequential([lib.Input((4,)), lib.layers.Embedding(6, 2, mask_zero=True),
                           lib.layers.Dense(1), Squeeze(), lib.layers.Softmax()])


def test_softmax_uses_the_mask_of_the_layer_before(keras):
    tokens = np.array([[3, 1, 0, 0], [2, 5, 4, 0]])
    k_model, n_model = _attention_weights(keras), _attention_weights(neurx)
    n_model.set_weights(k_model.get_weights())
    expected = np.asarray(k_model(tokens))
    got = np.asarray(n_model(tokens))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    assert (got[tokens == 0] == 0).all()
    np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=1e-6)


def test_softmax_mask_in_float16_stays_finite():
    layer = neurx.layers.Softmax(dtype="mixed_float16")
    out = np.asarray(layer(np.ones((1, 3), "float32"), mask=np.array([[1, 0, 1]])))
    assert out.dtype == np.float16
    np.testing.assert_array_equal(out, np.array([[0.5, 0.0, 0.5]], "float16"))


def test_masks_pass_through():
    tokens = np.array([[4, 2, 0]])
    embedding = neurx.layers.Embedding(5, 2, mask_zero=True)
    for layer in (neurx.layers.ReLU(), neurx.layers.LeakyReLU(), neurx.layers.ELU(),
                  neurx.layers.PReLU()):
        vectors = embedding(tokens)
        assert layer.compute_mask(vectors, embedding.compute_mask(tokens)).tolist() == [
            [True, True, False]]


def test_leaky_relu_keras2_alpha_warns_once():
    with pytest.warns(LegacyArgumentWarning, match=r"LeakyReLU\(negative_slope=0.2\)"):
        layer = neurx.layers.LeakyReLU(alpha=0.2)
    assert layer.negative_slope == 0.2 and "alpha" not in layer.get_config()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        neurx.layers.LeakyReLU(alpha=0.1)


def test_keras2_leaky_relu_config_loads():
    config = {"class_name": "LeakyReLU", "config": {"name": "leaky", "alpha": 0.3}}
    layer = neurx.saving.deserialize_keras_object(config)
    assert layer.negative_slope == pytest.approx(0.3)


@pytest.mark.parametrize("make,message", [
    (lambda: neurx.layers.ReLU(max_value=-1), r"max_value.*>= 0 or None.*max_value=-1"),
    (lambda: neurx.layers.ReLU(negative_slope=None), r"negative_slope=None"),
    (lambda: neurx.layers.ReLU(threshold=-0.5), r"threshold=-0.5"),
    (lambda: neurx.layers.LeakyReLU(negative_slope=-0.1), r"LeakyReLU.*negative_slope=-0.1"),
    (lambda: neurx.layers.PReLU(shared_axes=[3])(np.ones((2, 4, 5))),
     r"shared_axes holds axis 3.*axes 1 to 2"),
    (lambda: neurx.layers.PReLU()(neurx.Input(shape=(None, 5))),
     r"must be known or listed in `shared_axes`.*\(None, None, 5\)"),
    (lambda: neurx.layers.Softmax()(np.ones((2, 3)), mask=np.ones((2, 4))),
     r"mask of Softmax layer.*inputs.shape=\(2, 3\), mask.shape=\(2, 4\)"),
])
def test_invalid_arguments_are_explained(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_prelu_refuses_an_input_of_another_shape():
    layer = neurx.layers.PReLU()
    layer(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"'p_re_lu'.*shape \(3,\).*\(2, 4\)"):
        layer(np.ones((2, 4), "float32"))


def test_thresholded_relu_as_tf_keras_2_with_a_deprecation_warning():
    with pytest.warns(LegacyArgumentWarning, match=r"ReLU\(threshold=0.5\)"):
        layer = neurx.layers.ThresholdedReLU(theta=0.5)
    x = np.array([[-1.0, 0.0, 0.5, 0.50001, 2.0]], "float32")
    # tf.keras 2: inputs * cast(inputs > theta), as Keras 3's ReLU(threshold=theta)
    np.testing.assert_array_equal(layer(x), x * np.array([[0, 0, 0, 1, 1]], "float32"))
    np.testing.assert_array_equal(layer(x), neurx.layers.ReLU(threshold=0.5)(x))
    config = layer.get_config()
    assert config["theta"] == 0.5
    clone = neurx.layers.ThresholdedReLU.from_config(config)
    np.testing.assert_array_equal(clone(x), layer(x))
    keras2_entry = {"class_name": "ThresholdedReLU",   # as tf.keras 2 writes it in an .h5
                    "config": {"name": "thresholded_re_lu", "trainable": True,
                               "dtype": "float32", "theta": 1.0}}
    restored = neurx.saving.deserialize_keras_object(keras2_entry)
    assert restored.theta == 1.0 and restored.name == "thresholded_re_lu"
    model = neurx.Sequential([neurx.Input(shape=(5,)), restored])
    np.testing.assert_array_equal(model.predict(x, verbose=0), [[0, 0, 0, 0, 2.0]])
    with pytest.raises(ValueError, match=r"ThresholdedReLU.*theta=-1"):
        neurx.layers.ThresholdedReLU(theta=-1)
