"""Dtype policies (`keras.mixed_precision`): compute in float16/bfloat16, keep weights in float32.

With `set_global_policy("mixed_float16")` every layer created afterwards computes in
float16 while its variables stay float32 (they are cast when read inside the layer's
call). `fit` then scales the loss dynamically so small float16 gradients do not
underflow (as Keras 3 does with `auto_scale_loss=True`).
"""
from __future__ import annotations

import numpy as np

from neurx.naming import did_you_mean

_POLICIES = {"float32": ("float32", "float32"), "float64": ("float64", "float64"),
             "float16": ("float16", "float16"), "bfloat16": ("bfloat16", "bfloat16"),
             "mixed_float16": ("float16", "float32"), "mixed_bfloat16": ("bfloat16", "float32")}
_global = {"policy": None}


class DTypePolicy:
    """A compute dtype and a variable dtype under one name.

    Example:
    >>> policy = DTypePolicy("mixed_float16")
    >>> policy.compute_dtype, policy.variable_dtype
    ('float16', 'float32')
    """

    def __init__(self, name="float32"):
        if isinstance(name, np.dtype) or (hasattr(name, "dtype") and not isinstance(name, str)):
            name = np.dtype(name).name
        name = str(name)
        if name not in _POLICIES:
            try:
                plain = np.dtype(name).name
            except TypeError:
                raise ValueError(f"Unknown dtype policy: '{name}'. Valid policies are "
                                 f"{sorted(_POLICIES)} or a dtype name."
                                 f"{did_you_mean(name, _POLICIES)}") from None
            _POLICIES[name] = (plain, plain)
        self.name = name
        self.compute_dtype, self.variable_dtype = _POLICIES[name]

    @property
    def is_mixed(self) -> bool:
        return self.compute_dtype != self.variable_dtype

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __repr__(self):
        return f'<DTypePolicy "{self.name}">'


Policy = DTypePolicy   # tf.keras 2's name


def set_global_policy(policy) -> None:
    """Sets the policy of layers created from now on (`None` resets to float32).

    >>> set_global_policy("mixed_bfloat16"); global_policy().name
    'mixed_bfloat16'
    >>> set_global_policy(None); global_policy().name
    'float32'
    """
    _global["policy"] = None if policy is None else get(policy)


def global_policy() -> DTypePolicy:
    """The policy new layers get when they are given no `dtype`."""
    return _global["policy"] or DTypePolicy("float32")


set_dtype_policy = set_global_policy
dtype_policy = global_policy


def get(identifier) -> DTypePolicy:
    """A DTypePolicy from a name, a dtype, a config dict or a policy."""
    if identifier is None:
        return global_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        config = identifier.get("config", identifier)
        return DTypePolicy(config.get("name", "float32"))
    return DTypePolicy(identifier)
