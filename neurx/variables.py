"""Variables and the stateless scope that swaps their values for traced arrays.

A `Variable` holds one array (a layer weight, a BatchNormalization moving
statistic, a metric accumulator). Outside any scope it reads and writes its own
value. Inside a `StatelessScope` it reads the value the scope was given for it
and `assign` records the new value in the scope instead: this is how the
trainer runs object-oriented layer code as a pure function under `jax.jit`
(the same idea as Keras 3's JAX backend).
"""
from __future__ import annotations

import threading

import jax
import jax.numpy as jnp
import numpy as np

from neurx import config

_local = threading.local()


def _scope_stack() -> list:
    stack = getattr(_local, "scopes", None)
    if stack is None:
        stack = _local.scopes = []
    return stack


def current_scope() -> StatelessScope | None:
    stack = _scope_stack()
    return stack[-1] if stack else None


class StatelessScope:
    """Maps variables to replacement values for the duration of a `with` block.

    Every `assign` inside the scope is recorded in the scope, never on the
    variable itself, so code traced under `jit` or `eval_shape` cannot leak
    tracers into the objects.

    Example:
    >>> v = Variable(np.zeros(2, "float32"), name="v")
    >>> with StatelessScope({v: jnp.ones(2)}) as scope:
    ...     _ = v.assign(v.value + 1)
    >>> scope.value_of(v).tolist(), v.numpy().tolist()
    ([2.0, 2.0], [0.0, 0.0])
    """

    def __init__(self, values: dict | None = None, rng_key=None):
        self._values = {id(v): val for v, val in (values or {}).items()}
        self._assigned: dict[int, tuple] = {}
        self.rng_key = rng_key
        self.losses: list = []

    def __enter__(self):
        _scope_stack().append(self)
        return self

    def __exit__(self, *exc):
        _scope_stack().pop()
        return False

    def has(self, variable) -> bool:
        return id(variable) in self._values

    def value_of(self, variable):
        return self._values[id(variable)]

    def assign(self, variable, value) -> None:
        self._values[id(variable)] = value
        self._assigned[id(variable)] = (variable, value)

    def assigned(self) -> dict:
        """The variables assigned inside the scope, mapped to their new values."""
        return {v: val for v, val in self._assigned.values()}

    def next_key(self):
        """Splits a fresh PRNG key off the scope's key (dropout, noise layers)."""
        self.rng_key, sub = jax.random.split(self.rng_key)
        return sub


class Variable:
    """A named, optionally trainable array owned by a layer, metric or optimizer.

    Args:
        value: initial array (or anything `np.asarray` accepts).
        name: short name (`kernel`, `bias`, `moving_mean`, ...).
        trainable: whether optimizers update it.
        dtype: defaults to the value's dtype.
        constraint: callable applied after each optimizer update.

    Example:
    >>> v = Variable(np.ones((2, 2)), name="kernel")
    >>> v.shape, v.trainable
    ((2, 2), True)
    >>> _ = v.assign(np.zeros((2, 2))); float(v.numpy().sum())
    0.0
    """

    def __init__(self, value, name: str = "variable", trainable: bool = True,
                 dtype=None, constraint=None, path: str | None = None):
        array = jnp.asarray(value, dtype=dtype)
        self._value = array
        self.name = name
        self.path = path or name
        self.trainable = bool(trainable)
        self.constraint = constraint
        self.autocast = True

    @property
    def value(self):
        scope = current_scope()
        value = scope.value_of(self) if scope is not None and scope.has(self) else self._value
        cast_to = getattr(_local, "autocast", None)
        if cast_to is not None and self.autocast and value.dtype == np.float32:
            return value.astype(cast_to)
        return value

    def assign(self, value):
        value = jnp.asarray(value, dtype=self.dtype)
        if value.shape != self.shape:
            raise ValueError(
                f"Cannot assign a value of shape {value.shape} to variable "
                f"'{self.path}' of shape {self.shape}.")
        scope = current_scope()
        if scope is not None:
            scope.assign(self, value)
        else:
            self._value = value
        return value

    def assign_add(self, delta):
        return self.assign(self.value + delta)

    def assign_sub(self, delta):
        return self.assign(self.value - delta)

    @property
    def shape(self) -> tuple:
        return tuple(self._value.shape)

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def numpy(self) -> np.ndarray:
        return np.asarray(self.value)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value, dtype=dtype)

    def __repr__(self):
        return (f"<Variable path={self.path}, shape={self.shape}, "
                f"dtype={self.dtype}, trainable={self.trainable}>")

    # Arithmetic forwards to the current value so `inputs @ self.kernel` works.
    def __getitem__(self, idx): return self.value[idx]
    def __neg__(self): return -self.value
    def __pos__(self): return self.value
    def __abs__(self): return abs(self.value)
    def __add__(self, o): return self.value + _unwrap(o)
    def __radd__(self, o): return _unwrap(o) + self.value
    def __sub__(self, o): return self.value - _unwrap(o)
    def __rsub__(self, o): return _unwrap(o) - self.value
    def __mul__(self, o): return self.value * _unwrap(o)
    def __rmul__(self, o): return _unwrap(o) * self.value
    def __truediv__(self, o): return self.value / _unwrap(o)
    def __rtruediv__(self, o): return _unwrap(o) / self.value
    def __pow__(self, o): return self.value ** _unwrap(o)
    def __rpow__(self, o): return _unwrap(o) ** self.value
    def __matmul__(self, o): return self.value @ _unwrap(o)
    def __rmatmul__(self, o): return _unwrap(o) @ self.value
    def __lt__(self, o): return self.value < _unwrap(o)
    def __le__(self, o): return self.value <= _unwrap(o)
    def __gt__(self, o): return self.value > _unwrap(o)
    def __ge__(self, o): return self.value >= _unwrap(o)

    @property
    def T(self):
        return self.value.T

    def __float__(self): return float(self.value)
    def __int__(self): return int(self.value)
    def __len__(self): return self.shape[0]

    __hash__ = object.__hash__


class autocast:
    """Inside, float32 variables read as `dtype` (mixed precision: layers compute in float16
    or bfloat16 while their weights stay float32).

    >>> v = Variable(np.ones(2, "float32"))
    >>> with autocast("float16"):
    ...     str(v.value.dtype)
    'float16'
    """

    def __init__(self, dtype):
        self.dtype = dtype

    def __enter__(self):
        self.previous = getattr(_local, "autocast", None)
        _local.autocast = self.dtype

    def __exit__(self, *exc):
        _local.autocast = self.previous
        return False


def _unwrap(x):
    return x.value if isinstance(x, Variable) else x


def unwrap(tree):
    """Replaces every Variable in a nested structure by its current value."""
    return jax.tree_util.tree_map(_unwrap, tree,
                                  is_leaf=lambda x: isinstance(x, Variable))


def standardize_dtype(dtype) -> str:
    if dtype is None:
        return config.floatx()
    if hasattr(dtype, "name") and not isinstance(dtype, str):
        return np.dtype(dtype).name if dtype != jnp.bfloat16 else "bfloat16"
    return np.dtype(dtype).name if dtype != "bfloat16" else "bfloat16"
