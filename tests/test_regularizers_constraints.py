"""neurx.regularizers and neurx.constraints against the real Keras 3 (JAX backend)."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from keras.src.constraints import ALL_OBJECTS_DICT as KERAS_CONSTRAINTS
from keras.src.regularizers import ALL_OBJECTS_DICT as KERAS_REGULARIZERS

from neurx import constraints, regularizers
from neurx.variables import Variable

W = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")
KERNEL = np.random.default_rng(1).normal(size=(3, 3, 2, 5)).astype("float32")


# ---- regularizers ----------------------------------------------------------------

@pytest.mark.parametrize("ours, theirs", [
    (regularizers.L1(), keras.regularizers.L1()),
    (regularizers.L1(0.3), keras.regularizers.L1(0.3)),
    (regularizers.L2(), keras.regularizers.L2()),
    (regularizers.L2(0.25), keras.regularizers.L2(0.25)),
    (regularizers.L1L2(l1=0.1, l2=0.2), keras.regularizers.L1L2(l1=0.1, l2=0.2)),
    (regularizers.L1L2(), keras.regularizers.L1L2()),
    (regularizers.OrthogonalRegularizer(0.5), keras.regularizers.OrthogonalRegularizer(0.5)),
    (regularizers.OrthogonalRegularizer(0.5, "columns"),
     keras.regularizers.OrthogonalRegularizer(0.5, "columns")),
])
def test_regularizer_values_match_keras(ours, theirs):
    for x in (W, KERNEL) if not isinstance(ours, regularizers.OrthogonalRegularizer) else (W,):
        got = ours(x)
        assert got.shape == () and got.dtype == jnp.float32
        # (a jax array for Keras: its NumPy path of `normalize` mishandles axis=0)
        np.testing.assert_allclose(float(got), float(theirs(jnp.asarray(x))), rtol=1e-6)
    for key, value in theirs.get_config().items():
        assert ours.get_config()[key] == pytest.approx(value)


def test_l2_formula_has_no_half_factor():
    assert float(regularizers.L2(0.5)(jnp.array([2.0, 2.0]))) == 4.0
    assert float(regularizers.L1(0.5)(jnp.array([2.0, -2.0]))) == 2.0


def test_lowercase_aliases_build_instances_as_keras():
    assert isinstance(regularizers.l2(0.01), regularizers.L2)
    assert isinstance(keras.regularizers.l2(0.01), keras.regularizers.L2)
    assert isinstance(regularizers.l1(0.1), regularizers.L1)
    reg = regularizers.l1_l2(l1=0.01, l2=0.02)
    assert isinstance(reg, regularizers.L1L2) and (reg.l1, reg.l2) == (0.01, 0.02)


def test_regularizers_accept_variables_and_gradients():
    v = Variable(W, name="kernel")
    assert float(regularizers.L2(0.1)(v)) == pytest.approx(float(regularizers.L2(0.1)(W)))
    grad = jax.grad(lambda w: regularizers.L1L2(0.1, 0.2)(w))(jnp.asarray(W))
    np.testing.assert_allclose(grad, 0.1 * np.sign(W) + 0.4 * W, rtol=1e-6)


def test_regularizer_argument_errors():
    with pytest.raises(ValueError, match="expected a non-negative float. Received: l2=-1"):
        regularizers.L2(-1)
    with pytest.raises(ValueError, match="Received: l1=nan"):
        regularizers.L1(float("nan"))
    with pytest.raises(ValueError, match="mode"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match="rank 2"):
        regularizers.OrthogonalRegularizer()(KERNEL)


@pytest.mark.parametrize("name", sorted(n for n in KERAS_REGULARIZERS if n.lower() != "regularizer"))
def test_every_keras_regularizer_name_resolves(name):
    assert type(regularizers.get(name)).__name__ == KERAS_REGULARIZERS[name].__name__


def test_regularizer_get_and_serialize():
    assert regularizers.get(None) is None
    assert isinstance(regularizers.get("l1_l2"), regularizers.L1L2)
    fn = lambda x: 0.0  # noqa: E731
    assert regularizers.get(fn) is fn
    assert isinstance(regularizers.get(regularizers.L2), regularizers.L2)
    with pytest.raises(ValueError, match="Unknown regularizer: 'l22'. Did you mean 'l2'"):
        regularizers.get("l22")
    with pytest.raises(ValueError, match="Received: 5"):
        regularizers.get(5)
    for reg in (regularizers.L1(0.2), regularizers.L1L2(0.1, 0.3),
                regularizers.OrthogonalRegularizer(0.1, "columns")):
        config = regularizers.serialize(reg)
        again = regularizers.get(config)
        assert type(again) is type(reg) and again.get_config() == reg.get_config()
        theirs = keras.regularizers.deserialize(config)
        assert type(theirs).__name__ == type(reg).__name__
        from_keras = regularizers.get(keras.regularizers.serialize(theirs)).get_config()
        for key, value in reg.get_config().items():  # Keras stores some factors in float32
            assert from_keras[key] == (pytest.approx(value) if key != "mode" else value)


# ---- constraints -----------------------------------------------------------------

@pytest.mark.parametrize("ours, theirs, x", [
    (constraints.MaxNorm(), keras.constraints.MaxNorm(), W),
    (constraints.MaxNorm(1.0, axis=1), keras.constraints.MaxNorm(1.0, axis=1), W),
    (constraints.MaxNorm(0.5, axis=[0, 1, 2]), keras.constraints.MaxNorm(0.5, axis=[0, 1, 2]), KERNEL),
    (constraints.NonNeg(), keras.constraints.NonNeg(), W),
    (constraints.UnitNorm(), keras.constraints.UnitNorm(), W),
    (constraints.UnitNorm(axis=[0, 1, 2]), keras.constraints.UnitNorm(axis=[0, 1, 2]), KERNEL),
    (constraints.MinMaxNorm(), keras.constraints.MinMaxNorm(), W),
    (constraints.MinMaxNorm(1.0, 2.0, 0.5, axis=1), keras.constraints.MinMaxNorm(1.0, 2.0, 0.5, axis=1), W),
    (constraints.MinMaxNorm(0.5, 1.5, axis=[0, 1, 2]),
     keras.constraints.MinMaxNorm(0.5, 1.5, axis=[0, 1, 2]), KERNEL),
])
def test_constraint_values_match_keras(ours, theirs, x):
    np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.asarray(ours(Variable(x, name="w"))), np.asarray(theirs(x)),
                               rtol=1e-6, atol=1e-7)
    assert ours.get_config() == theirs.get_config()


def test_constraint_properties():
    norms = np.linalg.norm(np.asarray(constraints.MaxNorm(0.7)(W)), axis=0)
    assert (norms <= 0.7 + 1e-6).all()
    np.testing.assert_allclose(np.linalg.norm(constraints.UnitNorm(axis=1)(W), axis=1), 1.0,
                               rtol=1e-5)
    assert (np.asarray(constraints.NonNeg()(W)) >= 0).all()
    assert constraints.Constraint()(W) is W


def test_constraint_aliases():
    assert constraints.max_norm is constraints.MaxNorm
    assert constraints.non_neg is constraints.NonNeg
    assert constraints.unit_norm is constraints.UnitNorm
    assert constraints.min_max_norm is constraints.MinMaxNorm


@pytest.mark.parametrize("name", sorted(n for n in KERAS_CONSTRAINTS if n.lower() != "constraint"))
def test_every_keras_constraint_name_resolves(name):
    assert type(constraints.get(name)).__name__ == KERAS_CONSTRAINTS[name].__name__


def test_constraint_get_and_serialize():
    assert constraints.get(None) is None
    fn = lambda w: w  # noqa: E731
    assert constraints.get(fn) is fn
    assert isinstance(constraints.get(constraints.NonNeg), constraints.NonNeg)
    with pytest.raises(ValueError, match="Did you mean 'max_norm'"):
        constraints.get("maxnorm")
    with pytest.raises(ValueError, match="Received: 1.5"):
        constraints.get(1.5)
    for con in (constraints.MaxNorm(3, axis=[0, 1]), constraints.MinMaxNorm(0.1, 2.0, 0.5, 1),
                constraints.NonNeg(), constraints.UnitNorm(1)):
        config = constraints.serialize(con)
        again = constraints.get(config)
        assert type(again) is type(con) and again.get_config() == con.get_config()
        theirs = keras.constraints.deserialize(config)
        assert theirs.get_config() == con.get_config()
        assert constraints.get(keras.constraints.serialize(theirs)).get_config() == con.get_config()


def test_public_names():
    for module in (regularizers, constraints):
        for name in module.__all__:
            assert hasattr(module, name), name
