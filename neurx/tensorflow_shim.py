"""What `import tensorflow as tf` gives under `neurx run` / `neurx.compat.install()`.

neurx is not TensorFlow: this module offers only what Keras scripts use from `tf` around Keras:
`tf.keras` (= neurx), `tf.summary` (= `neurx.summary`: TensorBoard logs written by hand, as in
Hands-On ML ch. 10), `tf.random.set_seed`, `tf.__version__`, and from `tf.config` the device
check (`list_physical_devices`) and `experimental.enable_op_determinism` that the books' first
cells call. Any other attribute raises an `AttributeError` that says so and lists what is offered.

>>> from neurx import tensorflow_shim as tf
>>> tf.keras.__name__
'neurx'
>>> tf.random.set_seed(42)
>>> hasattr(tf, "constant")  # AttributeError: neurx is not TensorFlow: `tf.constant` ...
False
"""
from __future__ import annotations

import collections
import os
import types
import warnings

import jax

import neurx
import neurx as keras
from neurx import summary

# A PEP 440 version (so `packaging.version.parse` accepts it) whose local label says neurx:
# TensorFlow 2.15 is the last release whose `tf.keras` is Keras 2; neurx speaks both.
__version__ = "2.15.0+neurx"
# Lets `import tensorflow.keras.layers` go through `neurx.compat`'s import hook.
__path__: list = []

# `tf.keras` and `tf.summary` are the re-exported modules above.
__all__ = ["config", "keras", "random", "summary"]
OFFERED = ("keras", "summary", "random.set_seed", "config.list_physical_devices",
           "config.experimental.enable_op_determinism", "__version__")


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

# TensorFlow's record of a device: name "/physical_device:GPU:0", device_type "GPU".
PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])


class _ConfigModule(types.ModuleType):
    """`tf.config`: `list_physical_devices` (JAX's devices) and `experimental`."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise _not_tensorflow(f"{self.__name__.split('.', 2)[-1]}.{name}")

    @staticmethod
    def list_physical_devices(device_type: str | None = None) -> list[PhysicalDevice]:
        """The devices neurx computes on (JAX's), as `tf.config.list_physical_devices`.

        >>> from neurx import tensorflow_shim as tf
        >>> tf.config.list_physical_devices("CPU")[0]
        PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')
        >>> tf.config.list_physical_devices("GPU")  # none on this machine
        []
        """
        devices, seen = [], collections.Counter()
        for device in jax.devices():
            kind = device.platform.upper()
            devices.append(PhysicalDevice(f"/physical_device:{kind}:{seen[kind]}", kind))
            seen[kind] += 1
        wanted = device_type.upper() if device_type else None
        return [d for d in devices if wanted is None or d.device_type == wanted]


class _ExperimentalConfigModule(_ConfigModule):
    """`tf.config.experimental`: `enable_op_determinism`."""

    @staticmethod
    def enable_op_determinism() -> None:
        """Makes runs repeatable given a seed, as `tf.config.experimental.enable_op_determinism`.

        On CPU, XLA's programs already give the same results run after run. On a GPU,
        repeatability needs XLA's deterministic kernels, which are chosen when the process
        starts: a warning says to start it with XLA_FLAGS=--xla_gpu_deterministic_ops=true.

        >>> from neurx import tensorflow_shim as tf
        >>> tf.config.experimental.enable_op_determinism()
        """
        gpus = jax.default_backend() not in ("cpu", "tpu")
        if gpus and "--xla_gpu_deterministic_ops=true" not in os.environ.get("XLA_FLAGS", ""):
            warnings.warn("enable_op_determinism: on a GPU, XLA picks deterministic kernels only "
                          "when the process starts with XLA_FLAGS=--xla_gpu_deterministic_ops="
                          "true; this run may differ slightly from the next.", stacklevel=2)


config = _ConfigModule(__name__ + ".config", "tf.config as neurx offers it.")
config.experimental = _ExperimentalConfigModule(__name__ + ".config.experimental",
                                                "tf.config.experimental as neurx offers it.")


def __getattr__(name: str):
    if name.startswith("__"):  # dunder probes (copy, pickle, inspect) get the usual error
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    raise _not_tensorflow(name)


def __dir__():
    return ["__version__", "config", "keras", "random", "summary"]
