"""Pooling layers: parity with Keras 3 (outputs, gradients, shapes, configs) and errors."""
import numpy as np
import pytest
from spatial_parity import case, check_config, check_parity, keras_layer

import neurx as keras
from neurx import layers

rs = np.random.RandomState(0)


def _x(*shape):
    return rs.normal(size=shape).astype("float32")


POOL_CASES = [
    case("MaxPooling1D", (), {}, (2, 9, 3), (None, 3)),
    case("MaxPooling1D", (3,), {"strides": 1, "padding": "same"}, (2, 7, 3), (7, 3)),
    case("AveragePooling1D", (3,), {"strides": 2, "padding": "same"}, (2, 8, 3), (None, 3),
         grads=True),
    case("AveragePooling1D", (2,), {"data_format": "channels_first"}, (2, 3, 8), (3, 8)),
    case("MaxPooling2D", (), {}, (2, 7, 8, 3), (None, None, 3)),
    case("MaxPooling2D", ((3, 2),), {"strides": (2, 1), "padding": "same"}, (2, 7, 7, 2),
         (7, 7, 2), grads=True),
    case("MaxPooling2D", (2,), {"data_format": "channels_first"}, (2, 3, 6, 6), (3, 6, None)),
    case("AveragePooling2D", (3,), {"strides": 2}, (2, 9, 9, 3), (9, 9, 3)),
    case("AveragePooling2D", (3,), {"strides": 2, "padding": "same"}, (2, 8, 9, 3), (8, 9, 3),
         grads=True),
    case("AveragePooling2D", (2,), {"padding": "same", "data_format": "channels_first"},
         (1, 2, 5, 5), (2, 5, 5)),
    case("MaxPooling3D", (), {"padding": "same"}, (1, 5, 4, 3, 2), (5, 4, 3, 2), grads=True),
    case("AveragePooling3D", (2,), {"strides": 1, "padding": "same"}, (1, 3, 4, 5, 2),
         (3, 4, 5, 2)),
    case("AveragePooling3D", (2,), {"data_format": "channels_first"}, (1, 2, 4, 4, 4),
         (2, 4, 4, 4)),
    case("GlobalMaxPooling1D", (), {}, (2, 7, 3), (None, 3)),
    case("GlobalMaxPooling1D", (), {"keepdims": True, "data_format": "channels_first"},
         (2, 3, 7), (3, None), grads=True),
    case("GlobalAveragePooling1D", (), {}, (2, 7, 3), (7, 3)),
    case("GlobalMaxPooling2D", (), {"keepdims": True}, (2, 5, 6, 3), (None, None, 3)),
    case("GlobalAveragePooling2D", (), {}, (2, 5, 6, 3), (5, 6, 3)),
    case("GlobalAveragePooling2D", (), {"data_format": "channels_first", "keepdims": True},
         (2, 3, 5, 6), (3, 5, 6), grads=True),
    case("GlobalMaxPooling3D", (), {}, (2, 3, 4, 5, 2), (3, 4, 5, 2)),
    case("GlobalAveragePooling3D", (), {"keepdims": True}, (2, 3, 4, 5, 2), (3, None, 5, 2)),
]


@pytest.mark.parametrize("name,args,kwargs,x_shape,symbolic,grads", POOL_CASES)
def test_pooling_matches_keras(name, args, kwargs, x_shape, symbolic, grads):
    ours = getattr(layers, name)(*args, **kwargs)
    theirs = keras_layer(name, *args, **kwargs)
    check_parity(ours, theirs, _x(*x_shape), shape=symbolic, grads=grads)


def test_global_average_pooling_1d_leaves_masked_steps_out():
    x = _x(3, 6, 4)
    mask = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [1, 0, 1, 0, 1, 0]], bool)
    out = check_parity(layers.GlobalAveragePooling1D(),
                       keras_layer("GlobalAveragePooling1D"), x, mask=mask)
    np.testing.assert_allclose(out[0], x[0, :3].mean(axis=0), rtol=1e-6)


def test_global_average_pooling_1d_after_masking_embedding():
    inputs = keras.Input(shape=(None,), dtype="int32")
    embedded = layers.Embedding(10, 4, mask_zero=True)(inputs)
    pooled = layers.GlobalAveragePooling1D()(embedded)
    model = keras.Model(inputs, pooled)
    tokens = np.array([[3, 5, 0, 0], [3, 5, 7, 0]])
    vectors = model.layers[1].get_weights()[0]
    out = model.predict(tokens, verbose=0)
    np.testing.assert_allclose(out[0], vectors[[3, 5]].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(out[1], vectors[[3, 5, 7]].mean(axis=0), rtol=1e-5)


def test_same_average_excludes_padding():
    out = np.asarray(layers.AveragePooling2D(2, strides=2, padding="same")(
        np.ones((1, 3, 3, 1), "float32")))
    np.testing.assert_array_equal(out, np.ones((1, 2, 2, 1)))


def test_aliases_and_defaults_match_keras():
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.GlobalMaxPool3D is layers.GlobalMaxPooling3D
    layer = layers.MaxPooling2D()
    assert (layer.pool_size, layer.strides, layer.padding) == ((2, 2), (2, 2), "valid")
    assert layers.MaxPooling2D(3, strides=1).strides == (1, 1)
    check_config(layers.MaxPool3D(), keras_layer("MaxPool3D"))
    check_config(layers.GlobalAvgPool1D(keepdims=True), keras_layer("GlobalAvgPool1D",
                                                                   keepdims=True))
    assert layer.count_params() == 0


def test_pooling_errors_name_layer_and_shapes():
    with pytest.raises(ValueError, match=r"'pool'.*4D input \(batch, height, width, "
                                         r"channels\).*\(2, 28, 28\)"):
        layers.MaxPooling2D(name="pool")(np.zeros((2, 28, 28), "float32"))
    with pytest.raises(ValueError, match=r"MaxPooling2D.*larger than the input.*\(None, 1, 4, 3\)"):
        layers.MaxPooling2D(2)(keras.Input(shape=(1, 4, 3)))
    with pytest.raises(ValueError, match=r"GlobalAveragePooling2D.*4D input.*\(2, 5, 3\)"):
        layers.GlobalAveragePooling2D()(np.zeros((2, 5, 3), "float32"))
    with pytest.raises(ValueError, match="padding.*Received: padding='full'"):
        layers.AveragePooling1D(padding="full")
    with pytest.raises(ValueError, match="pool_size.*Received: pool_size=0"):
        layers.MaxPooling1D(0)
