"""Weight initializers, as `keras.initializers`, with Keras 3's formulas and defaults.

What this module owns: the `Initializer` classes (`__call__(shape, dtype)`
returns a concrete jax array, even when called while a step is being traced),
the fan computation Keras uses for dense and convolution kernels
(`compute_fans`), and the name <-> object mapping (`get`, `serialize`,
`deserialize`). Randomness comes from `neurx.rng.draw_key`: an integer `seed`
gives the same values on every call; `seed=None` draws a fresh key per call
from the global stream (`neurx.rng.set_seed` makes it reproducible).

Example:
>>> from neurx import initializers
>>> init = initializers.get("glorot_uniform")
>>> w = init((3, 2))
>>> w.shape, bool(abs(w).max() <= (6 / (3 + 2)) ** 0.5)
((3, 2), True)
"""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from neurx import rng, validation
from neurx.naming import did_you_mean
from neurx.registry import Configurable, Registry, class_names
from neurx.variables import standardize_dtype

_TRUNCATION_CORRECTION = 0.87962566103423978  # stddev of N(0, 1) truncated to [-2, 2]


def _eager(method):
    """Standardizes `shape`/`dtype` and computes concretely even under tracing."""
    @functools.wraps(method)
    def call(self, shape, dtype=None):
        shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(
            int(d) for d in shape)
        with jax.ensure_compile_time_eval():
            return method(self, shape, standardize_dtype(dtype))
    return call


def _on_device(values: np.ndarray, dtype: str) -> jax.Array:
    """Host values as a device array of `dtype`, converted on the host: `jnp.asarray` would
    compile a conversion program per weight shape."""
    return jax.device_put(np.asarray(values, jnp.dtype(dtype)))


class Initializer(Configurable):
    """Base class: an initializer maps `(shape, dtype)` to an initial array.

    Subclasses implement `__call__(shape, dtype=None)` and, if they take
    arguments, `get_config()`.

    >>> class Twos(Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return jnp.full(shape, 2.0, dtype or "float32")
    >>> Twos()((2,)).tolist()
    [2.0, 2.0]
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__call__(shape, dtype=None)`.")

    def get_config(self) -> dict:
        """The constructor arguments, JSON-serializable."""
        return {}

    def clone(self) -> Initializer:
        return type(self).from_config(self.get_config())


class Zeros(Initializer):
    """All zeros.

    >>> Zeros()((2,)).tolist()
    [0.0, 0.0]
    """

    @_eager
    def __call__(self, shape, dtype=None):
        return _on_device(np.zeros(shape), dtype)


class Ones(Initializer):
    """All ones.

    >>> Ones()((2,), "int32").tolist()
    [1, 1]
    """

    @_eager
    def __call__(self, shape, dtype=None):
        return _on_device(np.ones(shape), dtype)


class Constant(Initializer):
    """Every entry equal to `value` (a scalar).

    >>> Constant(3.0)((2,)).tolist()
    [3.0, 3.0]
    """

    def __init__(self, value=0.0):
        self.value = value

    @_eager
    def __call__(self, shape, dtype=None):
        return jnp.asarray(self.value, dtype) * jnp.ones(shape, dtype)

    def get_config(self):
        value = self.value
        return {"value": value.tolist() if hasattr(value, "tolist") else value}


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only).

    >>> Identity(gain=2.0)((2, 3)).tolist()
    [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
    """

    def __init__(self, gain=1.0):
        validation.number_in_range(gain, "gain", "Identity")
        self.gain = gain

    @_eager
    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D "
                             f"matrices. Received: shape={shape} of rank {len(shape)}.")
        return self.gain * jnp.eye(*shape, dtype=dtype)

    def get_config(self):
        return {"gain": self.gain}


class RandomInitializer(Initializer):
    """Base for the random initializers: holds `seed` (an int, or None)."""

    def __init__(self, seed=None):
        if seed is not None and (isinstance(seed, bool) or
                                 not isinstance(seed, (int, np.integer))):
            raise ValueError("`seed` must be an integer or None. "
                             f"Received: seed={seed!r} (of type {type(seed).__name__})")
        self.seed = None if seed is None else int(seed)

    def _generator(self) -> np.random.Generator:
        # Initial weights are sampled on the host: drawing them with jax.random would
        # compile one XLA program per weight shape (about 0.3 s each on a CPU).
        return rng.host_generator(self.seed)

    def _normal(self, shape, dtype):
        return _on_device(self._generator().standard_normal(shape), dtype)

    def _uniform(self, shape, dtype, low, high):
        return _on_device(self._generator().uniform(low, high, shape), dtype)

    def _truncated_normal(self, shape, dtype):
        """N(0, 1) restricted to [-2, 2], out-of-range values redrawn."""
        generator = self._generator()
        sample = generator.standard_normal(shape)
        outside = np.abs(sample) > 2.0
        while outside.any():
            sample[outside] = generator.standard_normal(int(outside.sum()))
            outside = np.abs(sample) > 2.0
        return _on_device(sample, dtype)

    def get_config(self):
        return {"seed": self.seed}


class RandomNormal(RandomInitializer):
    """Samples from N(`mean`, `stddev`**2).

    >>> w = RandomNormal(stddev=1.0, seed=0)((1000,))
    >>> bool(abs(w.std() - 1.0) < 0.1), bool((w == RandomNormal(stddev=1.0, seed=0)((1000,))).all())
    (True, True)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        validation.number_in_range(mean, "mean", "RandomNormal")
        validation.number_in_range(stddev, "stddev", "RandomNormal", 0)
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    @_eager
    def __call__(self, shape, dtype=None):
        return self._normal(shape, dtype) * self.stddev + self.mean

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Samples uniformly from [`minval`, `maxval`).

    >>> w = RandomUniform(-1.0, 1.0, seed=1)((100,))
    >>> bool(w.min() >= -1.0 and w.max() < 1.0)
    True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        validation.number_in_range(maxval, "maxval", "RandomUniform",
                                   validation.number_in_range(minval, "minval", "RandomUniform"))
        self.minval, self.maxval = minval, maxval
        super().__init__(seed)

    @_eager
    def __call__(self, shape, dtype=None):
        return self._uniform(shape, dtype, self.minval, self.maxval)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class TruncatedNormal(RandomInitializer):
    """N(`mean`, `stddev`**2) with values beyond 2 standard deviations redrawn.

    >>> w = TruncatedNormal(stddev=1.0, seed=2)((1000,))
    >>> bool(abs(w).max() <= 2.0)
    True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        validation.number_in_range(mean, "mean", "TruncatedNormal")
        validation.number_in_range(stddev, "stddev", "TruncatedNormal", 0)
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    @_eager
    def __call__(self, shape, dtype=None):
        return self._truncated_normal(shape, dtype) * self.stddev + self.mean

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


def compute_fans(shape, input_axes=None, output_axes=None) -> tuple[int, int]:
    """`(fan_in, fan_out)` as Keras computes them (conv kernels: receptive field x channels).

    >>> compute_fans((3, 3, 16, 32)), compute_fans((10, 5)), compute_fans((7,))
    ((144, 288), (10, 5), (7, 7))
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (int(math.prod(shape[a] for a in input_axes)),
                int(math.prod(shape[a] for a in output_axes)))
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


class VarianceScaling(RandomInitializer):
    """Samples with variance `scale / n`, `n` being fan_in, fan_out or their mean.

    Args:
        scale: positive scaling factor.
        mode: "fan_in", "fan_out" or "fan_avg".
        distribution: "truncated_normal" (stddev corrected for the truncation,
            as Keras: `sqrt(scale / n) / 0.8796...`), "untruncated_normal" or
            "uniform" (limit `sqrt(3 * scale / n)`).
        seed: int, or None for fresh values each call.
        input_axes, output_axes: optional axes that define the fans.

    >>> w = VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform", seed=0)((50, 4))
    >>> bool(abs(w).max() <= (3 * 2.0 / 50) ** 0.5)
    True
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal",
                 seed=None, input_axes=None, output_axes=None):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        modes = ("fan_in", "fan_out", "fan_avg")
        if mode not in modes:
            raise ValueError(f"Invalid `mode` argument: {mode!r}. Please use one of "
                             f"{modes}.{did_you_mean(mode, modes)}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        distributions = ("uniform", "truncated_normal", "untruncated_normal")
        if distribution not in distributions:
            raise ValueError(f"Invalid `distribution` argument: {distribution!r}. Please use "
                             f"one of {distributions}.{did_you_mean(distribution, distributions)}")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes, self.output_axes = input_axes, output_axes
        super().__init__(seed)

    @_eager
    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        scale = self.scale / max(1.0, n[self.mode])
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATION_CORRECTION
            return self._truncated_normal(shape, dtype) * stddev
        if self.distribution == "untruncated_normal":
            return self._normal(shape, dtype) * math.sqrt(scale)
        limit = math.sqrt(3.0 * scale)
        return self._uniform(shape, dtype, -limit, limit)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class _Preset(VarianceScaling):
    """A VarianceScaling with fixed scale/mode/distribution (Glorot, He, LeCun)."""
    _preset: tuple = ()

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._preset
        super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class GlorotUniform(_Preset):
    """Uniform in [-limit, limit], `limit = sqrt(6 / (fan_in + fan_out))` (Xavier).

    >>> GlorotUniform(seed=0)((4, 4)).shape
    (4, 4)
    """
    _preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """Truncated normal with stddev `sqrt(2 / (fan_in + fan_out))` (Xavier).

    >>> GlorotNormal(seed=0)((4, 4)).shape
    (4, 4)
    """
    _preset = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_Preset):
    """Truncated normal with stddev `sqrt(2 / fan_in)`.

    >>> HeNormal(seed=0)((4, 4)).shape
    (4, 4)
    """
    _preset = (2.0, "fan_in", "truncated_normal")


class HeUniform(_Preset):
    """Uniform in [-limit, limit], `limit = sqrt(6 / fan_in)`.

    >>> HeUniform(seed=0)((4, 4)).shape
    (4, 4)
    """
    _preset = (2.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """Truncated normal with stddev `sqrt(1 / fan_in)` (pairs with selu).

    >>> LecunNormal(seed=0)((4, 4)).shape
    (4, 4)
    """
    _preset = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """Uniform in [-limit, limit], `limit = sqrt(3 / fan_in)`.

    >>> LecunUniform(seed=0)((4, 4)).shape
    (4, 4)
    """
    _preset = (1.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix from the QR decomposition of a normal sample, times `gain`.

    Shapes with more than 2 dims are treated as `(prod(shape[:-1]), shape[-1])`.

    >>> q = Orthogonal(seed=0)((3, 3))
    >>> bool(jnp.allclose(q.T @ q, jnp.eye(3), atol=1e-5))
    True
    """

    def __init__(self, gain=1.0, seed=None):
        validation.number_in_range(gain, "gain", "Orthogonal")
        self.gain = gain
        super().__init__(seed)

    @_eager
    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._generator().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return _on_device(self.gain * np.reshape(q, shape), dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


_CLASSES = (Initializer, Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform,
            TruncatedNormal, VarianceScaling, GlorotUniform, GlorotNormal, HeNormal,
            HeUniform, LecunNormal, LecunUniform, Orthogonal)
ALL_OBJECTS_DICT = class_names(_CLASSES)
ALL_OBJECTS_DICT.update(normal=RandomNormal, uniform=RandomUniform, zero=Zeros, one=Ones,
                        IdentityInitializer=Identity, OrthogonalInitializer=Orthogonal)

# Keras's lower-case aliases (`keras.initializers.glorot_uniform` is the class)
zeros, ones, constant, identity = Zeros, Ones, Constant, Identity
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, orthogonal = VarianceScaling, Orthogonal
glorot_uniform, glorot_normal, he_normal, he_uniform = (GlorotUniform, GlorotNormal,
                                                        HeNormal, HeUniform)
lecun_normal, lecun_uniform = LecunNormal, LecunUniform


_REGISTRY = Registry("initializer", "keras.initializers", ALL_OBJECTS_DICT,
                     listed=[name for name in ALL_OBJECTS_DICT if name.islower()],
                     accepts="a name, a config dict, an array or a callable")


def serialize(initializer) -> dict:
    """The Keras config dict of an initializer.

    >>> serialize(Constant(2.0))["config"]
    {'value': 2.0}
    """
    return _REGISTRY.serialize(initializer)


def deserialize(config: dict, custom_objects=None):
    """An initializer from `serialize`'s dict (or a `{"class_name", "config"}` dict).

    >>> deserialize({"class_name": "RandomNormal", "config": {"stddev": 1.0}}).stddev
    1.0
    """
    return _REGISTRY.deserialize(config, custom_objects)


def get(identifier):
    """An initializer from a name, a config dict, a class, an array, a callable or None.

    >>> get("he_normal"), get(None)
    (HeNormal(seed=None, input_axes=None, output_axes=None), None)
    >>> get("glorot_unifrom")
    Traceback (most recent call last):
    ValueError: Unknown initializer: 'glorot_unifrom'. Did you mean 'glorot_uniform'?
    """
    if isinstance(identifier, (jax.Array, np.ndarray, np.generic)):
        return _from_array(identifier)
    return _REGISTRY.get(identifier)


def _from_array(value):
    def initialize(shape, dtype=None):
        if tuple(shape) != tuple(value.shape):
            raise ValueError(f"Expected `shape` to be {tuple(value.shape)} for a direct "
                             f"array as initializer. Received: shape={tuple(shape)}")
        return jnp.asarray(value, standardize_dtype(dtype))
    return initialize


__all__ = [cls.__name__ for cls in _CLASSES] + [
    "RandomInitializer", "compute_fans", "get", "serialize", "deserialize", "zeros",
    "ones", "constant", "identity", "random_normal", "random_uniform", "truncated_normal",
    "variance_scaling", "orthogonal", "glorot_uniform", "glorot_normal", "he_normal",
    "he_uniform", "lecun_normal", "lecun_uniform"]
