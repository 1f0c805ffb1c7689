"""`HyperParameters`: KerasTuner's search-space container, sampled through optuna.

A build function asks for each hyperparameter by name (`hp.Int("units", 32, 512)`) and
gets a value back. Where the value comes from depends on the mode the object is in:

- during a trial (bound to an optuna trial): optuna's sampler draws it (`suggest_*`),
  except for names whose value is fixed (`hp.Fixed`, or given by the tuner's
  `hyperparameters=` with `tune_new_entries=False`);
- with `values` already set (`get_best_hyperparameters()`): the recorded value;
- otherwise: the default (`min_value` for Int/Float, the first value of a Choice).

Conditional hyperparameters (`hp.conditional_scope(parent, values)` or `parent_name=`)
are active only when their parent has one of the given values; inactive ones return
`None` and are left out of `values`, as in KerasTuner.
"""
from __future__ import annotations

import contextlib
import math
from typing import Any

import numpy as np

from neurx.tuners.errors import FatalValueError

_SAMPLINGS = ("linear", "log", "reverse_log")
_CHOICE_TYPES = (bool, int, float, str)


class SearchSpaceError(FatalValueError):
    """A hyperparameter definition that cannot be searched (bad range, type or sampling).

    >>> issubclass(SearchSpaceError, ValueError)
    True
    """


def _plain(value):
    """numpy scalars as Python values (optuna and JSON storage need them)."""
    return value.item() if isinstance(value, np.generic) else value


class HyperParameter:
    """One named dimension of the search space (made by `HyperParameters.Int` & co.)."""

    kind = "HyperParameter"

    def __init__(self, name: str, default, conditions):
        if not isinstance(name, str) or not name:
            raise SearchSpaceError(f"A hyperparameter name must be a non-empty string. "
                                   f"Received: name={name!r}.")
        self.name = name
        self.default = default
        self.conditions = list(conditions)

    def get_config(self) -> dict:
        return {"name": self.name, "default": self.default,
                "conditions": [{"name": n, "values": list(v)} for n, v in self.conditions]}

    def suggest(self, trial):
        raise NotImplementedError

    def __repr__(self):
        return f"{self.kind}({self.get_config()})"


class _Range(HyperParameter):
    cast = float

    def __init__(self, name, min_value, max_value, step, sampling, default, conditions):
        sampling = "linear" if sampling is None else str(sampling).lower()
        if sampling not in _SAMPLINGS:
            raise SearchSpaceError(f"`sampling` must be one of {list(_SAMPLINGS)}. Received: "
                                   f"sampling={sampling!r} for '{name}'.")
        try:
            min_value, max_value = self.cast(_plain(min_value)), self.cast(_plain(max_value))
        except (TypeError, ValueError):
            raise SearchSpaceError(f"{self.kind} '{name}' needs numbers for min_value and "
                                   f"max_value. Received: {min_value!r}, {max_value!r}.") from None
        if not min_value <= max_value:
            raise SearchSpaceError(f"{self.kind} '{name}': min_value ({min_value}) must not "
                                   f"exceed max_value ({max_value}).")
        if sampling != "linear" and min_value <= 0:
            raise SearchSpaceError(f"{self.kind} '{name}' with sampling='{sampling}' needs "
                                   f"min_value > 0. Received: min_value={min_value}.")
        if sampling != "linear" and step is not None:
            raise SearchSpaceError(f"{self.kind} '{name}': `step` with sampling='{sampling}' is "
                                   "not supported (optuna samples log ranges continuously). "
                                   "Drop `step`, or use sampling='linear'.")
        self.min_value, self.max_value = min_value, max_value
        self.step = None if step is None else self.cast(_plain(step))
        self.sampling = sampling
        default = min_value if default is None else self.cast(_plain(default))
        super().__init__(name, default, conditions)

    def get_config(self) -> dict:
        return {**super().get_config(), "min_value": self.min_value,
                "max_value": self.max_value, "step": self.step, "sampling": self.sampling}

    def suggest(self, trial):
        low, high = self.min_value, self.max_value
        if self.sampling == "reverse_log":  # dense near max_value: mirror a log draw
            return self.cast(low + high - self._draw(trial, low, high, log=True))
        return self._draw(trial, low, high, log=self.sampling == "log")


class Int(_Range):
    """An integer in `[min_value, max_value]` (both included), every `step`."""

    kind = "Int"
    cast = int

    def _draw(self, trial, low, high, log):
        return trial.suggest_int(self.name, low, high, step=self.step or 1, log=log)


class Float(_Range):
    """A float in `[min_value, max_value]`; `sampling="log"` draws uniformly in log space."""

    kind = "Float"

    def _draw(self, trial, low, high, log):
        return trial.suggest_float(self.name, low, high, step=self.step, log=log)


class Choice(HyperParameter):
    """One value from a list of ints, floats, strings or booleans (all of one type)."""

    kind = "Choice"

    def __init__(self, name, values, ordered, default, conditions):
        values = [_plain(v) for v in (values if isinstance(values, (list, tuple, np.ndarray))
                                      else [values])]
        if not values:
            raise SearchSpaceError(f"Choice '{name}' needs at least one value.")
        bad = [v for v in values if not isinstance(v, _CHOICE_TYPES)]
        if bad:
            raise SearchSpaceError(
                f"A `Choice` can contain only `int`, `float`, `str`, or `bool` values; "
                f"'{name}' has {bad!r} of type {type(bad[0]).__name__}. Choose among names or "
                "numbers and map them to objects in the build function.")
        types = {type(v) for v in values}
        if len(types) > 1:
            raise SearchSpaceError(f"A `Choice` can contain only one type of value; '{name}' "
                                   f"has {values!r} with types {sorted(t.__name__ for t in types)}.")
        default = values[0] if default is None else _plain(default)
        if default not in values:
            raise SearchSpaceError(f"The default of Choice '{name}' ({default!r}) must be one "
                                   f"of its values {values!r}.")
        self.values = values
        self.ordered = (isinstance(values[0], (int, float)) and not isinstance(values[0], bool)
                        if ordered is None else bool(ordered))
        super().__init__(name, default, conditions)

    def get_config(self) -> dict:
        return {**super().get_config(), "values": list(self.values), "ordered": self.ordered}

    def suggest(self, trial):
        return trial.suggest_categorical(self.name, self.values)


class Boolean(Choice):
    """True or False."""

    kind = "Boolean"

    def __init__(self, name, default, conditions):
        super().__init__(name, [False, True], False, bool(default), conditions)


class Fixed(HyperParameter):
    """A value that is recorded with the trial but not searched."""

    kind = "Fixed"

    def __init__(self, name, value, conditions):
        value = _plain(value)
        if not isinstance(value, _CHOICE_TYPES):
            raise SearchSpaceError(f"`Fixed` '{name}' must be an int, float, str or bool. "
                                   f"Received: {value!r}.")
        super().__init__(name, value, conditions)

    def suggest(self, trial):
        return self.default


class HyperParameters:
    """Container for a hyperparameter space and the current values (KerasTuner's API).

    Attributes:
        space: The `HyperParameter` definitions seen so far, in order.
        values: Dict of the active hyperparameters' current values.

    Example:
    >>> hp = HyperParameters()
    >>> hp.Int("units", min_value=32, max_value=512, step=32)
    32
    >>> hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    0.0001
    >>> kind = hp.Choice("kind", ["mlp", "cnn"])
    >>> with hp.conditional_scope("kind", ["cnn"]):
    ...     print(hp.Int("filters", 8, 64))
    None
    >>> hp.values
    {'units': 32, 'learning_rate': 0.0001, 'kind': 'mlp'}
    """

    def __init__(self):
        self.space: list[HyperParameter] = []
        self.values: dict[str, Any] = {}
        self._scopes: list[tuple[str, list]] = []
        self._trial = None
        self._preset: HyperParameters | None = None
        self._tune_new_entries = True
        self._allow_new_entries = True

    @classmethod
    def for_trial(cls, trial, preset=None, tune_new_entries=True, allow_new_entries=True):
        """A HyperParameters whose values are drawn by an optuna `trial`."""
        hp = cls()
        hp._trial = trial
        hp._preset = preset
        hp._tune_new_entries = tune_new_entries
        hp._allow_new_entries = allow_new_entries
        return hp

    @classmethod
    def from_values(cls, values: dict) -> HyperParameters:
        """A HyperParameters that returns the given values (e.g. a finished trial's).

        >>> HyperParameters.from_values({"units": 64}).Int("units", 32, 512)
        64
        """
        hp = cls()
        hp.values = dict(values)
        return hp

    # ------------------------------------------------------------------ definitions
    def Int(self, name, min_value, max_value, step=None, sampling="linear", default=None,
            parent_name=None, parent_values=None):
        """An integer hyperparameter; returns its value (None when inactive)."""
        return self._retrieve(Int(name, min_value, max_value, step, sampling, default,
                                  self._conditions(parent_name, parent_values)))

    def Float(self, name, min_value, max_value, step=None, sampling="linear", default=None,
              parent_name=None, parent_values=None):
        """A float hyperparameter; returns its value (None when inactive)."""
        return self._retrieve(Float(name, min_value, max_value, step, sampling, default,
                                    self._conditions(parent_name, parent_values)))

    def Choice(self, name, values, ordered=None, default=None, parent_name=None,
               parent_values=None):
        """One of `values`; returns the chosen value (None when inactive)."""
        return self._retrieve(Choice(name, values, ordered, default,
                                     self._conditions(parent_name, parent_values)))

    def Boolean(self, name, default=False, parent_name=None, parent_values=None):
        """True or False; returns the value (None when inactive)."""
        return self._retrieve(Boolean(name, default, self._conditions(parent_name, parent_values)))

    def Fixed(self, name, value, parent_name=None, parent_values=None):
        """A fixed, untuned value; returns it (None when inactive)."""
        return self._retrieve(Fixed(name, value, self._conditions(parent_name, parent_values)))

    @contextlib.contextmanager
    def conditional_scope(self, parent_name: str, parent_values):
        """Hyperparameters defined inside are active only when `parent_name` is in `parent_values`."""
        if parent_name not in self._names():
            raise ValueError(f"`HyperParameter` named: {parent_name} not defined. Define it "
                             "before opening a conditional_scope on it.")
        self._scopes.append((parent_name, _as_list(parent_values)))
        try:
            yield
        finally:
            self._scopes.pop()

    # ------------------------------------------------------------------ queries
    def get(self, name: str):
        """The current value of `name` (None if it is defined but inactive)."""
        if name in self.values:
            return self.values[name]
        if name in self._names():
            return None
        raise KeyError(f"{name} does not exist. Defined hyperparameters: {sorted(self._names())}.")

    def __getitem__(self, name):
        return self.get(name)

    def __contains__(self, name):
        return name in self.values or name in self._names()

    def is_active(self, hyperparameter) -> bool:
        """Whether the conditions of a hyperparameter (or name) hold for the current values."""
        definition = hyperparameter if isinstance(hyperparameter, HyperParameter) else \
            next((d for d in self.space if d.name == hyperparameter), None)
        if definition is None:
            return False
        return all(parent in self.values and self.values[parent] in allowed
                   for parent, allowed in definition.conditions)

    def copy(self) -> HyperParameters:
        """An unbound copy with the same space and values."""
        clone = HyperParameters()
        clone.space = list(self.space)
        clone.values = dict(self.values)
        return clone

    # ------------------------------------------------------------------ internals
    def _names(self) -> set[str]:
        return {d.name for d in self.space}

    def _conditions(self, parent_name, parent_values):
        conditions = list(self._scopes)
        if parent_name is not None:
            if parent_values is None:
                raise SearchSpaceError(f"parent_name={parent_name!r} needs parent_values.")
            conditions.append((parent_name, _as_list(parent_values)))
        return conditions

    def _retrieve(self, definition: HyperParameter):
        if self._preset is not None:
            definition = self._from_preset(definition)
        if definition.name not in self._names():
            self.space.append(definition)
        if not self.is_active(definition):
            self.values.pop(definition.name, None)
            return None
        if definition.name not in self.values:
            if self._trial is not None and not isinstance(definition, Fixed):
                self.values[definition.name] = definition.suggest(self._trial)
            else:
                self.values[definition.name] = definition.default
        return self.values[definition.name]

    def _from_preset(self, definition):
        preset = next((d for d in self._preset.space if d.name == definition.name), None)
        if preset is not None:
            return _copy_with_conditions(preset, definition.conditions)
        if not self._allow_new_entries:
            raise SearchSpaceError(
                f"Hyperparameter '{definition.name}' is not in the tuner's `hyperparameters` "
                "and allow_new_entries=False. Define it there, or pass allow_new_entries=True.")
        if not self._tune_new_entries:
            return Fixed(definition.name, definition.default, definition.conditions)
        return definition


def _copy_with_conditions(definition, conditions):
    if definition.conditions or not conditions:
        return definition
    clone = object.__new__(type(definition))
    clone.__dict__.update(definition.__dict__)
    clone.conditions = list(conditions)
    return clone


def _as_list(values) -> list:
    if isinstance(values, (list, tuple, set, np.ndarray)):
        return [_plain(v) for v in values]
    return [_plain(values)]


def is_finite_number(value) -> bool:
    """Whether `value` is a real, finite number (an objective value optuna can rank).

    >>> is_finite_number(0.5), is_finite_number(float("nan")), is_finite_number("x")
    (True, False, False)
    """
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
