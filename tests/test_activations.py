"""neurx.activations against the real Keras 3 (JAX backend): values, names, errors."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from keras.src.activations import ALL_OBJECTS_DICT as KERAS_ACTIVATIONS

from neurx import activations
from neurx.variables import Variable

X = np.linspace(-7.0, 7.0, 32, dtype="float32").reshape(4, 8)
EXTRA_ARGS = {"threshold": (0.5, -1.0)}


@pytest.mark.parametrize("name", sorted(KERAS_ACTIVATIONS))
def test_every_keras_activation_matches_keras(name):
    ours = activations.get(name)
    args = EXTRA_ARGS.get(name, ())
    expected = np.asarray(KERAS_ACTIVATIONS[name](X, *args))
    np.testing.assert_allclose(np.asarray(ours(X, *args)), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kwargs", [
    {}, {"negative_slope": 0.5}, {"max_value": 5.0}, {"max_value": 6.0},
    {"threshold": 2.0}, {"negative_slope": 0.3, "max_value": 4.0},
    {"negative_slope": 0.3, "threshold": -1.0}, {"negative_slope": 0.1, "max_value": 3.0,
                                                 "threshold": 1.0}])
def test_relu_arguments_match_keras(kwargs):
    np.testing.assert_allclose(np.asarray(activations.relu(X, **kwargs)),
                               np.asarray(keras.activations.relu(X, **kwargs)), atol=1e-6)


@pytest.mark.parametrize("fn, kwargs", [
    ("softmax", {"axis": 0}), ("log_softmax", {"axis": 0}), ("elu", {"alpha": 0.5}),
    ("leaky_relu", {"negative_slope": 0.05}), ("gelu", {"approximate": True}),
    ("celu", {"alpha": 2.0}), ("glu", {"axis": 0}), ("squareplus", {"b": 1.0}),
    ("soft_shrink", {"threshold": 1.0}), ("hard_shrink", {"threshold": 1.0})])
def test_keyword_arguments_match_keras(fn, kwargs):
    np.testing.assert_allclose(np.asarray(getattr(activations, fn)(X, **kwargs)),
                               np.asarray(getattr(keras.activations, fn)(X, **kwargs)),
                               rtol=1e-6, atol=1e-6)


def test_keras3_defaults():
    # leaky_relu slope 0.2 and exact (erf) gelu, as Keras 3
    assert float(activations.leaky_relu(jnp.array(-1.0))) == pytest.approx(-0.2)
    np.testing.assert_allclose(activations.gelu(X), jax.nn.gelu(X, approximate=False))
    np.testing.assert_allclose(activations.hard_sigmoid(X), jax.nn.relu6(X + 3) / 6)


def test_aliases():
    assert activations.get("swish") is activations.silu is activations.swish
    assert activations.get("hard_swish") is activations.hard_silu
    assert activations.get("logistic") is activations.sigmoid is activations.logistic


def test_heaviside_and_sign_values():
    z = jnp.array([-2.0, -1e-6, 0.0, 1e-6, 3.0])
    assert activations.heaviside(z).tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert activations.sign(z).tolist() == [-1.0, -1.0, 0.0, 1.0, 1.0]
    assert activations.get("heaviside") is activations.heaviside


@pytest.mark.parametrize("name", ["heaviside", "sign"])
def test_step_functions_have_exactly_zero_gradient(name):
    fn = activations.get(name)
    z = jnp.array([-2.0, 0.0, 0.5, 3.0])
    grad = jax.grad(lambda v: jnp.sum(fn(v) * 3.0))(z)
    assert grad.tolist() == [0.0, 0.0, 0.0, 0.0]
    jitted = jax.jit(jax.grad(lambda v: jnp.sum(fn(v @ jnp.ones((4, 2))))))(z)
    assert jitted.tolist() == [0.0] * 4
    # forward-mode too
    _, tangent = jax.jvp(fn, (z,), (jnp.ones_like(z),))
    assert tangent.tolist() == [0.0] * 4


@pytest.mark.parametrize("name", ["relu", "sigmoid", "softmax", "gelu", "heaviside",
                                  "sign", "linear", "mish", "sparsemax"])
def test_accepts_variables(name):
    v = Variable(X, name="w")
    fn = activations.get(name)
    np.testing.assert_allclose(np.asarray(fn(v)), np.asarray(fn(X)))


def test_integer_input_becomes_float():
    out = activations.sigmoid(jnp.array([0, 1]))
    assert out.dtype == jnp.float32


def test_get_identifiers():
    assert activations.get(None) is activations.linear
    custom = lambda x: x * 2  # noqa: E731
    assert activations.get(custom) is custom
    keras_dict = {"module": "builtins", "class_name": "function", "config": "relu",
                  "registered_name": "function"}
    assert activations.get(keras_dict) is activations.relu
    fn = activations.get({"class_name": "leaky_relu", "config": {"negative_slope": 0.5}})
    assert float(fn(jnp.array(-2.0))) == -1.0


def test_get_unknown_name_suggests():
    with pytest.raises(ValueError, match="Unknown activation: 'rellu'. Did you mean 'relu'"):
        activations.get("rellu")
    with pytest.raises(ValueError, match="Valid names"):
        activations.get("zzzzzz")
    with pytest.raises(ValueError, match="Received: 3"):
        activations.get(3)


@pytest.mark.parametrize("name", sorted(KERAS_ACTIVATIONS))
def test_serialize_matches_keras(name):
    assert activations.serialize(activations.get(name)) == keras.activations.serialize(
        KERAS_ACTIVATIONS[name])


def test_serialize_round_trip_and_errors():
    for name in ("heaviside", "sign", "relu", "softmax"):
        fn = activations.get(name)
        assert activations.get(activations.serialize(fn)) is fn
        assert activations.deserialize(activations.serialize(fn)) is fn
    leaky = activations.get({"class_name": "leaky_relu", "config": {"negative_slope": 0.5}})
    assert activations.serialize(leaky) == {"class_name": "leaky_relu",
                                            "config": {"negative_slope": 0.5}}
    assert float(activations.get(activations.serialize(leaky))(jnp.array(-2.0))) == -1.0
    with pytest.raises(ValueError, match="Cannot serialize activation"):
        activations.serialize(lambda x: x)


def test_public_names():
    for name in activations.__all__:
        assert callable(getattr(activations, name)), name
