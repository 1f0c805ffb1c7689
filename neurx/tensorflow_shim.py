"""What `import tensorflow as tf` gives under `neurx run` / `neurx.compat.install()`.

neurx is not TensorFlow: this module offers only what Keras scripts use from `tf` around Keras:
`tf.keras` (= neurx), `tf.summary` (= `neurx.summary`: TensorBoard logs written by hand, as in
Hands-On ML ch. 10), `tf.random.set_seed` and `tf.__version__`. Any other attribute raises an
`AttributeError` that says so and lists what is offered.

>>> from neurx import tensorflow_shim as tf
>>> tf.keras.__name__
'neurx'
>>> tf.random.set_seed(42)
>>> hasattr(tf, "constant")  # AttributeError: neurx is not TensorFlow: `tf.constant` ...
False
"""
from __future__ import annotations

import types

import neurx

# A PEP 440 version (so `packaging.version.parse` accepts it) whose local label says neurx:
# TensorFlow 2.15 is the last release whose `tf.keras` is Keras 2; neurx speaks both.
__version__ = "2.15.0+neurx"
# Lets `import tensorflow.keras.layers` go through `neurx.compat`'s import hook.
__path__: list = []

OFFERED = ("keras", "summary", "random.set_seed", "__version__")


def _not_tensorflow(name: str) -> AttributeError:
    offered = ", ".join(f"tf.{n}" for n in OFFERED)
    return AttributeError(
        f"neurx is not TensorFlow: `tf.{name}` does not exist here. The `tensorflow` module that "
        f"neurx provides to Keras scripts offers only {offered} (tf.keras is neurx). For tensor "
        "operations use `keras.ops` (neurx.ops) or `jax.numpy`.")


def _set_global_seed(seed: int) -> None:
    """Seeds neurx (and Python's and NumPy's RNGs), as `keras.utils.set_random_seed` does."""
    utils = getattr(neurx, "utils", None)
    setter = getattr(utils, "set_random_seed", None)
    if setter is None:
        from neurx import rng
        setter = rng.set_seed
    setter(seed)


class _RandomModule(types.ModuleType):
    """`tf.random`: only `set_seed`."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise _not_tensorflow(f"random.{name}")

    @staticmethod
    def set_seed(seed: int) -> None:
        """Seeds neurx's random numbers, like `tf.random.set_seed`.

        >>> from neurx import tensorflow_shim as tf
        >>> tf.random.set_seed(0)
        """
        _set_global_seed(seed)


random = _RandomModule(__name__ + ".random", "tf.random as neurx offers it: set_seed only.")


def __getattr__(name: str):
    if name.startswith("__"):  # dunder probes (copy, pickle, inspect) get the usual error
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    raise _not_tensorflow(name)


def __dir__():
    return ["__version__", "keras", "random", "summary"]
