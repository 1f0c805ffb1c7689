"""The `Metric` base class: state in non-trainable `Variable`s, updated by pure jnp.

A metric accumulates over batches: `update_state` adds a batch to its
variables with `Variable.assign*`, `result` reads them, `reset_state` puts
back their initial values. Because it only touches state through `assign`,
the same code runs eagerly or, inside a `StatelessScope`, as a pure function
under `jax.jit` (`stateless_update_state` wraps that pattern).
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from neurx.naming import check_kwargs, did_you_mean, to_snake_case, unique_name
from neurx.variables import StatelessScope, Variable, standardize_dtype

_INITIALIZERS = {"zeros": np.zeros, "ones": np.ones}


def _initial_value(initializer, shape, dtype):
    """The starting array of a metric variable, built with numpy (never traced)."""
    if initializer is None:
        initializer = "zeros"
    if isinstance(initializer, str):
        key = to_snake_case(initializer)
        if key not in _INITIALIZERS:
            raise ValueError(
                f"Unknown initializer for a metric variable: {initializer!r}."
                f"{did_you_mean(key, _INITIALIZERS)} Use 'zeros', 'ones', a number, "
                "an array or a callable `init(shape, dtype)`.")
        return _INITIALIZERS[key](shape, dtype=jnp.dtype(dtype))
    if callable(initializer):
        return np.asarray(initializer(shape, dtype=dtype), dtype=jnp.dtype(dtype))
    return np.broadcast_to(np.asarray(initializer, dtype=jnp.dtype(dtype)), shape).copy()


def _normalize_shape(shape):
    if shape is None:
        return ()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


class Metric:
    """Base class of every metric: state variables plus update/result/reset.

    Subclasses create their state with `add_variable` in `__init__`, and
    implement `update_state(...)` (with `Variable.assign*` and jax.numpy only)
    and `result()`.

    Args:
        name: name of the metric; defaults to the snake-cased class name.
        dtype: dtype of the state and result; defaults to `config.floatx()`.

    Example:
    >>> class Count(Metric):
    ...     def __init__(self, name="count", dtype=None):
    ...         super().__init__(name=name, dtype=dtype)
    ...         self.n = self.add_variable((), initializer="zeros", name="n")
    ...     def update_state(self, values):
    ...         self.n.assign_add(np.size(values))
    ...     def result(self):
    ...         return self.n.value
    >>> m = Count()
    >>> m.update_state([1, 2, 3]); float(m([4]))
    4.0
    >>> m.reset_state(); float(m.result())
    0.0
    """

    def __init__(self, name: str | None = None, dtype=None):
        self._variables: list = []
        self._metrics: list = []
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._dtype = standardize_dtype(dtype)

    # -- tracking ---------------------------------------------------------------
    def __setattr__(self, key, value):
        if "_metrics" in self.__dict__:
            items = value if isinstance(value, (list, tuple)) else (value,)
            for item in items:
                if isinstance(item, Metric) and item is not self and not any(
                        item is m for m in self._metrics):
                    self._metrics.append(item)
                elif isinstance(item, Variable) and not any(
                        item is v for v in self._variables):
                    self._variables.append(item)
                    item.initial_value = np.asarray(item.value)
        object.__setattr__(self, key, value)

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}.__init__() must call super().__init__() "
                "before creating variables. Go add it!")

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def variables(self) -> list:
        """This metric's variables in creation order, then those of nested metrics."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def add_variable(self, shape=(), initializer="zeros", dtype=None,
                     aggregation: str = "sum", name: str | None = None) -> Variable:
        """Creates a non-trainable state variable of this metric.

        Args:
            shape: shape of the variable (`()` for a scalar).
            initializer: `"zeros"`, `"ones"`, a number or array, or a callable
                `init(shape, dtype)`; `reset_state` restores this value.
            dtype: defaults to the metric's dtype.
            aggregation: how replicas combine it (`"sum"`, `"mean"`, ...); stored.
            name: short name; the variable's path is `"{metric}/{name}"`.

        >>> m = Metric(name="m")
        >>> v = m.add_variable((2,), initializer="ones", name="hits")
        >>> v.path, v.numpy().tolist(), v.trainable
        ('m/hits', [1.0, 1.0], False)
        """
        self._check_super_called()
        dtype = standardize_dtype(dtype or self.dtype)
        name = name or f"variable_{len(self._variables)}"
        value = _initial_value(initializer, _normalize_shape(shape), dtype)
        variable = Variable(value, name=name, trainable=False, dtype=dtype,
                            path=f"{self.name}/{name}")
        variable.aggregation = aggregation
        self._variables.append(variable)
        variable.initial_value = value
        return variable

    def add_weight(self, *args, shape=None, initializer=None, dtype=None,
                   name=None, aggregation=None, **kwargs) -> Variable:
        """Alias of `add_variable`; also takes Keras 2's `add_weight(name, shape, ...)`.

        >>> m = Metric(name="m2")
        >>> m.add_weight("tp", initializer="zeros").path
        'm2/tp'
        >>> m.add_weight(shape=(3,), name="fp").shape
        (3,)
        """
        check_kwargs(kwargs, ("synchronization", "trainable"), "Metric.add_weight()")
        if args and isinstance(args[0], str):  # Keras 2 positional order
            order = ("name", "shape", "aggregation", "synchronization", "initializer", "dtype")
        else:  # Keras 3 positional order
            order = ("shape", "initializer", "dtype", "name")
        if len(args) > len(order):
            raise TypeError(f"Metric.add_weight() takes at most {len(order)} positional "
                            f"arguments; received {len(args)}.")
        values = {"shape": shape, "initializer": initializer, "dtype": dtype,
                  "name": name, "aggregation": aggregation, "synchronization": None}
        for key, value in zip(order, args):
            if values[key] is not None:
                raise TypeError(f"Metric.add_weight() got multiple values for argument '{key}'.")
            values[key] = value
        return self.add_variable(shape=values["shape"] or (),
                                 initializer=values["initializer"] or "zeros",
                                 dtype=values["dtype"],
                                 aggregation=values["aggregation"] or "sum",
                                 name=values["name"])

    # -- the metric protocol ----------------------------------------------------
    def update_state(self, *args, **kwargs):
        raise NotImplementedError(
            f"{type(self).__name__} must implement `update_state(y_true, y_pred, "
            "sample_weight=None)`.")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement `result()`.")

    def reset_state(self) -> None:
        """Puts every variable back to its initial value (nested metrics too)."""
        for variable in self._variables:
            variable.assign(variable.initial_value)
        for metric in self._metrics:
            metric.reset_state()

    def reset_states(self) -> None:
        """Keras 2 spelling of `reset_state`."""
        self.reset_state()

    def __call__(self, *args, **kwargs):
        """Updates the state with one batch, then returns the accumulated result."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -- pure forms, for jax.jit -----------------------------------------------
    def _in_scope(self, metric_variables, fn):
        variables = self.variables
        if len(metric_variables) != len(variables):
            raise ValueError(
                "Argument `metric_variables` must hold one value per variable of "
                f"{type(self).__name__}().variables ({len(variables)}). "
                f"Received {len(metric_variables)} values.")
        with StatelessScope(dict(zip(variables, metric_variables))) as scope:
            out = fn()
        assigned = scope.assigned()
        new_values = [assigned.get(v, old) for v, old in zip(variables, metric_variables)]
        return new_values, out

    def stateless_update_state(self, metric_variables, *args, **kwargs) -> list:
        """New variable values after `update_state(*args)`; nothing is mutated.

        >>> from neurx.metrics import Mean
        >>> m = Mean()
        >>> [float(v) for v in m.stateless_update_state([0.0, 0.0], [1.0, 3.0])]
        [4.0, 2.0]
        """
        return self._in_scope(metric_variables,
                              lambda: self.update_state(*args, **kwargs))[0]

    def stateless_result(self, metric_variables):
        """`result()` computed from the given variable values."""
        return self._in_scope(metric_variables, self.result)[1]

    def stateless_reset_state(self) -> list:
        """The variable values `reset_state()` would set; nothing is mutated."""
        return self._in_scope([v.value for v in self.variables], self.reset_state)[0]

    # -- config -----------------------------------------------------------------
    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
