"""Reshaping layers: parity with Keras 3 (outputs, gradients, shapes, configs) and errors."""
import numpy as np
import pytest
from spatial_parity import case, check_parity, keras_layer

import neurx as keras
from neurx import layers

rs = np.random.RandomState(0)


def _x(*shape):
    return rs.normal(size=shape).astype("float32")


CASES = [
    case("Permute", ((2, 1),), {}, (2, 5, 3), (None, 3), grads=True),
    case("Permute", ((3, 1, 2),), {}, (2, 4, 5, 3), (4, 5, 3)),
    case("RepeatVector", (3,), {}, (2, 4), (4,)),
    case("Cropping1D", (), {}, (2, 6, 3), (6, 3)),
    case("Cropping1D", ((2, 0),), {}, (2, 6, 3), (None, 3)),
    case("Cropping2D", (((1, 2), (0, 1)),), {}, (2, 6, 5, 3), (6, 5, 3)),
    case("Cropping2D", ((1, 2),), {"data_format": "channels_first"}, (2, 3, 6, 7), (3, None, 7)),
    case("Cropping3D", (), {}, (1, 4, 5, 6, 2), (4, 5, 6, 2)),
    case("Cropping3D", (((0, 1), 1, (2, 0)),), {"data_format": "channels_first"},
         (1, 2, 4, 5, 6), (2, 4, 5, 6), grads=True),
    case("ZeroPadding1D", (), {}, (2, 4, 3), (None, 3)),
    case("ZeroPadding1D", ((2, 1),), {"data_format": "channels_first"}, (2, 3, 4), (3, 4)),
    case("ZeroPadding2D", (), {}, (2, 4, 5, 3), (4, None, 3)),
    case("ZeroPadding2D", (((1, 0), (2, 3)),), {"data_format": "channels_first"},
         (2, 3, 4, 5), (3, 4, 5), grads=True),
    case("ZeroPadding3D", ((1, 2, 0),), {}, (1, 3, 3, 3, 2), (3, 3, 3, 2)),
    case("UpSampling1D", (3,), {}, (2, 4, 3), (None, 3)),
    case("UpSampling2D", (), {}, (2, 3, 4, 2), (3, 4, 2), grads=True),
    case("UpSampling2D", ((2, 3),), {"data_format": "channels_first"}, (2, 2, 3, 4),
         (2, None, 4)),
    case("UpSampling2D", (2,), {"interpolation": "bilinear"}, (2, 3, 4, 2), (3, 4, 2),
         grads=True),
    case("UpSampling2D", ((3, 2),), {"interpolation": "bilinear",
                                     "data_format": "channels_first"}, (1, 2, 3, 4), (2, 3, 4)),
    case("UpSampling3D", (), {}, (1, 2, 3, 2, 2), (2, 3, 2, 2)),
    case("UpSampling3D", ((1, 2, 3),), {"data_format": "channels_first"}, (1, 2, 2, 3, 2),
         (2, 2, 3, 2)),
]


@pytest.mark.parametrize("name,args,kwargs,x_shape,symbolic,grads", CASES)
def test_reshaping_matches_keras(name, args, kwargs, x_shape, symbolic, grads):
    ours = getattr(layers, name)(*args, **kwargs)
    theirs = keras_layer(name, *args, **kwargs)
    check_parity(ours, theirs, _x(*x_shape), shape=symbolic, grads=grads)


def test_values_move_where_expected():
    x = np.arange(6.0, dtype="float32").reshape(1, 2, 3)
    np.testing.assert_array_equal(layers.Permute((2, 1))(x)[0], x[0].T)
    np.testing.assert_array_equal(layers.Cropping1D((1, 0))(x)[0], x[0, 1:])
    padded = np.asarray(layers.ZeroPadding2D(1)(x[..., None]))[0, :, :, 0]
    assert padded.shape == (4, 5) and padded[1:3, 1:4].tolist() == x[0].tolist()
    assert padded.sum() == x.sum()
    up = np.asarray(layers.UpSampling2D((2, 1))(x[..., None]))[0, :, :, 0]
    assert up.tolist() == [[0, 1, 2], [0, 1, 2], [3, 4, 5], [3, 4, 5]]


def test_reshaping_errors_are_explained():
    with pytest.raises(ValueError, match=r"Permute `dims`.*Received: dims=\(0, 1\)"):
        layers.Permute((0, 1))
    with pytest.raises(ValueError, match="RepeatVector `n`.*Received: n=0"):
        layers.RepeatVector(0)
    with pytest.raises(ValueError, match=r"'rv'.*expects a 2D input.*\(None, 3, 4\)"):
        layers.RepeatVector(2, name="rv")(keras.Input(shape=(3, 4)))
    with pytest.raises(ValueError, match=r"'crop'.*cannot crop 4 values.*length 3.*"
                                         r"\(None, 3, 8, 1\)"):
        layers.Cropping2D(((2, 2), (0, 0)), name="crop")(keras.Input(shape=(3, 8, 1)))
    with pytest.raises(ValueError, match=r"ZeroPadding2D.*4D input \(batch, height, width, "
                                         r"channels\).*\(2, 5, 3\)"):
        layers.ZeroPadding2D()(np.zeros((2, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r"`padding`.*Received: padding=\(1, 2, 3\)"):
        layers.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="interpolation.*Received: interpolation='cubic'"):
        layers.UpSampling2D(interpolation="cubic")


def test_upsampling_and_cropping_in_a_small_autoencoder_train():
    model = keras.Sequential([
        layers.Conv2D(4, 3, padding="same", activation="relu", input_shape=(10, 10, 1)),
        layers.MaxPooling2D(2),
        layers.ZeroPadding2D(((1, 0), (1, 0))),
        layers.UpSampling2D(2),
        layers.Cropping2D(((1, 1), (1, 1))),
        layers.Conv2D(1, 3, padding="same"),
    ])
    assert model.output_shape == (None, 10, 10, 1)
    x = rs.uniform(size=(16, 10, 10, 1)).astype("float32")
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, x, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
