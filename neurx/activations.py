"""Activation functions, by name and by function, as `keras.activations`.

What this module owns: every Keras 3 activation as a plain function of a jax
array (a `Variable` or a Python list is accepted too), the perceptron step
functions `heaviside` and `sign` (zero gradient everywhere), and the
name <-> function mapping layers use: `get("relu")`, `serialize(relu)`.

Example:
>>> from neurx import activations
>>> activations.get("relu")([-1.0, 2.0]).tolist()
[0.0, 2.0]
>>> activations.serialize(activations.swish)
'silu'
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax import lax

from neurx import config
from neurx.naming import to_snake_case
from neurx.ops import convert_to_tensor
from neurx.registry import Registry


def _x(x):
    """`x` as a floating jax array (Variables unwrapped, integers -> floatx)."""
    x = convert_to_tensor(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(config.floatx())


def linear(x):
    """The identity: returns `x` unchanged (as an array).

    >>> linear([1.5, -2.0]).tolist()
    [1.5, -2.0]
    """
    return convert_to_tensor(x)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, `max(x, 0)`, with Keras's optional arguments.

    Args:
        x: input array.
        negative_slope: slope for values below `threshold`.
        max_value: saturation value (the largest output), or None.
        threshold: values below it are damped (or zeroed).

    >>> relu([-10., -5., 0., 5., 10.]).tolist()
    [0.0, 0.0, 0.0, 5.0, 10.0]
    >>> relu([-10., -5., 0., 5., 10.], negative_slope=0.5, max_value=8.).tolist()
    [-5.0, -2.5, 0.0, 5.0, 8.0]
    """
    x = _x(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return jax.nn.leaky_relu(x, negative_slope=negative_slope)
        negative_part = jax.nn.relu(-x + threshold) if threshold != 0 else jax.nn.relu(-x)
    clip_max = max_value is not None
    if threshold != 0:
        x = jnp.where(x > threshold, x, jnp.zeros_like(x))
    elif max_value == 6:
        x, clip_max = jax.nn.relu6(x), False
    else:
        x = jax.nn.relu(x)
    if clip_max:
        x = jnp.clip(x, 0.0, max_value)
    if negative_slope != 0.0:
        x = x - negative_slope * negative_part
    return x


def leaky_relu(x, negative_slope=0.2):
    """`x` for x >= 0, `negative_slope * x` otherwise (Keras 3 default 0.2).

    >>> leaky_relu([-1., 2.], negative_slope=0.5).tolist()
    [-0.5, 2.0]
    """
    return jax.nn.leaky_relu(_x(x), negative_slope=negative_slope)


def relu6(x):
    """ReLU capped at 6: `min(max(x, 0), 6)`.

    >>> relu6([-1., 3., 9.]).tolist()
    [0.0, 3.0, 6.0]
    """
    return jax.nn.relu6(_x(x))


def sigmoid(x):
    """`1 / (1 + exp(-x))`.

    >>> sigmoid([0.]).tolist()
    [0.5]
    """
    return jax.nn.sigmoid(_x(x))


def tanh(x):
    """Hyperbolic tangent.

    >>> tanh([0.]).tolist()
    [0.0]
    """
    return jnp.tanh(_x(x))


def softmax(x, axis=-1):
    """`exp(x) / sum(exp(x))` along `axis`: a probability distribution.

    >>> softmax([[1., 1.]]).tolist()
    [[0.5, 0.5]]
    """
    return jax.nn.softmax(_x(x), axis=axis)


def log_softmax(x, axis=-1):
    """`log(softmax(x))`, computed stably.

    >>> [round(v, 4) for v in log_softmax([0., 0.]).tolist()]
    [-0.6931, -0.6931]
    """
    return jax.nn.log_softmax(_x(x), axis=axis)


def softplus(x):
    """`log(exp(x) + 1)`.

    >>> [round(v, 4) for v in softplus([0.]).tolist()]
    [0.6931]
    """
    return jax.nn.softplus(_x(x))


def softsign(x):
    """`x / (abs(x) + 1)`.

    >>> softsign([1., -3.]).tolist()
    [0.5, -0.75]
    """
    return jax.nn.soft_sign(_x(x))


def selu(x):
    """Scaled ELU: `scale * elu(x, alpha)` with alpha=1.67326324, scale=1.05070098.

    >>> [round(v, 4) for v in selu([1.]).tolist()]
    [1.0507]
    """
    return jax.nn.selu(_x(x))


def elu(x, alpha=1.0):
    """`x` for x > 0, `alpha * (exp(x) - 1)` otherwise.

    >>> [round(v, 4) for v in elu([-1., 2.]).tolist()]
    [-0.6321, 2.0]
    """
    return jax.nn.elu(_x(x), alpha=alpha)


def celu(x, alpha=1.0):
    """`x` for x >= 0, `alpha * (exp(x / alpha) - 1)` otherwise.

    >>> [round(v, 4) for v in celu([-1., 2.]).tolist()]
    [-0.6321, 2.0]
    """
    return jax.nn.celu(_x(x), alpha=alpha)


def gelu(x, approximate=False):
    """Gaussian error linear unit, `x * P(X <= x)` for X ~ N(0, 1).

    >>> [round(v, 4) for v in gelu([1.]).tolist()]
    [0.8413]
    """
    return jax.nn.gelu(_x(x), approximate=approximate)


def silu(x):
    """Swish / SiLU: `x * sigmoid(x)`.

    >>> [round(v, 4) for v in silu([1.]).tolist()]
    [0.7311]
    """
    return jax.nn.silu(_x(x))


def exponential(x):
    """`exp(x)`.

    >>> exponential([0.]).tolist()
    [1.0]
    """
    return jnp.exp(_x(x))


def hard_sigmoid(x):
    """Piecewise-linear sigmoid, `relu6(x + 3) / 6` (Keras 3 formula).

    >>> hard_sigmoid([-4., 0., 1.5, 4.]).tolist()
    [0.0, 0.5, 0.75, 1.0]
    """
    return jax.nn.hard_sigmoid(_x(x))


def hard_silu(x):
    """Hard swish: `x * hard_sigmoid(x)`.

    >>> hard_silu([-4., 3.]).tolist()
    [-0.0, 3.0]
    """
    return jax.nn.hard_silu(_x(x))


def mish(x):
    """`x * tanh(softplus(x))`.

    >>> [round(v, 4) for v in mish([1.]).tolist()]
    [0.8651]
    """
    x = _x(x)
    return x * jnp.tanh(jax.nn.softplus(x))


def log_sigmoid(x):
    """`log(sigmoid(x))`, computed stably.

    >>> [round(v, 4) for v in log_sigmoid([0.]).tolist()]
    [-0.6931]
    """
    return jax.nn.log_sigmoid(_x(x))


def hard_tanh(x):
    """`x` clipped to [-1, 1].

    >>> hard_tanh([-2., 0.5, 2.]).tolist()
    [-1.0, 0.5, 1.0]
    """
    return jax.nn.hard_tanh(_x(x))


def tanh_shrink(x):
    """`x - tanh(x)`.

    >>> tanh_shrink([0.]).tolist()
    [0.0]
    """
    x = _x(x)
    return x - jnp.tanh(x)


def soft_shrink(x, threshold=0.5):
    """`x - threshold` above it, `x + threshold` below `-threshold`, else 0.

    >>> soft_shrink([-2., 0.2, 2.]).tolist()
    [-1.5, 0.0, 1.5]
    """
    x = _x(x)
    return jnp.where(x > threshold, x - threshold,
                     jnp.where(x < -threshold, x + threshold, jnp.zeros_like(x)))


def hard_shrink(x, threshold=0.5):
    """`x` where `|x| > threshold`, else 0.

    >>> hard_shrink([-2., 0.2, 2.]).tolist()
    [-2.0, 0.0, 2.0]
    """
    x = _x(x)
    return jnp.where(jnp.abs(x) > threshold, x, jnp.zeros_like(x))


def threshold(x, threshold, default_value):
    """`x` where `x > threshold`, else `default_value`.

    >>> threshold([1., 3.], 2., -1.).tolist()
    [-1.0, 3.0]
    """
    x = _x(x)
    return jnp.where(x > threshold, x, jnp.asarray(default_value, x.dtype))


def sparse_plus(x):
    """0 for x <= -1, `(x + 1)**2 / 4` for -1 < x < 1, `x` for x >= 1.

    >>> sparse_plus([-2., 0., 2.]).tolist()
    [0.0, 0.25, 2.0]
    """
    return jax.nn.sparse_plus(_x(x))


def sparse_sigmoid(x):
    """0 for x <= -1, `(x + 1) / 2` for -1 < x < 1, 1 for x >= 1.

    >>> sparse_sigmoid([-2., 0., 2.]).tolist()
    [0.0, 0.5, 1.0]
    """
    return jax.nn.sparse_sigmoid(_x(x))


def squareplus(x, b=4):
    """`(x + sqrt(x**2 + b)) / 2`.

    >>> squareplus([0.]).tolist()
    [1.0]
    """
    return jax.nn.squareplus(_x(x), b=b)


def glu(x, axis=-1):
    """Gated linear unit: `a * sigmoid(b)` for the two halves `a, b` of `x`.

    >>> glu([2., 0.]).tolist()
    [1.0]
    """
    return jax.nn.glu(_x(x), axis=axis)


def sparsemax(x, axis=-1):
    """Euclidean projection of `x` onto the probability simplex (sparse softmax).

    >>> sparsemax([[1., 0.], [0., 0.]]).tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    """
    x = _x(x)
    x_sorted = -jnp.sort(-x, axis=axis)
    cumsum = jnp.cumsum(x_sorted, axis=axis)
    r_shape = [1] * x.ndim
    r_shape[axis] = -1
    r = jnp.arange(1, x.shape[axis] + 1, dtype=x.dtype).reshape(r_shape)
    support = x_sorted - (cumsum - 1) / r > 0
    k = jnp.sum(support, axis=axis, keepdims=True)
    tau = (jnp.sum(jnp.where(support, cumsum, 0.0), axis=axis, keepdims=True) - 1) / k
    return jnp.maximum(x - tau, 0.0)


def heaviside(x):
    """The perceptron step: 0 for x < 0, 1 for x >= 0; its gradient is exactly 0.

    >>> heaviside([-2., 0., 3.]).tolist()
    [0.0, 1.0, 1.0]
    >>> float(jax.grad(lambda z: heaviside(z).sum())(jnp.array(0.5)))
    0.0
    """
    x = lax.stop_gradient(_x(x))
    return jnp.where(x >= 0, jnp.ones_like(x), jnp.zeros_like(x))


def sign(x):
    """-1 for x < 0, 0 for x == 0, 1 for x > 0; its gradient is exactly 0.

    >>> sign([-2., 0., 3.]).tolist()
    [-1.0, 0.0, 1.0]
    """
    return jnp.sign(lax.stop_gradient(_x(x)))


swish = silu
hard_swish = hard_silu
logistic = sigmoid

_FUNCTIONS = (linear, relu, leaky_relu, relu6, sigmoid, tanh, softmax, log_softmax,
              softplus, softsign, selu, elu, celu, gelu, silu, exponential,
              hard_sigmoid, hard_silu, mish, log_sigmoid, hard_tanh, tanh_shrink,
              soft_shrink, hard_shrink, threshold, sparse_plus, sparse_sigmoid,
              squareplus, glu, sparsemax, heaviside, sign)
ALL_OBJECTS_DICT = {fn.__name__: fn for fn in _FUNCTIONS}
ALL_OBJECTS_DICT.update(swish=silu, hard_swish=hard_silu, logistic=sigmoid)
_NAMES = {fn: fn.__name__ for fn in _FUNCTIONS}
_REGISTRY = Registry("activation", "keras.activations", ALL_OBJECTS_DICT,
                     normalize=to_snake_case)


def keeps_shape(activation) -> bool:
    """Whether `activation` is one of neurx's own, whose output has its input's shape
    (all but `glu`, which halves an axis), given by name or with its arguments bound.

    >>> keeps_shape(relu), keeps_shape(functools.partial(leaky_relu, negative_slope=0.1))
    (True, True)
    >>> keeps_shape(glu), keeps_shape(lambda x: x[..., :1])
    (False, False)
    """
    function = activation.func if isinstance(activation, functools.partial) else activation
    return function in _NAMES and function is not glu


def get(identifier):
    """The activation function for a name, a config dict, a callable or None.

    None gives `linear`; a callable is returned as is; a dict is Keras's
    serialized form (`{"class_name": "function", "config": "relu", ...}`) or
    `{"class_name": "leaky_relu", "config": {"negative_slope": 0.1}}`.

    >>> get(None) is linear, get("swish") is silu
    (True, True)
    >>> get("rellu")
    Traceback (most recent call last):
    ValueError: Unknown activation: 'rellu'. Did you mean 'relu'?
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return _REGISTRY.lookup(identifier)
    if isinstance(identifier, dict):
        if "class_name" not in identifier:
            raise ValueError("An activation config dict needs a 'class_name' key. "
                             f"Received: {identifier!r}")
        name, config_ = identifier["class_name"], identifier.get("config")
        if name == "function":
            return _REGISTRY.lookup(config_ if isinstance(config_, str)
                                    else identifier.get("registered_name"))
        fn = _REGISTRY.lookup(name)
        return functools.partial(fn, **config_) if isinstance(config_, dict) and config_ else fn
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret activation function identifier: expected a "
                     "name, a config dict, a callable or None. "
                     f"Received: {identifier!r}")


def serialize(activation) -> str | dict:
    """The name of a built-in activation (what Keras stores in layer configs).

    >>> serialize(relu), serialize(hard_swish)
    ('relu', 'hard_silu')
    """
    try:
        return _NAMES[activation]
    except (KeyError, TypeError):
        pass
    if (isinstance(activation, functools.partial) and not activation.args
            and activation.func in _NAMES):  # what get() builds from a dict with arguments
        return {"class_name": _NAMES[activation.func], "config": dict(activation.keywords)}
    if hasattr(activation, "get_config"):
        return {"module": type(activation).__module__,
                "class_name": type(activation).__name__,
                "config": activation.get_config(), "registered_name": None}
    raise ValueError(f"Cannot serialize activation {activation!r}: it is not one of "
                     "neurx.activations' built-in functions. Pass a name such as "
                     "'relu', or give it a `get_config()` method.")


def deserialize(config, custom_objects=None):
    """The activation function for a name or config dict (the inverse of `serialize`).

    >>> deserialize("tanh") is tanh
    True
    """
    if custom_objects and isinstance(config, str) and config in custom_objects:
        return custom_objects[config]
    return get(config)


__all__ = sorted(ALL_OBJECTS_DICT) + ["get", "serialize", "deserialize"]
