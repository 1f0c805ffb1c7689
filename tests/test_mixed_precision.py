"""Mixed precision: float16/bfloat16 compute, float32 weights, dynamic loss scaling."""
import jax.numpy as jnp
import numpy as np
import pytest

import neurx as keras
from neurx import mixed_precision


@pytest.fixture
def policy():
    yield mixed_precision.set_global_policy
    mixed_precision.set_global_policy(None)


@pytest.mark.parametrize("name,compute", [("mixed_float16", "float16"), ("mixed_bfloat16", "bfloat16")])
def test_mixed_policies_train_with_float32_weights(policy, fashion_like, name, compute):
    policy(name)
    x, y = fashion_like
    model = keras.Sequential([keras.layers.Flatten(input_shape=(28, 28)),
                              keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10, activation="softmax", dtype="float32")])
    hidden = model.layers[1]
    assert hidden.compute_dtype == compute and hidden.kernel.dtype == jnp.float32
    assert model(x[:2]).dtype == jnp.float32
    assert hidden(np.ones((1, 784), "float32")).dtype == jnp.dtype(compute)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert model._trainer.steps.loss_scaling is (compute == "float16")


def test_overflowing_step_is_skipped_and_the_scale_halved(policy):
    policy("mixed_float16")
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,)), keras.layers.Dense(1, dtype="float32")])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 3), "float32"), np.ones((8, 1), "float32")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    before = model.get_weights()
    model._trainer.steps.loss_scale = jnp.asarray([1e30, 0.0], "float32")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert float(model._trainer.steps.loss_scale[0]) == pytest.approx(5e29, rel=1e-6)


def test_policy_names_and_errors():
    assert mixed_precision.DTypePolicy("float32").is_mixed is False
    with pytest.raises(ValueError, match="Did you mean 'mixed_float16'"):
        mixed_precision.DTypePolicy("mixed_float61")
    assert keras.layers.Dense(2, dtype="mixed_bfloat16").get_config()["dtype"] == "mixed_bfloat16"
