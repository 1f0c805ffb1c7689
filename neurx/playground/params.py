"""The playground's settings: their allowed values, defaults, and validation of client input.

What this module owns: `Params` (one immutable record of every setting the page can change),
the vocabularies (datasets, features, activations, regularizations) and `validate`, which turns
untrusted JSON from the browser into a `Params` or raises `ParameterError` with a message the
page shows as is. Nothing here knows about models or HTTP.

>>> params = validate({"dataset": "xor", "hidden": [4, 2]})
>>> params.dataset, params.hidden, params.activation
('xor', (4, 2), 'tanh')
>>> validate({"activation": "relux"})
Traceback (most recent call last):
...
neurx.playground.params.ParameterError: Invalid playground setting activation: expected one of 'relu', 'tanh', 'sigmoid', 'linear'. Received: activation='relux'. Did you mean 'relu'?
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from neurx.naming import did_you_mean

DATASETS = ("circle", "xor", "gauss", "spiral")
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
REGULARIZATIONS = ("none", "l1", "l2")
MAX_LAYERS = 6
MAX_NEURONS = 8


class ParameterError(ValueError):
    """A setting sent by the client is unknown or out of range; the message says which and why.

    >>> str(ParameterError("Invalid playground setting noise: ..."))
    'Invalid playground setting noise: ...'
    """


@dataclasses.dataclass(frozen=True)
class Params:
    """Every setting of one playground session (TensorFlow Playground's defaults).

    Args:
        dataset: one of `DATASETS`.
        noise: label noise in percent, 0 to 50.
        train_percent: share of the 500 points used for training, 10 to 90.
        seed: seed of the data and of the initial weights.
        features: the inputs computed from (x1, x2), a non-empty subset of `FEATURES`.
        hidden: neurons of each hidden layer (0 to 6 layers of 1 to 8 neurons).
        activation: activation of the hidden layers, one of `ACTIVATIONS`.
        learning_rate: SGD's learning rate, above 0 and at most 10.
        regularization: `"none"`, `"l1"` or `"l2"` (on the kernels).
        regularization_rate: the penalty factor, 0 to 10.
        batch_size: points per SGD step, 1 to 100.

    >>> Params().hidden
    (4, 2)
    """
    dataset: str = "circle"
    noise: float = 0.0
    train_percent: float = 50.0
    seed: int = 0
    features: tuple = ("x1", "x2")
    hidden: tuple = (4, 2)
    activation: str = "tanh"
    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    batch_size: int = 10

    def to_json(self) -> dict:
        """The settings as JSON-ready values (lists for tuples).

        >>> Params().to_json()["features"]
        ['x1', 'x2']
        """
        return {key: list(value) if isinstance(value, tuple) else value
                for key, value in dataclasses.asdict(self).items()}


_FIELDS = tuple(field.name for field in dataclasses.fields(Params))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _invalid(name: str, expected: str, value: Any, hint: str = "") -> ParameterError:
    return ParameterError(f"Invalid playground setting {name}: expected {expected}. "
                          f"Received: {name}={_short(value)}.{hint}")


def _number(name: str, value: Any, low: float, high: float, *, low_open: bool = False) -> float:
    expected = f"a number {'above' if low_open else 'from'} {low:g} {'up ' if low_open else ''}to {high:g}"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _invalid(name, expected, value)
    if value < low or value > high or (low_open and value == low):
        raise _invalid(name, expected, value)
    return float(value)


def _integer(name: str, value: Any, low: int, high: int, expected: str = "") -> int:
    expected = expected or f"a whole number from {low} to {high}"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or value != int(value) or not low <= value <= high:
        raise _invalid(name, expected, value)
    return int(value)


def _choice(name: str, value: Any, choices: tuple) -> str:
    if value not in choices:
        expected = "one of " + ", ".join(repr(c) for c in choices)
        raise _invalid(name, expected, value, did_you_mean(value, choices) if
                       isinstance(value, str) else "")
    return value


def _features(value: Any) -> tuple:
    expected = "a non-empty list of distinct features from " + ", ".join(FEATURES)
    if not isinstance(value, (list, tuple)) or not value or len(set(map(str, value))) != len(value):
        raise _invalid("features", expected, value)
    for feature in value:
        if feature not in FEATURES:
            raise _invalid("features", expected, value, did_you_mean(feature, FEATURES)
                           if isinstance(feature, str) else "")
    return tuple(f for f in FEATURES if f in value)   # canonical order


def _hidden(value: Any) -> tuple:
    expected = (f"a list of at most {MAX_LAYERS} hidden layer sizes, each a whole number from "
                f"1 to {MAX_NEURONS}")
    if not isinstance(value, (list, tuple)) or len(value) > MAX_LAYERS:
        raise _invalid("hidden", expected, value)
    return tuple(_integer("hidden", n, 1, MAX_NEURONS, expected) for n in value)


_CHECKS = {
    "dataset": lambda v: _choice("dataset", v, DATASETS),
    "noise": lambda v: _number("noise", v, 0, 50),
    "train_percent": lambda v: _number("train_percent", v, 10, 90),
    "seed": lambda v: _integer("seed", v, 0, 2 ** 31 - 1),
    "features": _features,
    "hidden": _hidden,
    "activation": lambda v: _choice("activation", v, ACTIVATIONS),
    "learning_rate": lambda v: _number("learning_rate", v, 0, 10, low_open=True),
    "regularization": lambda v: _choice("regularization", v, REGULARIZATIONS),
    "regularization_rate": lambda v: _number("regularization_rate", v, 0, 10),
    "batch_size": lambda v: _integer("batch_size", v, 1, 100),
}


def validate(changes: Mapping[str, Any] | None, base: Params | None = None) -> Params:
    """`base` (default: `Params()`) with `changes` applied, each checked.

    Raises `ParameterError` for an unknown name, a wrong type, or a value out of range, and
    `ParameterError` too when `changes` is not a JSON object.

    >>> validate({"learning_rate": 0.1}, Params(dataset="spiral")).dataset
    'spiral'
    >>> try:
    ...     validate({"hidden": [4] * 100})
    ... except ParameterError as err:
    ...     print(err)
    Invalid playground setting hidden: expected a list of at most 6 hidden layer sizes, each a whole number from 1 to 8. Received: hidden=[4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,....
    """
    base = Params() if base is None else base
    if changes is None:
        return base
    if not isinstance(changes, Mapping):
        raise ParameterError("Playground settings must be a JSON object such as "
                             f'{{"learning_rate": 0.03}}. Received: {_short(changes)}.')
    checked = {}
    for name, value in changes.items():
        if name not in _CHECKS:
            raise ParameterError(f"Unknown playground setting {name!r}.{did_you_mean(name, _FIELDS)}"
                                 f" The settings are: {', '.join(_FIELDS)}.")
        checked[name] = _CHECKS[name](value)
    return dataclasses.replace(base, **checked)
