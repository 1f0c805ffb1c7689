"""Normalization layers against the real Keras 3: outputs, gradients, moving statistics."""
import inspect

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import neurx
from neurx.variables import StatelessScope

RS = np.random.RandomState(0)


def _copy_weights(k_layer, n_layer):
    """Random values for every weight (variances positive), set on both layers."""
    values = []
    for w in k_layer.weights:
        value = RS.uniform(0.5, 1.5, size=w.shape) if "variance" in w.name or "stddev" in w.name \
            else RS.normal(size=w.shape)
        values.append(value.astype("float32"))
    k_layer.set_weights(values)
    n_layer.set_weights(values)


def _keras_run(layer, x, training, probe, mask=None):
    """Outputs, new non-trainable values and gradients (weights, input) of Keras's layer."""
    non_trainable = [v.value for v in layer.non_trainable_variables]
    kwargs = {} if mask is None else {"mask": mask}
    if "training" in inspect.signature(layer.call).parameters:
        kwargs["training"] = training

    def loss(trainable, x):
        out, new_nt = layer.stateless_call(trainable, non_trainable, x, **kwargs)
        return jnp.sum(out * probe), (out, new_nt)

    step = jax.jit(jax.value_and_grad(loss, argnums=(0, 1), has_aux=True))
    (_, (out, new_nt)), grads = step([v.value for v in layer.trainable_variables], x)
    return out, new_nt, grads


def _neurx_run(layer, x, training, probe, mask=None):
    trainable = layer.trainable_weights
    non_trainable = layer.non_trainable_weights
    kwargs = {} if mask is None else {"mask": mask}

    def loss(values, x):
        mapping = dict(zip(trainable, values))
        mapping.update({v: v.value for v in non_trainable})
        with StatelessScope(mapping) as scope:
            out = layer(x, training=training, **kwargs)
        new_nt = [scope.assigned().get(v, v.value) for v in non_trainable]
        return jnp.sum(out * probe), (out, new_nt)

    step = jax.jit(jax.value_and_grad(loss, argnums=(0, 1), has_aux=True))
    (_, (out, new_nt)), grads = step([v.value for v in trainable], x)
    return out, new_nt, grads


def _assert_parity(k_layer, n_layer, x, training, mask=None):
    probe = RS.normal(size=x.shape).astype("float32")
    k_layer.build(x.shape)
    n_layer.build(x.shape)
    n_layer.built = True
    _copy_weights(k_layer, n_layer)
    assert [w.name for w in n_layer.weights] == [w.name for w in k_layer.weights]
    assert [w.trainable for w in n_layer.weights] == [w.trainable for w in k_layer.weights]
    expected = _keras_run(k_layer, jnp.asarray(x), training, probe, mask)
    actual = _neurx_run(n_layer, jnp.asarray(x), training, probe, mask)
    for e, a in zip(jax.tree_util.tree_leaves(expected), jax.tree_util.tree_leaves(actual)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(e), rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("kwargs,shape", [
    ({}, (6, 4)),
    ({"axis": 1, "momentum": 0.9}, (3, 4, 5, 2)),
    ({"center": False, "epsilon": 0.01}, (5, 3, 4)),
    ({"scale": False}, (5, 3)),
    ({"renorm": True, "renorm_clipping": {"rmax": 1.5, "rmin": 0.5, "dmax": 0.3}}, (8, 3)),
])
def test_batch_normalization_matches_keras(kwargs, shape, training):
    x = (3 * RS.normal(size=shape) + 1).astype("float32")
    _assert_parity(keras.layers.BatchNormalization(**kwargs),
                   neurx.layers.BatchNormalization(**kwargs), x, training)


def test_batch_normalization_mask_matches_keras():
    x = RS.normal(size=(4, 5, 3)).astype("float32")
    mask = jnp.asarray(RS.uniform(size=(4, 5)) > 0.4)
    _assert_parity(keras.layers.BatchNormalization(), neurx.layers.BatchNormalization(), x,
                   True, mask=mask)


def test_batch_normalization_uses_the_mask_of_an_embedding():
    tokens = np.array([[1, 2, 0, 0], [3, 1, 2, 0]])
    k_model = keras.Sequential([keras.Input((4,)), keras.layers.Embedding(5, 3, mask_zero=True),
                                keras.layers.BatchNormalization()])
    n_model = neurx.Sequential([neurx.layers.Embedding(5, 3, mask_zero=True, input_length=4),
                                neurx.layers.BatchNormalization()])
    n_model.build((None, 4))
    n_model.set_weights(k_model.get_weights())
    k_model(tokens, training=True)
    n_model(tokens, training=True)
    np.testing.assert_allclose(n_model.layers[1].moving_mean.numpy(),
                               np.asarray(k_model.layers[1].moving_mean.value), rtol=1e-5)


def _dense_bn(lib, units=4):
    first = [lib.Input((5,))] if lib is keras else []
    return lib.Sequential(first + [lib.layers.Dense(units, input_shape=(5,)) if lib is neurx
                                   else lib.layers.Dense(units),
                                   lib.layers.BatchNormalization(momentum=0.9),
                                   lib.layers.Dense(1)])


def test_moving_statistics_after_fit_equal_keras():
    x = RS.normal(size=(32, 5)).astype("float32")
    y = RS.normal(size=(32, 1)).astype("float32")
    k_model, n_model = _dense_bn(keras), _dense_bn(neurx)
    n_model.set_weights(k_model.get_weights())
    k_model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    n_model.compile(optimizer=neurx.optimizers.SGD(0.05), loss="mse")
    k_model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    n_model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    bn = n_model.layers[1]
    assert np.abs(bn.moving_mean.numpy()).max() > 1e-3          # the statistics moved
    for expected, actual in zip(k_model.get_weights(), n_model.get_weights()):
        np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(n_model.predict(x, verbose=0), k_model.predict(x, verbose=0),
                               rtol=1e-4, atol=1e-5)


def test_summary_counts_moving_statistics_as_non_trainable():
    model = _dense_bn(neurx, units=16)
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    k_model = _dense_bn(keras, units=16)
    trainable = sum(int(np.prod(w.shape)) for w in k_model.trainable_weights)
    assert f"Trainable params: {trainable:,}" in text          # 96 + 32 + 17 = 145
    assert "Non-trainable params: 32" in text                  # 2 * units
    assert len(model.non_trainable_weights) == 2


def test_frozen_batch_normalization_uses_moving_statistics_in_training():
    layer = neurx.layers.BatchNormalization()
    x = (5 + RS.normal(size=(8, 3))).astype("float32")
    layer(x)
    layer.trainable = False
    before = layer.moving_mean.numpy()
    out = layer(x, training=True)
    np.testing.assert_allclose(out, layer(x, training=False))
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before)
    assert layer.moving_mean.trainable is False and layer.gamma.trainable is False


@pytest.mark.parametrize("kwargs,shape", [
    ({}, (4, 6)),
    ({"axis": [1, 2]}, (3, 4, 5)),
    ({"axis": 1, "center": False}, (3, 4, 5)),
    ({"scale": False, "epsilon": 0.1}, (4, 6)),
    ({"rms_scaling": True}, (4, 6)),
])
def test_layer_normalization_matches_keras(kwargs, shape):
    x = (2 * RS.normal(size=shape) + 1).astype("float32")
    _assert_parity(keras.layers.LayerNormalization(**kwargs),
                   neurx.layers.LayerNormalization(**kwargs), x, True)


@pytest.mark.parametrize("kwargs,shape", [
    ({"groups": 2}, (3, 5, 4)),
    ({"groups": 3, "axis": 1}, (2, 6, 4, 2)),
    ({"groups": -1, "center": False}, (2, 3, 3, 4)),
    ({"groups": 1, "scale": False}, (2, 4, 4)),
])
def test_group_normalization_matches_keras(kwargs, shape):
    x = (2 * RS.normal(size=shape) - 1).astype("float32")
    _assert_parity(keras.layers.GroupNormalization(**kwargs),
                   neurx.layers.GroupNormalization(**kwargs), x, True)


@pytest.mark.parametrize("axis", [-1, 1, [1, 2]])
def test_unit_normalization_matches_keras(axis):
    x = RS.normal(size=(3, 4, 5)).astype("float32")
    x[0, 0] = 0.0
    expected = keras.layers.UnitNormalization(axis=axis)(x)
    np.testing.assert_allclose(neurx.layers.UnitNormalization(axis=axis)(x), expected,
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name,kwargs", [
    ("BatchNormalization", {"axis": 1, "momentum": 0.9, "beta_regularizer": "l2",
                            "gamma_constraint": "non_neg", "moving_variance_initializer": "zeros"}),
    ("BatchNormalization", {"renorm": True, "renorm_clipping": {"rmax": 2.0}}),
    ("LayerNormalization", {"axis": [1, 2], "rms_scaling": True, "gamma_initializer": "zeros"}),
    ("GroupNormalization", {"groups": 4, "center": False}),
    ("UnitNormalization", {"axis": [1, 2]}),
])
def test_config_round_trip_with_keras_keys(name, kwargs):
    layer = getattr(neurx.layers, name)(**kwargs)
    config = layer.get_config()
    keras_config = getattr(keras.layers, name)(**kwargs).get_config()
    assert set(config) == set(keras_config)
    for key in kwargs:
        assert config[key] == keras_config[key]
    clone = type(layer).from_config(config)
    assert clone.get_config() == config


def test_dlwp_batch_normalization_after_conv2d_and_dense_fits():
    rs = np.random.RandomState(1)
    images = rs.uniform(size=(16, 6, 6, 2)).astype("float32")
    labels = rs.randint(0, 2, size=16)
    conv_model = neurx.Sequential()
    conv_model.add(neurx.layers.Conv2D(4, 3, activation="relu", input_shape=(6, 6, 2)))
    conv_model.add(neurx.layers.BatchNormalization())
    conv_model.add(neurx.layers.Flatten())
    conv_model.add(neurx.layers.Dense(1, activation="sigmoid"))
    dense_model = neurx.Sequential()
    dense_model.add(neurx.layers.Dense(32, activation="relu", input_shape=(72,)))
    dense_model.add(neurx.layers.BatchNormalization())
    dense_model.add(neurx.layers.Dense(1, activation="sigmoid"))
    for model, x in ((conv_model, images), (dense_model, images.reshape(16, -1))):
        model.compile(optimizer="rmsprop", loss="binary_crossentropy")
        bn = model.layers[1]
        history = model.fit(x, labels, batch_size=8, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0])
        assert not np.allclose(bn.moving_mean.numpy(), 0)
        assert len(model.non_trainable_weights) == 2


def test_functional_model_with_normalization_layers_builds_and_predicts():
    inputs = neurx.Input((6, 4))
    x = neurx.layers.LayerNormalization()(inputs)
    x = neurx.layers.GroupNormalization(groups=2)(x)
    x = neurx.layers.BatchNormalization()(x)
    outputs = neurx.layers.UnitNormalization()(x)
    model = neurx.Model(inputs, outputs)
    assert model.output_shape == (None, 6, 4)
    out = model.predict(RS.normal(size=(3, 6, 4)).astype("float32"), verbose=0)
    np.testing.assert_allclose(np.linalg.norm(out, axis=-1), 1.0, rtol=1e-5)


def test_errors_name_the_layer_and_shapes():
    layer = neurx.layers.BatchNormalization(axis=3, name="bn")
    with pytest.raises(ValueError, match="Axis 3 is out of bounds.*'bn'.*\\(2, 3\\)"):
        layer(np.ones((2, 3), "float32"))
    layer = neurx.layers.BatchNormalization(name="bn2")
    layer(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="'bn2'.*size 3.*\\(2, 4\\)"):
        layer(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match="groups.*Received: groups=0"):
        neurx.layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match="Number of groups \\(4\\) must divide.*\\(6\\)"):
        neurx.layers.GroupNormalization(groups=4)(np.ones((2, 6), "float32"))
    with pytest.raises(ValueError, match="renorm_clipping.*'bad'"):
        neurx.layers.BatchNormalization(renorm=True, renorm_clipping={"bad": 1})
    with pytest.raises(TypeError, match="Received: axis='x'"):
        neurx.layers.LayerNormalization(axis="x")


def test_batchnorm_statistics_ignore_the_padding_of_the_last_batch():
    """10 rows in batches of 4: the last batch has 2 real rows and 2 padding rows."""
    import neurx as nx
    rs = np.random.RandomState(0)
    x = rs.normal(size=(10, 3)).astype("float32") * 3 + 1
    model = nx.Sequential([nx.layers.BatchNormalization(input_shape=(3,), momentum=0.0)])
    model.compile(optimizer=nx.optimizers.SGD(learning_rate=0.0), loss="mse")
    model.fit(x, np.zeros((10, 3)), batch_size=4, epochs=1, shuffle=False, verbose=0)
    bn = model.layers[0]
    np.testing.assert_allclose(bn.moving_mean.numpy(), x[8:].mean(axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), x[8:].var(axis=0), rtol=1e-4, atol=1e-5)
