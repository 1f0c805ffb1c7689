"""Random keys: one global seed for eager work, the scope's key inside traced steps.

The global stream's keys (and the training loop's, through `key_from`) are made on the host
from integers: JAX's own seeding and folding would each compile a program, a cost every
script pays once at start. A key from an explicit `seed` is still `jax.random.key(seed)`.
"""
from __future__ import annotations

import random as _py_random

import jax
import numpy as np

from neurx import validation
from neurx.variables import current_scope

_state = {"seed": None, "counter": 0}


def set_seed(seed: int) -> None:
    """Seeds neurx's initializers and random layers (and Python's and NumPy's RNGs).

    >>> set_seed(42); a = draw_key(); set_seed(42); b = draw_key()
    >>> bool((a == b).all())
    True
    """
    seed = validation.whole_number(seed, "seed", "set_random_seed()", minimum=0,
                                   maximum=2 ** 32 - 1)
    _state["seed"] = seed
    _state["counter"] = 0
    _py_random.seed(seed)
    np.random.seed(seed)


def key_from(*words: int) -> jax.Array:
    """A JAX PRNG key drawn on the host from whole numbers (no XLA program compiled):
    equal words give equal keys.

    >>> bool((jax.random.key_data(key_from(1, 2)) == jax.random.key_data(key_from(1, 2))).all())
    True
    """
    data = np.random.SeedSequence([int(w) for w in words]).generate_state(2)
    return jax.random.wrap_key_data(data)


def _next_count() -> int:
    if _state["seed"] is None:   # unseeded: a seed of neurx's own (Python's and NumPy's untouched)
        _state["seed"] = int(np.random.SeedSequence().entropy % (2 ** 31))
    _state["counter"] += 1
    return _state["counter"]


def _global_key():
    count = _next_count()
    return key_from(_state["seed"], count, 1)


def host_generator(seed: int | None = None) -> np.random.Generator:
    """A NumPy generator for host-side sampling (initial weights): from `seed` if given,
    else the next one of the global stream. No XLA program is compiled for it.

    >>> set_seed(1); a = host_generator().random(); set_seed(1); b = host_generator().random()
    >>> a == b
    True
    """
    if seed is not None:
        return np.random.default_rng(int(seed))
    count = _next_count()
    return np.random.default_rng([_state["seed"], count])


def draw_key(seed: int | None = None):
    """A fresh PRNG key: from `seed` if given, from the traced step's scope, else global."""
    if seed is not None:
        return jax.random.key(int(seed))
    scope = current_scope()
    if scope is not None and scope.rng_key is not None:
        return scope.next_key()
    with jax.ensure_compile_time_eval():
        return _global_key()
