"""Noise and dropout variants and ActivityRegularization, against the real Keras 3."""
import keras
import numpy as np
import pytest

import neurx

LAYERS = [
    ("SpatialDropout1D", {"rate": 0.5}, (4, 6, 8)),
    ("SpatialDropout2D", {"rate": 0.5}, (4, 3, 3, 8)),
    ("SpatialDropout2D", {"rate": 0.5, "data_format": "channels_first"}, (4, 8, 3, 3)),
    ("SpatialDropout3D", {"rate": 0.3}, (2, 2, 3, 2, 8)),
    ("GaussianNoise", {"stddev": 0.3, "seed": 1}, (4, 5)),
    ("GaussianDropout", {"rate": 0.3}, (4, 5)),
    ("AlphaDropout", {"rate": 0.2, "noise_shape": (None, 1)}, (4, 5)),
    ("ActivityRegularization", {"l1": 0.01, "l2": 0.1}, (4, 5)),
]


@pytest.mark.parametrize("name,kwargs,shape", LAYERS)
def test_identity_at_inference_and_config_matches_keras(name, kwargs, shape):
    x = np.random.RandomState(0).normal(size=shape).astype("float32")
    layer = getattr(neurx.layers, name)(**kwargs)
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer(x, training=False), x)
    config = layer.get_config()
    keras_config = getattr(keras.layers, name)(**kwargs).get_config()
    assert set(config) == set(keras_config)
    for key, value in kwargs.items():
        assert config[key] == keras_config[key] == value
    assert type(layer).from_config(config).get_config() == config


@pytest.mark.parametrize("name,kwargs,shape,channel_axis", [
    ("SpatialDropout1D", {}, (6, 7, 16), 2),
    ("SpatialDropout2D", {}, (6, 3, 4, 16), 3),
    ("SpatialDropout2D", {"data_format": "channels_first"}, (6, 16, 3, 4), 1),
    ("SpatialDropout3D", {}, (6, 2, 3, 2, 16), 4),
])
def test_spatial_dropout_drops_whole_feature_maps(name, kwargs, shape, channel_axis):
    layer = getattr(neurx.layers, name)(0.5, **kwargs)
    out = np.asarray(layer(np.ones(shape, "float32"), training=True))
    assert set(np.unique(out)) == {0.0, 2.0}
    spatial = tuple(a for a in range(1, len(shape)) if a != channel_axis)
    per_map = out.min(axis=spatial) == out.max(axis=spatial)
    assert per_map.all()                      # each (sample, channel) is all kept or all dropped


def test_spatial_dropout_checks_the_rank():
    with pytest.raises(ValueError, match="'spatial_dropout2d'.*4 dimensions.*\\(2, 3\\)"):
        neurx.layers.SpatialDropout2D(0.5)(np.ones((2, 3), "float32"), training=True)


def test_gaussian_noise_and_dropout_statistics():
    x = np.ones((200, 500), "float32")
    noise = np.asarray(neurx.layers.GaussianNoise(0.4)(x, training=True)) - 1
    assert abs(noise.mean()) < 0.01 and abs(noise.std() - 0.4) < 0.01
    rate = 0.3
    factors = np.asarray(neurx.layers.GaussianDropout(rate)(x, training=True))
    assert abs(factors.mean() - 1) < 0.01
    assert abs(factors.std() - np.sqrt(rate / (1 - rate))) < 0.01


def test_alpha_dropout_values_match_keras_and_keep_selu_statistics():
    zeros = np.zeros((1, 4000), "float32")
    k_values = np.unique(np.round(np.asarray(
        keras.layers.AlphaDropout(0.25)(zeros, training=True)), 5))
    n_values = np.unique(np.round(np.asarray(
        neurx.layers.AlphaDropout(0.25)(zeros, training=True)), 5))
    np.testing.assert_allclose(n_values, k_values)
    normal = np.random.RandomState(0).normal(size=(400, 500)).astype("float32")
    out = np.asarray(neurx.layers.AlphaDropout(0.25)(normal, training=True))
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1) < 0.02


def test_noise_is_active_in_fit_and_off_in_evaluate():
    x = np.random.RandomState(0).normal(size=(64, 4)).astype("float32")
    model = neurx.Sequential([neurx.layers.GaussianNoise(0.5, input_shape=(4,)),
                              neurx.layers.Dense(4, kernel_initializer="identity",
                                                 use_bias=False, trainable=False)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, x, batch_size=16, epochs=1, verbose=0)
    assert 0.15 < history.history["loss"][0] < 0.35          # mse of the noise: 0.5 ** 2
    assert model.evaluate(x, x, verbose=0) == 0.0


def test_activity_regularization_loss_matches_keras_in_evaluate():
    rs = np.random.RandomState(0)
    x = rs.normal(size=(12, 3)).astype("float32")
    y = rs.normal(size=(12, 2)).astype("float32")
    k_model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2),
                                keras.layers.ActivityRegularization(l1=0.05, l2=0.2)])
    n_model = neurx.Sequential([neurx.layers.Dense(2, input_shape=(3,)),
                                neurx.layers.ActivityRegularization(l1=0.05, l2=0.2)])
    n_model.set_weights(k_model.get_weights())
    for model in (k_model, n_model):
        model.compile(optimizer="sgd", loss="mse")
    expected = k_model.evaluate(x, y, batch_size=12, verbose=0)
    assert n_model.evaluate(x, y, batch_size=12, verbose=0) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("make,message", [
    (lambda: neurx.layers.GaussianNoise(1.5), "stddev.*Received: stddev=1.5"),
    (lambda: neurx.layers.GaussianDropout(-0.1), "rate.*Received: rate=-0.1"),
    (lambda: neurx.layers.AlphaDropout(2), "rate.*Received: rate=2"),
    (lambda: neurx.layers.SpatialDropout2D(0.5, data_format="nhwc"), "data_format='nhwc'"),
])
def test_invalid_arguments_are_explained(make, message):
    with pytest.raises(ValueError, match=message):
        make()
