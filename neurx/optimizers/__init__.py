"""Keras optimizers on optax: `neurx.optimizers.Adam(...)` behaves as `keras.optimizers.Adam(...)`.

What each part owns:
- `base.py`: the `Optimizer` base (Keras's common arguments, the pure
  `init` / `update` contract, learning rate and iteration count in the state,
  Keras-ordered `variables`, config, eager `apply_gradients`).
- `transforms.py`: clipping, decoupled weight decay and EMA with Keras's formulas.
- `sgd.py`, `adam.py` (Adam, AdamW, Adamax, Nadam), `adaptive.py` (RMSprop,
  Adagrad, Adadelta): each algorithm's rule as a custom optax transformation.
- `schedules.py`: learning-rate schedules. (`lr=` and `decay=`, Keras 2 spellings,
  warn once through `neurx.legacy`.)
"""
from __future__ import annotations

from neurx.legacy import LegacyArgumentWarning
from neurx.naming import did_you_mean
from neurx.optimizers import schedules
from neurx.optimizers.adam import Adam, Adamax, AdamW, Nadam
from neurx.optimizers.adaptive import Adadelta, Adagrad, RMSprop
from neurx.optimizers.base import LearningRateVariable, Optimizer, OptimizerState
from neurx.optimizers.sgd import SGD

__all__ = ["Optimizer", "OptimizerState", "LearningRateVariable", "SGD", "Adam", "AdamW",
           "Nadam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "LegacyArgumentWarning",
           "schedules", "get", "serialize", "deserialize"]

ALL_OBJECTS = {cls.__name__.lower(): cls for cls in
               (SGD, Adam, AdamW, Nadam, RMSprop, Adagrad, Adadelta, Adamax)}


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance counting a swap of neighbours as one edit ('adma' -> 'adam')."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def _suggest(name: str) -> str:
    """' Did you mean ...?' naming the known optimizer fewest edits away, or ''."""
    best = min(ALL_OBJECTS, key=lambda known: (_edit_distance(name, known), known))
    if _edit_distance(name, best) <= max(2, len(best) // 3):
        return f" Did you mean '{best}'?"
    return did_you_mean(name, ALL_OBJECTS)


def serialize(optimizer: Optimizer) -> dict:
    """The dict Keras 3 writes for an optimizer (`module`, `class_name`, `config`, ...).

    >>> d = serialize(SGD(name="sgd"))
    >>> d["class_name"], d["config"]["momentum"]
    ('SGD', 0.0)
    """
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
            "config": optimizer.get_config(), "registered_name": None}


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """Rebuilds an optimizer from `serialize`'s dict (class name case-insensitive).

    >>> deserialize({"class_name": "Adam", "config": {"learning_rate": 0.01}}).beta_1
    0.9
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("A serialized optimizer must be a dict with 'class_name' and "
                         f"'config' keys. Received: {config!r}")
    name = config["class_name"]
    custom = custom_objects or {}
    cls = custom.get(name) or ALL_OBJECTS.get(str(name).lower())
    if cls is None:
        raise ValueError(f"Unknown optimizer: '{name}'."
                         f"{_suggest(str(name).lower())}")
    return cls.from_config(dict(config.get("config") or {}), custom_objects=custom_objects)


def get(identifier) -> Optimizer | None:
    """An optimizer from a name ('adam', 'SGD', ...), a config dict, or an instance.

    >>> type(get("rmsprop")).__name__
    'RMSprop'
    >>> get("adma")
    Traceback (most recent call last):
    ...
    ValueError: Unknown optimizer: 'adma'. Did you mean 'adam'?
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}. Pass a name "
                     f"such as 'adam', a config dict or an optimizer instance.")
