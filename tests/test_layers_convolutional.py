"""Convolution layers: parity with Keras 3 (outputs, gradients, shapes, configs), errors,
and the notes' convnets."""
import numpy as np
import pytest
from spatial_parity import case, check_parity, keras_layer

import neurx as keras
from neurx import layers

rs = np.random.RandomState(0)


def _x(*shape):
    return rs.normal(size=shape).astype("float32")


CONV_CASES = [
    case("Conv1D", (4, 3), {}, (2, 10, 3), (None, 3)),
    case("Conv1D", (4, 3), {"padding": "causal", "dilation_rate": 2}, (2, 10, 3), (None, 3),
         grads=True),
    case("Conv1D", (6, 3), {"strides": 2, "padding": "same", "groups": 3,
                            "data_format": "channels_first"}, (2, 6, 11), (6, None)),
    case("Conv2D", (5, 3), {"activation": "relu"}, (2, 7, 8, 3), (None, None, 3)),
    case("Conv2D", (4, (3, 2)), {"strides": (2, 1), "padding": "same", "groups": 2},
         (1, 9, 7, 4), (9, 7, 4), grads=True),
    case("Conv2D", (4, 3), {"dilation_rate": 2, "use_bias": False}, (1, 9, 9, 2), (9, 9, 2)),
    case("Conv2D", (4, 3), {"data_format": "channels_first", "strides": 2}, (2, 3, 8, 8),
         (3, 8, None), grads=True),
    case("Conv3D", (3, 2), {"padding": "same", "strides": 2, "data_format": "channels_first"},
         (1, 2, 5, 4, 6), (2, 5, 4, None), grads=True),
    case("DepthwiseConv1D", (3,), {"depth_multiplier": 2}, (2, 9, 3), (None, 3)),
    case("DepthwiseConv2D", (3,), {"depth_multiplier": 2, "padding": "same", "strides": 2},
         (2, 7, 7, 3), (7, 7, 3), grads=True),
    case("DepthwiseConv2D", (3,), {"data_format": "channels_first", "dilation_rate": 2},
         (1, 2, 9, 9), (2, 9, 9)),
    case("SeparableConv1D", (4, 3), {"depth_multiplier": 2, "activation": "tanh"},
         (2, 10, 3), (10, 3)),
    case("SeparableConv2D", (4, 3), {"strides": 2, "padding": "same", "depth_multiplier": 3},
         (1, 9, 9, 2), (9, 9, 2), grads=True),
    case("SeparableConv2D", (4, 3), {"data_format": "channels_first"}, (1, 2, 7, 7),
         (2, None, None)),
    case("Conv1DTranspose", (4, 3), {"strides": 2}, (2, 6, 3), (None, 3)),
    case("Conv2DTranspose", (4, 3), {"strides": 2, "padding": "same"}, (2, 5, 5, 3),
         (5, 5, 3)),
    case("Conv2DTranspose", (3, (3, 2)), {"strides": (2, 3), "output_padding": (1, 0)},
         (1, 4, 5, 2), (4, None, 2), grads=True),
    case("Conv2DTranspose", (3, 4), {"padding": "same", "strides": 2, "output_padding": 1,
                                     "data_format": "channels_first"}, (1, 2, 4, 4),
         (2, 4, 4)),
    case("Conv2DTranspose", (3, 3), {"dilation_rate": 2}, (1, 5, 5, 2), (5, 5, 2), grads=True),
    case("Conv3DTranspose", (2, 3), {"strides": 2, "padding": "same"}, (1, 3, 3, 3, 2),
         (3, 3, 3, 2)),
]


@pytest.mark.parametrize("name,args,kwargs,x_shape,symbolic,grads", CONV_CASES)
def test_convolution_matches_keras(name, args, kwargs, x_shape, symbolic, grads):
    ours = getattr(layers, name)(*args, **kwargs)
    theirs = keras_layer(name, *args, **kwargs)
    check_parity(ours, theirs, _x(*x_shape), shape=symbolic, grads=grads)


def test_weight_names_shapes_and_order_match_keras():
    sep = layers.SeparableConv2D(8, 3)
    sep(np.zeros((1, 6, 6, 4)))
    assert [(w.name, w.shape) for w in sep.weights] == [
        ("depthwise_kernel", (3, 3, 4, 1)), ("pointwise_kernel", (1, 1, 4, 8)), ("bias", (8,))]
    depth = layers.DepthwiseConv2D(3, depth_multiplier=2)
    depth(np.zeros((1, 6, 6, 4)))
    assert [(w.name, w.shape) for w in depth.weights] == [("kernel", (3, 3, 4, 2)),
                                                          ("bias", (8,))]
    transpose = layers.Conv2DTranspose(5, 3)
    transpose(np.zeros((1, 6, 6, 4)))
    assert transpose.kernel.shape == (3, 3, 5, 4)
    assert layers.Convolution2D is layers.Conv2D
    assert layers.SeparableConvolution2D is layers.SeparableConv2D


def test_conv2d_on_3d_input_explains_the_missing_channels_axis():
    layer = layers.Conv2D(32, 3, name="first_conv")
    with pytest.raises(ValueError, match=r"'first_conv'.*4D input \(batch, height, width, "
                                         r"channels\).*\(2, 28, 28\).*Reshape\(\(28, 28, 1\)\)"):
        layer(np.zeros((2, 28, 28), "float32"))
    with pytest.raises(ValueError, match=r"4D input.*\(None, 28, 28\).*expand_dims"):
        layers.Conv2D(32, 3)(keras.Input(shape=(28, 28)))


def test_kernel_larger_than_input_names_layer_and_shapes():
    with pytest.raises(ValueError, match=r"'big'.*\(5, 5\).*larger than the input.*"
                                         r"\(None, 3, 3, 1\)"):
        layers.Conv2D(4, 5, name="big")(keras.Input(shape=(3, 3, 1)))
    with pytest.raises(ValueError, match=r"Conv1D.*larger than the input.*\(1, 2, 3\)"):
        layers.Conv1D(4, 3)(np.zeros((1, 2, 3), "float32"))


def test_channel_mismatch_after_build_names_data_format_and_shapes():
    layer = layers.Conv2D(4, 3, name="c")
    layer(np.zeros((1, 8, 8, 3), "float32"))
    with pytest.raises(ValueError, match=r"'c'.*channels_last.*3 channels.*"
                                         r"\(3, 3, 3, 4\).*\(1, 8, 8, 5\) with 5 channels"):
        layer(np.zeros((1, 8, 8, 5), "float32"))
    with pytest.raises(ValueError, match=r"'c'.*\(None, 8, 8, 5\) with 5 channels"):
        layer(keras.Input(shape=(8, 8, 5)))
    first = layers.Conv2D(4, 3, data_format="channels_first")
    with pytest.raises(ValueError, match="channel axis.*channels_first"):
        first(keras.Input(batch_shape=(None, None, 8, 8)))


@pytest.mark.parametrize("kwargs,match", [
    ({"filters": 0, "kernel_size": 3}, "filters.*Received: filters=0"),
    ({"filters": 4, "kernel_size": 3, "padding": "full"}, "padding.*Received: padding='full'"),
    ({"filters": 4, "kernel_size": (3, 3, 3)}, "kernel_size.*tuple of 2"),
    ({"filters": 5, "kernel_size": 3, "groups": 2}, "divisible by `groups`"),
    ({"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, "dilation_rate"),
    ({"filters": 4, "kernel_size": 3, "data_format": "NHWC"}, "data_format"),
])
def test_invalid_arguments_are_explained(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Conv2D(**kwargs)


def test_causal_padding_is_only_for_1d():
    assert layers.Conv1D(2, 3, padding="causal").padding == "causal"
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2D(2, 3, padding="causal")


def test_dlwp_depthwise_separable_convnet_parameter_count():
    model = keras.Sequential([
        layers.SeparableConv2D(32, 3, activation="relu", input_shape=(64, 64, 3)),
        layers.SeparableConv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.SeparableConv2D(64, 3, activation="relu"),
        layers.SeparableConv2D(128, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.SeparableConv2D(64, 3, activation="relu"),
        layers.SeparableConv2D(128, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(32, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    assert model.count_params() == 38949  # what Keras 3 reports for the same stack
    assert model.output_shape == (None, 10)


def test_inception_and_residual_blocks_from_the_notes():
    x = keras.Input(shape=(32, 32, 64))
    branch_a = layers.Conv2D(128, 1, activation="relu", strides=2)(x)
    branch_b = layers.Conv2D(128, 1, activation="relu")(x)
    branch_b = layers.Conv2D(128, 3, activation="relu", strides=2)(branch_b)
    branch_c = layers.AveragePooling2D(3, strides=2)(x)
    branch_c = layers.Conv2D(128, 3, activation="relu", strides=2)(branch_c)
    branch_d = layers.Conv2D(128, 1, activation="relu")(x)
    branch_d = layers.Conv2D(128, 3, activation="relu")(branch_d)
    branch_d = layers.Conv2D(128, 3, activation="relu", strides=2)(branch_d)
    # As written in the notes the branches do not line up (the book's snippet is schematic):
    assert [t.shape for t in (branch_a, branch_b, branch_c, branch_d)] == [
        (None, 16, 16, 128), (None, 15, 15, 128), (None, 7, 7, 128), (None, 14, 14, 128)]
    same = dict(activation="relu", padding="same")
    branch_b = layers.Conv2D(128, 3, strides=2, **same)(layers.Conv2D(128, 1, **same)(x))
    branch_c = layers.Conv2D(128, 3, **same)(layers.AveragePooling2D(3, strides=2,
                                                                      padding="same")(x))
    branch_d = layers.Conv2D(128, 3, strides=2, **same)(layers.Conv2D(128, 3, **same)(x))
    output = layers.concatenate([branch_a, branch_b, branch_c, branch_d], axis=-1)
    inception = keras.Model(x, output)
    assert output.shape == (None, 16, 16, 512)

    inputs = keras.Input(shape=(32, 32, 128))
    y = layers.Conv2D(128, 3, activation="relu", padding="same")(inputs)
    y = layers.Conv2D(128, 3, activation="relu", padding="same")(y)
    y = layers.Conv2D(128, 3, activation="relu", padding="same")(y)
    y = layers.add([y, inputs])
    z = layers.Conv2D(128, 3, activation="relu", padding="same")(y)
    z = layers.Conv2D(128, 3, activation="relu", padding="same")(z)
    z = layers.MaxPooling2D(2, strides=2)(z)
    residual = layers.Conv2D(128, 1, strides=2, padding="same")(y)
    z = layers.add([z, residual])
    residual_model = keras.Model(inputs, z)
    assert z.shape == (None, 16, 16, 128)
    # Parameter counts as Keras 3 reports them for the same graphs.
    assert inception.count_params() == 8320 + (8320 + 147584) + 73856 + (73856 + 147584)
    assert residual_model.count_params() == 5 * 147584 + 16512
    out = residual_model.predict(np.ones((2, 32, 32, 128), "float32"), verbose=0)
    assert out.shape == (2, 16, 16, 128)


def test_fashion_cnn_trains_a_step(fashion_like):
    x, y = fashion_like
    x = x[:64, :, :, None]
    model = keras.Sequential([
        layers.Conv2D(32, kernel_size=3, activation="relu", padding="same",
                      input_shape=(28, 28, 1)),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, kernel_size=3, activation="relu", padding="same"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(100, activation="relu"),
        layers.Dropout(0.4),
        layers.Dense(10, activation="softmax"),
    ])
    assert model.count_params() == 320 + 18496 + 313700 + 1010
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y[:64], epochs=2, batch_size=32, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert history.history["loss"][1] < history.history["loss"][0]
    assert not np.allclose(before[0], model.get_weights()[0])


def test_regularizers_and_constraints_are_kept_and_applied():
    layer = layers.SeparableConv2D(4, 3, depthwise_regularizer=keras.regularizers.L2(0.01),
                                   pointwise_regularizer="l1", bias_constraint="non_neg",
                                   activity_regularizer=keras.regularizers.L2(0.001))
    out = layer(_x(2, 6, 6, 3))
    depthwise, pointwise = layer.depthwise_kernel.numpy(), layer.pointwise_kernel.numpy()
    expected = [0.01 * (depthwise ** 2).sum(), 0.01 * np.abs(pointwise).sum(),
                0.001 * (np.asarray(out) ** 2).sum() / 2]
    np.testing.assert_allclose([float(l) for l in layer.losses], expected, rtol=1e-5)
    clone = layers.SeparableConv2D.from_config(layer.get_config())
    assert clone.get_config()["pointwise_regularizer"] == layer.get_config()["pointwise_regularizer"]
    assert type(clone.bias_constraint).__name__ == "NonNeg"
    assert type(clone.activity_regularizer).__name__ == "L2"
