"""neurx.initializers against the real Keras 3 (JAX backend).

Deterministic initializers are compared exactly; random ones by the statistics
of a large sample (Keras and neurx draw from different keys for the same seed).
"""
import os

os.environ["KERAS_BACKEND"] = "jax"

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from keras.src.initializers import ALL_OBJECTS_DICT as KERAS_INITIALIZERS
from keras.src.initializers.random_initializers import compute_fans as keras_fans

from neurx import initializers, rng
from neurx.variables import StatelessScope


@pytest.mark.parametrize("ours, theirs, shape", [
    (initializers.Zeros(), keras.initializers.Zeros(), (3, 4)),
    (initializers.Ones(), keras.initializers.Ones(), (2, 3, 4)),
    (initializers.Constant(3.5), keras.initializers.Constant(3.5), (5,)),
    (initializers.Identity(), keras.initializers.Identity(), (3, 3)),
    (initializers.Identity(gain=2.5), keras.initializers.Identity(gain=2.5), (3, 5)),
])
def test_deterministic_initializers_match_keras_exactly(ours, theirs, shape):
    for dtype in (None, "float16") if isinstance(ours, initializers.Constant) else (None,):
        got, expected = np.asarray(ours(shape, dtype)), np.asarray(theirs(shape, dtype))
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("shape", [(), (7,), (10, 5), (3, 3, 16, 32), (5, 4, 2, 3, 6)])
def test_compute_fans_matches_keras(shape):
    assert initializers.compute_fans(shape) == keras_fans(shape)
    assert initializers.compute_fans((4, 5, 6), [0, 1], [2]) == keras_fans((4, 5, 6), [0, 1], [2])


def _stats(values):
    values = np.asarray(values, dtype="float64")
    return values.mean(), values.std(), np.abs(values).max()


SCALING_CASES = [(scale, mode, dist, shape)
                 for dist in ("truncated_normal", "untruncated_normal", "uniform")
                 for mode, scale in (("fan_in", 1.0), ("fan_out", 2.0), ("fan_avg", 0.5))
                 for shape in [(300, 400)]]  # one shape: the compiled samplers are reused


@pytest.mark.parametrize("scale, mode, dist, shape", SCALING_CASES)
def test_variance_scaling_statistics_match_keras(scale, mode, dist, shape):
    ours = initializers.VarianceScaling(scale, mode, dist, seed=1)(shape)
    theirs = keras.initializers.VarianceScaling(scale, mode, dist, seed=1)(shape)
    assert ours.shape == tuple(theirs.shape) and ours.dtype == theirs.dtype
    fan_in, fan_out = keras_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    target = np.sqrt(scale / n)  # the stddev Keras promises (after truncation)
    (m1, s1, a1), (_, s2, a2) = _stats(ours), _stats(theirs)
    assert abs(m1) < 0.02 * target
    assert s1 == pytest.approx(target, rel=0.02) and s1 == pytest.approx(s2, rel=0.02)
    if dist == "uniform":
        assert a1 <= np.sqrt(3) * target * (1 + 1e-6) and a1 == pytest.approx(a2, rel=0.01)
    if dist == "truncated_normal":
        bound = 2 * target / 0.87962566103423978
        assert a1 <= bound * (1 + 1e-6) and a1 == pytest.approx(a2, rel=0.01)


def test_conv_kernel_fans_use_the_receptive_field():
    shape = (3, 3, 64, 48)  # fan_in = 9 * 64, fan_out = 9 * 48
    w = np.asarray(initializers.GlorotUniform(seed=0)(shape))
    limit = np.sqrt(6.0 / (9 * 64 + 9 * 48))
    assert np.abs(w).max() <= limit and np.abs(w).max() == pytest.approx(limit, rel=0.01)
    assert w.std() == pytest.approx(limit / np.sqrt(3), rel=0.02)


@pytest.mark.parametrize("name", ["GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform",
                                  "LecunNormal", "LecunUniform"])
def test_presets_match_keras(name):
    shape = (300, 400)  # one sample shape throughout: compiled sampling is reused
    ours, theirs = getattr(initializers, name)(seed=3), getattr(keras.initializers, name)(seed=3)
    assert (ours.scale, ours.mode, ours.distribution) == (
        theirs.scale, theirs.mode, theirs.distribution)
    assert ours.get_config() == theirs.get_config()
    (_, s1, a1), (_, s2, a2) = _stats(ours(shape)), _stats(theirs(shape))
    assert s1 == pytest.approx(s2, rel=0.02) and a1 == pytest.approx(a2, rel=0.02)


@pytest.mark.parametrize("ours, theirs", [
    (initializers.RandomNormal(0.5, 2.0, seed=4), keras.initializers.RandomNormal(0.5, 2.0, seed=4)),
    (initializers.RandomUniform(-3.0, 1.0, seed=4), keras.initializers.RandomUniform(-3.0, 1.0, seed=4)),
    (initializers.TruncatedNormal(1.0, 0.5, seed=4), keras.initializers.TruncatedNormal(1.0, 0.5, seed=4)),
    (initializers.RandomNormal(), keras.initializers.RandomNormal()),
    (initializers.TruncatedNormal(), keras.initializers.TruncatedNormal()),
])
def test_random_distributions_match_keras(ours, theirs):
    got, expected = np.asarray(ours((300, 400))), np.asarray(theirs((300, 400)))
    (m1, s1, _), (m2, s2, _) = _stats(got), _stats(expected)
    assert m1 == pytest.approx(m2, abs=0.02 * s2) and s1 == pytest.approx(s2, rel=0.02)
    if isinstance(ours, initializers.RandomUniform):
        assert got.min() >= ours.minval and got.max() < ours.maxval
    if isinstance(ours, initializers.TruncatedNormal):
        assert np.abs(got - ours.mean).max() <= 2 * ours.stddev * (1 + 1e-6)
    assert ours.get_config() == theirs.get_config()


@pytest.mark.parametrize("shape", [(3, 6), (6, 3), (2, 3, 3)])  # all sample a (6, 3) matrix
def test_orthogonal(shape):
    q = np.asarray(initializers.Orthogonal(gain=2.0, seed=0)(shape), "float64")
    flat = q.reshape(-1, shape[-1])
    small = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(small, 4.0 * np.eye(small.shape[0]), atol=1e-4)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((3,))
    assert initializers.Orthogonal(0.5, 1).get_config() == keras.initializers.Orthogonal(0.5, 1).get_config()


def test_seeds():
    init = initializers.GlorotUniform(seed=7)
    np.testing.assert_array_equal(init((3, 4)), init((3, 4)))
    unseeded = initializers.RandomNormal()
    assert not np.array_equal(unseeded((3, 4)), unseeded((3, 4)))
    rng.set_seed(11)
    a = unseeded((3, 4))
    rng.set_seed(11)
    np.testing.assert_array_equal(a, unseeded((3, 4)))
    with pytest.raises(ValueError, match="`seed` must be an integer"):
        initializers.RandomNormal(seed="abc")


def test_concrete_values_while_tracing():
    seen = {}

    @jax.jit
    def step(key):
        with StatelessScope(rng_key=key):
            seen["unseeded"] = initializers.HeNormal()((300, 400))
        seen["seeded"] = initializers.Orthogonal(seed=1)((6, 3))
        seen["zeros"] = initializers.Zeros()((2,))
        return key

    step(jax.random.key(0))
    for name, value in seen.items():
        assert not isinstance(value, jax.core.Tracer), name
        assert np.isfinite(np.asarray(value)).all()


def test_dtypes():
    assert initializers.GlorotUniform(seed=0)((2, 2)).dtype == jnp.float32
    assert initializers.HeNormal(seed=0)((2, 2), "bfloat16").dtype == jnp.bfloat16
    assert initializers.Orthogonal(seed=0)((2, 2), "float16").dtype == jnp.float16
    assert initializers.Zeros()((2,), "int32").dtype == jnp.int32


def test_variance_scaling_argument_errors():
    with pytest.raises(ValueError, match="must be positive"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="Did you mean 'fan_avg'"):
        initializers.VarianceScaling(mode="fan_ave")
    with pytest.raises(ValueError, match="Invalid `distribution`"):
        initializers.VarianceScaling(distribution="cauchy")
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"


@pytest.mark.parametrize("name", sorted(n for n in KERAS_INITIALIZERS if "STFT" not in n.upper()))
def test_every_keras_name_resolves(name):
    assert type(initializers.get(name)).__name__ == KERAS_INITIALIZERS[name].__name__


def test_get_identifiers():
    assert initializers.get(None) is None
    assert isinstance(initializers.get(initializers.HeUniform), initializers.HeUniform)
    fn = lambda shape, dtype=None: jnp.ones(shape)  # noqa: E731
    assert initializers.get(fn) is fn
    direct = initializers.get(np.arange(6, dtype="float32").reshape(2, 3))
    assert direct((2, 3)).tolist() == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match=r"Expected `shape` to be \(2, 3\)"):
        direct((3, 2))
    with pytest.raises(ValueError, match="Did you mean 'glorot_uniform'"):
        initializers.get("glorot_unifrom")
    with pytest.raises(ValueError, match="Received: 3.5"):
        initializers.get(3.5)


@pytest.mark.parametrize("init", [
    initializers.Constant(2.0), initializers.RandomUniform(-1.0, 2.0, seed=3),
    initializers.VarianceScaling(0.5, "fan_out", "uniform", seed=2),
    initializers.GlorotNormal(seed=5), initializers.Orthogonal(1.5), initializers.Zeros(),
    initializers.Identity(gain=3.0)])
def test_serialization_round_trips_and_loads_in_keras(init):
    config = initializers.serialize(init)
    again = initializers.get(config)
    assert type(again) is type(init) and again.get_config() == init.get_config()
    theirs = keras.initializers.deserialize(config)
    assert type(theirs).__name__ == type(init).__name__
    # and a Keras-written config loads here
    ours = initializers.get(keras.initializers.serialize(theirs))
    assert type(ours) is type(init)


def test_public_names():
    for name in initializers.__all__:
        assert hasattr(initializers, name), name
    assert initializers.glorot_uniform is initializers.GlorotUniform
