"""Random keys: one global seed for eager work, the scope's key inside traced steps."""
from __future__ import annotations

import random as _py_random

import jax
import numpy as np

from neurx import validation
from neurx.variables import current_scope

_state = {"seed": None, "key": None, "counter": 0}


def set_seed(seed: int) -> None:
    """Seeds neurx's initializers and random layers (and Python's and NumPy's RNGs).

    >>> set_seed(42); a = draw_key(); set_seed(42); b = draw_key()
    >>> bool((a == b).all())
    True
    """
    seed = validation.whole_number(seed, "seed", "set_random_seed()", minimum=0,
                                   maximum=2 ** 32 - 1)
    _state["seed"] = seed
    _state["key"] = jax.random.key_data(jax.random.key(seed))
    _state["counter"] = 0
    _py_random.seed(seed)
    np.random.seed(seed)


def _global_key():
    if _state["key"] is None:
        set_seed(np.random.SeedSequence().entropy % (2 ** 31))
    _state["counter"] += 1
    return jax.random.fold_in(jax.random.wrap_key_data(_state["key"]), _state["counter"])


def host_generator(seed: int | None = None) -> np.random.Generator:
    """A NumPy generator for host-side sampling (initial weights): from `seed` if given,
    else the next one of the global stream. No XLA program is compiled for it.

    >>> set_seed(1); a = host_generator().random(); set_seed(1); b = host_generator().random()
    >>> a == b
    True
    """
    if seed is not None:
        return np.random.default_rng(int(seed))
    if _state["key"] is None:
        set_seed(np.random.SeedSequence().entropy % (2 ** 31))
    _state["counter"] += 1
    return np.random.default_rng([_state["seed"], _state["counter"]])


def draw_key(seed: int | None = None):
    """A fresh PRNG key: from `seed` if given, from the traced step's scope, else global."""
    if seed is not None:
        return jax.random.key(int(seed))
    scope = current_scope()
    if scope is not None and scope.rng_key is not None:
        return scope.next_key()
    with jax.ensure_compile_time_eval():
        return _global_key()
