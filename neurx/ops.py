"""The `keras.ops` vocabulary on JAX, for custom layers, losses and metrics.

What this module owns: every public name here is the `keras.ops` function of
the same name. Each op first replaces `Variable`s by their current values
(`unwrap`), so `ops.matmul(x, self.kernel)` works, and turns Python lists into
arrays, then forwards to `jax.numpy`, `jax.lax`, `jax.nn` or `jax.scipy`. Most
ops are one-line forwards built from the name tables below; `_ADAPTED` holds
those whose Keras signature or defaults differ from JAX's (reductions take
`(x, axis, keepdims)`, `zeros`/`ones`/`full`/`eye` default to `floatx()`,
`leaky_relu` slope 0.2), and the rest are written out (`clip(x, x_min, x_max)`,
`moments`, `while_loop`, the crossentropies). `__all__` lists every op.

Example:
>>> from neurx import ops
>>> x = ops.convert_to_tensor([[1., -2.], [3., 4.]])
>>> ops.sum(ops.relu(x), axis=-1).tolist()
[1.0, 7.0]
>>> ops.matmul(x, ops.eye(2)).shape, ops.shape(ops.expand_dims(x, 0))
((2, 2), (1, 2, 2))
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np
from jax import lax

from neurx import config
from neurx.variables import standardize_dtype, unwrap


def _array(x):
    """Lists and tuples become jax arrays (Python floats as floatx); others pass."""
    if isinstance(x, (list, tuple)) and not hasattr(x, "dtype"):
        array = jnp.asarray(x)
        if jnp.issubdtype(array.dtype, jnp.floating):
            array = array.astype(config.floatx())
        return array
    return x


def _op(fn, name: str, arrays: int, source: str):
    """Builds `keras.ops.<name>`: unwraps Variables, converts the first `arrays` args."""
    def op(*args, **kwargs):
        args, kwargs = unwrap((args, kwargs))
        args = [_array(a) if i < arrays else a for i, a in enumerate(args)]
        return fn(*args, **kwargs)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"`keras.ops.{name}` on JAX: {source}, after replacing Variables "
                  "by their values (see the module example).")
    return op


def _keras_op(fn):
    """Decorator for the written-out ops: Variables in any argument become values."""
    def op(*args, **kwargs):
        args, kwargs = unwrap((args, kwargs))
        return fn(*args, **kwargs)

    op.__name__, op.__qualname__, op.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    op.__wrapped__ = fn
    return op


def _reduction(fn):
    """Keras's reduction signature `(x, axis=None, keepdims=False, ...)` over `fn`."""
    def reduce(x, axis=None, keepdims=False, **kwargs):
        return fn(x, axis=axis, keepdims=keepdims, **kwargs)
    reduce.__name__ = fn.__name__
    return reduce


def _float(x):
    x = jnp.asarray(_array(x))
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(config.floatx())


def _floatx_default(fn, n_positional: int):
    """`fn` whose `dtype` (positional after `n_positional`) defaults to `floatx()`."""
    def create(*args, dtype=None, **kwargs):
        if len(args) > n_positional:
            args, dtype = args[:n_positional], args[n_positional]
        return fn(*args, dtype=dtype or config.floatx(), **kwargs)
    create.__name__ = fn.__name__
    return create


# name tables: (namespace, its name, number of leading array arguments, op names)
_TABLES = [
    (jnp, "jax.numpy", 1, "abs absolute negative sqrt square exp exp2 expm1 log log1p "
                          "log2 log10 sign floor ceil trunc sin cos tan arcsin arccos "
                          "arctan sinh cosh tanh arcsinh arccosh arctanh isnan isinf "
                          "isfinite logical_not reciprocal conj real imag ravel transpose "
                          "expand_dims squeeze swapaxes moveaxis flip roll tril triu diag "
                          "diagonal trace tile repeat sort argsort cumsum cumprod round "
                          "broadcast_to zeros_like ones_like full_like nan_to_num split "
                          "array_split size ndim copy average cbrt deg2rad rad2deg signbit "
                          "fliplr flipud rot90 diff argpartition quantile percentile "
                          "nonzero empty_like sinc"),
    (jnp, "jax.numpy", 2, "add subtract multiply divide true_divide floor_divide mod power "
                          "maximum minimum equal not_equal greater greater_equal less "
                          "less_equal logical_and logical_or logical_xor matmul dot vdot "
                          "inner outer tensordot arctan2 hypot isclose cross kron "
                          "heaviside take take_along_axis logaddexp logaddexp2 fmod fmax "
                          "fmin gcd lcm isin searchsorted digitize"),
    (jnp, "jax.numpy", 0, "arange linspace logspace geomspace meshgrid concatenate stack "
                          "hstack vstack dstack einsum select array"),
    (jax.nn, "jax.nn", 1, "relu relu6 sigmoid softplus silu swish log_sigmoid "
                          "hard_sigmoid hard_silu hard_swish elu selu celu glu softmax "
                          "log_softmax gelu sparse_plus squareplus sparse_sigmoid hard_tanh"),
    (jnp.linalg, "jax.numpy.linalg", 1, "inv det cholesky svd eigh qr pinv slogdet"),
    (jnp.linalg, "jax.numpy.linalg", 2, "solve"),
    (jsp, "jax.scipy.special", 1, "erf erfc erfinv"),
    (lax, "jax.lax", 1, "stop_gradient"),
    (lax, "jax.lax", 0, "scan fori_loop map cond switch associative_scan"),
    (jax, "jax", 0, "custom_gradient"),
]
# ops whose Keras signature or defaults differ from the JAX function's
_ADAPTED = {
    "sum": _reduction(jnp.sum), "mean": _reduction(jnp.mean),
    "max": _reduction(jnp.max), "min": _reduction(jnp.min),
    "amax": _reduction(jnp.amax), "amin": _reduction(jnp.amin),
    "prod": _reduction(jnp.prod), "any": _reduction(jnp.any),
    "all": _reduction(jnp.all), "var": _reduction(jnp.var),
    "std": _reduction(jnp.std), "argmax": _reduction(jnp.argmax),
    "argmin": _reduction(jnp.argmin), "median": _reduction(jnp.median),
    "count_nonzero": _reduction(jnp.count_nonzero),
    **{n: _reduction(getattr(jnp, n)) for n in (
        "nansum", "nanmean", "nanmax", "nanmin", "nanprod", "nanstd", "nanvar")},
    "logsumexp": _reduction(jsp.logsumexp),
    "softsign": jax.nn.soft_sign,
    "zeros": _floatx_default(jnp.zeros, 1), "ones": _floatx_default(jnp.ones, 1),
    "full": _floatx_default(jnp.full, 2), "eye": _floatx_default(jnp.eye, 3),
    "identity": _floatx_default(jnp.identity, 1), "empty": _floatx_default(jnp.zeros, 1),
    "dtype": lambda x: standardize_dtype(jnp.asarray(x).dtype),
    "cast": lambda x, dtype: jnp.asarray(x).astype(dtype),
    "shape": lambda x: tuple(jnp.shape(x)),
    "convert_to_numpy": np.asarray,
    "reshape": lambda x, newshape: jnp.reshape(x, newshape),
    "rsqrt": lambda x: lax.rsqrt(_float(x)),
    "norm": lambda x, ord=None, axis=None, keepdims=False: jnp.linalg.norm(
        _float(x), ord=ord, axis=axis, keepdims=keepdims),
    "top_k": lambda x, k, sorted=True: lax.top_k(x, k),
    "leaky_relu": lambda x, negative_slope=0.2: jax.nn.leaky_relu(x, negative_slope),
    "slice_update": lambda inputs, start_indices, updates: lax.dynamic_update_slice(
        inputs, updates, start_indices),
    "vectorized_map": lambda function, elements: jax.vmap(function)(elements),
}
_TABLE_NAMES: list[str] = []
for _space, _space_name, _arrays, _names in _TABLES:
    for _name in _names.split():
        globals()[_name] = _op(getattr(_space, _name), _name, _arrays,
                               f"forwards to `{_space_name}.{_name}`")
        _TABLE_NAMES.append(_name)
for _name, _fn in _ADAPTED.items():
    globals()[_name] = _op(_fn, _name, 0 if _name in ("zeros", "ones", "full", "eye",
                                                      "identity", "empty",
                                                      "vectorized_map") else 1,
                           "JAX under Keras's signature and defaults")
    _TABLE_NAMES.append(_name)


# ---- tensors, dtypes and shapes -------------------------------------------------

@_keras_op
def convert_to_tensor(x, dtype=None, sparse=None):
    """A jax array from `x` (Python floats become `floatx()`, as in Keras).
    >>> convert_to_tensor([1., 2.]).dtype, convert_to_tensor([1, 2], "float32").dtype
    (dtype('float32'), dtype('float32'))
    """
    if dtype is not None:
        return jnp.asarray(x, dtype=dtype)
    if hasattr(x, "dtype"):
        return jnp.asarray(x)
    array = jnp.asarray(x)
    if jnp.issubdtype(array.dtype, jnp.floating):
        array = array.astype(config.floatx())
    return array


def is_tensor(x) -> bool:
    """Whether `x` is a jax array (a Variable is not).
    >>> is_tensor(jnp.ones(1)), is_tensor([1.0])
    (True, False)
    """
    return isinstance(x, jax.Array)


@_keras_op
def clip(x, x_min, x_max):
    """`x` with values limited to `[x_min, x_max]` (booleans become int32).
    >>> clip([-2., 0.5, 3.], 0., 1.).tolist()
    [0.0, 0.5, 1.0]
    """
    x = _array(x)
    if jnp.asarray(x).dtype == jnp.bool_:
        x = jnp.asarray(x, "int32")
    return jnp.clip(x, x_min, x_max)


@_keras_op
def where(condition, x1=None, x2=None):
    """Elements of `x1` where `condition` holds, else of `x2`.
    >>> where(jnp.array([True, False]), 1., 0.).tolist()
    [1.0, 0.0]
    """
    if x1 is None and x2 is None:
        return jnp.nonzero(_array(condition))
    return jnp.where(_array(condition), _array(x1), _array(x2))


@_keras_op
def pad(x, pad_width, mode="constant", constant_values=None):
    """`x` padded by `pad_width` (`constant_values` only with mode 'constant').
    >>> pad(jnp.ones(2), 1).tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    kwargs = {}
    if constant_values is not None:
        if mode != "constant":
            raise ValueError("Argument `constant_values` can only be provided when "
                             f"`mode == 'constant'`. Received: mode={mode!r}")
        kwargs["constant_values"] = constant_values
    return jnp.pad(_array(x), pad_width, mode=mode, **kwargs)


@_keras_op
def unstack(x, num=None, axis=0):
    """The slices of `x` along `axis`, as a list.
    >>> [t.tolist() for t in unstack(jnp.array([[1, 2], [3, 4]]))]
    [[1, 2], [3, 4]]
    """
    x = _array(x)
    return [lax.index_in_dim(x, i, axis, keepdims=False) for i in range(x.shape[axis])]


@_keras_op
def slice(inputs, start_indices, shape):
    """A `shape`-sized block of `inputs` from `start_indices` (-1: up to the end).
    >>> slice(jnp.arange(5), (1,), (3,)).tolist()
    [1, 2, 3]
    """
    final = tuple(inputs.shape[i] - start_indices[i] if s == -1 else s
                  for i, s in enumerate(shape))
    return lax.dynamic_slice(inputs, start_indices, final)


# ---- math ------------------------------------------------------------------------

@_keras_op
def divide_no_nan(x1, x2):
    """`x1 / x2`, with 0 where `x2 == 0`.
    >>> divide_no_nan(jnp.array([1., 2.]), jnp.array([0., 4.])).tolist()
    [0.0, 0.5]
    """
    x2 = jnp.asarray(x2)
    return jnp.where(x2 == 0, 0, jnp.divide(x1, jnp.where(x2 == 0, 1, x2)))


@_keras_op
def in_top_k(targets, predictions, k):
    """Whether each target's prediction is among the `k` largest.
    >>> in_top_k(jnp.array([1, 0]), jnp.array([[0.1, 0.9], [0.2, 0.8]]), 1).tolist()
    [True, False]
    """
    at_label = jnp.take_along_axis(predictions, jnp.expand_dims(targets, -1), axis=-1)
    at_label = jnp.where(jnp.isnan(at_label), -jnp.inf, at_label)
    return jnp.sum(predictions > at_label, axis=-1) + 1 <= k


def _segment_op(fn, name):
    def op(data, segment_ids, num_segments=None, sorted=False):
        if num_segments is None:
            raise ValueError(f"Argument `num_segments` of `{name}` must be set when using "
                             "JAX (shapes must be static). Received: num_segments=None")
        return fn(*unwrap((data, segment_ids)), num_segments, indices_are_sorted=sorted)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"`keras.ops.{name}`: `jax.ops.{name}` of `data` grouped by "
                  "`segment_ids` (`num_segments` is required under JAX).")
    return op


segment_sum = _segment_op(jax.ops.segment_sum, "segment_sum")
segment_max = _segment_op(jax.ops.segment_max, "segment_max")


# ---- nn --------------------------------------------------------------------------

@_keras_op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encoding of integer `x` (`dtype` defaults to `floatx()`).
    >>> one_hot(jnp.array([0, 2]), 3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    if sparse:
        raise ValueError("neurx.ops.one_hot does not produce sparse tensors. "
                         "Received: sparse=True; pass sparse=False.")
    return jax.nn.one_hot(_array(x), num_classes, axis=axis,
                          dtype=dtype or config.floatx())


@_keras_op
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance of `x` over `axes` (float16/bfloat16 computed in float32).
    >>> mean, variance = moments(jnp.array([1., 2., 3., 4.]), axes=[0])
    >>> float(mean), float(variance)
    (2.5, 1.25)
    """
    if synchronized:
        raise NotImplementedError("Argument synchronized=True is not supported with JAX.")
    x = _array(x)
    low = x.dtype in (jnp.float16, jnp.bfloat16)
    xc = x.astype("float32") if low else x
    mean = jnp.mean(xc, axes, keepdims=True)
    variance = jnp.var(xc, axis=axes, keepdims=True)
    if not keepdims:
        mean, variance = jnp.squeeze(mean, axes), jnp.squeeze(variance, axes)
    if low:
        lim = jnp.finfo(jnp.float16)
        mean = jnp.clip(mean, lim.min, lim.max).astype(x.dtype)
        variance = jnp.clip(variance, lim.min, lim.max).astype(x.dtype)
    return mean, variance


@_keras_op
def normalize(x, axis=-1, order=2, epsilon=None):
    """`x` divided by its `order`-norm along `axis`.
    >>> normalize(jnp.array([3., 4.])).tolist()
    [0.6000000238418579, 0.800000011920929]
    """
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = _float(x)
    if x.ndim == 0:
        x = jnp.expand_dims(x, 0)
    epsilon = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        inv = lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
        return x * jnp.minimum(inv, 1.0 / epsilon)
    n = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / jnp.maximum(n, epsilon)


@_keras_op
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary crossentropy (Keras clips probabilities to [eps, 1-eps]).
    >>> f"{float(binary_crossentropy(jnp.array(1.), jnp.array(0.5))):.4f}"
    '0.6931'
    """
    target, output = jnp.asarray(target), jnp.asarray(output)
    _same_shape(target, output)
    if from_logits:
        return -target * jax.nn.log_sigmoid(output) - (1. - target) * jax.nn.log_sigmoid(-output)
    eps = config.epsilon()
    output = jnp.clip(output, eps, 1.0 - eps)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))


@_keras_op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between one-hot `target` and probabilities (or logits) `output`.
    >>> f"{float(categorical_crossentropy(jnp.array([0., 1.]), jnp.array([.5, .5]))):.4f}"
    '0.6931'
    """
    target, output = jnp.asarray(target), jnp.asarray(output)
    _same_shape(target, output)
    return -jnp.sum(target * _log_prob(output, from_logits, axis), axis=axis)


@_keras_op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between integer `target` and probabilities (or logits) `output`.
    >>> f"{float(sparse_categorical_crossentropy(jnp.array(1), jnp.array([.5, .5]))):.4f}"
    '0.6931'
    """
    target, output = jnp.asarray(target, "int32"), jnp.asarray(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, -1)
    if output.ndim < 1 or target.shape != output.shape[:-1]:
        raise ValueError("Arguments `target` and `output` must have the same shape up "
                         "until the last dimension: "
                         f"target.shape={target.shape}, output.shape={output.shape}")
    log_prob = _log_prob(output, from_logits, axis)
    return -jnp.sum(jax.nn.one_hot(target, output.shape[axis], axis=axis) * log_prob,
                    axis=axis)


def _log_prob(output, from_logits, axis):
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    output = output / jnp.sum(output, axis, keepdims=True)
    eps = config.epsilon()
    return jnp.log(jnp.clip(output, eps, 1.0 - eps))


def _same_shape(target, output):
    if target.shape != output.shape:
        raise ValueError("Arguments `target` and `output` must have the same shape. "
                         f"Received: target.shape={target.shape}, output.shape={output.shape}")


# ---- control flow ----------------------------------------------------------------

@_keras_op
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` holds.
    >>> int(while_loop(lambda i: i < 10, lambda i: i + 3, 0))
    12
    """
    is_tuple = isinstance(loop_vars, (tuple, list))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)

    def as_tuple(out):
        return tuple(out) if is_tuple else (out,)
    if maximum_iterations is None:
        outputs = lax.while_loop(lambda a: cond(*a), lambda a: as_tuple(body(*a)), loop_vars)
    else:
        outputs = lax.while_loop(
            lambda a: jnp.logical_and(cond(*a[:-1]), a[-1] < maximum_iterations),
            lambda a: as_tuple(body(*a[:-1])) + (a[-1] + 1,), loop_vars + (0,))[:-1]
    return outputs if is_tuple else outputs[0]


__all__ = sorted(set(_TABLE_NAMES) | {
    "convert_to_tensor", "is_tensor", "clip", "where", "pad", "unstack", "slice",
    "divide_no_nan", "in_top_k", "segment_sum", "segment_max", "one_hot", "moments",
    "normalize", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "while_loop"})
