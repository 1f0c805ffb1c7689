"""Arrays a layer is about to create (a weight, an output) checked against the machine's memory.

A size argument far too large (`strides=1000` on a 3D transposed convolution, `size=1000`
on `UpSampling3D`) asks for an array of hundreds of GiB, and XLA aborts the whole process
on such an allocation: a script dies without a Python error, a notebook loses its kernel.
The layer refuses it first, naming itself, the array, its shape and its size arguments.

Example:
>>> from neurx.layers import UpSampling3D
>>> up = UpSampling3D(1000, name="up")
>>> check_fits_in_memory(up, (2, 4000, 4000, 4000, 2), "float32", "an output")
... # doctest: +ELLIPSIS
Traceback (most recent call last):
ValueError: Layer 'up' (UpSampling3D) would create an output ... Check its size arguments: size=(1000, 1000, 1000).
"""
from __future__ import annotations

import functools
import math
import os

import jax.numpy as jnp


@functools.cache
def memory_bytes() -> int | None:
    """This machine's physical memory in bytes (None where the system does not say).

    >>> memory_bytes() is None or memory_bytes() > 2 ** 20
    True
    """
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return None


def check_fits_in_memory(layer, shape, dtype, what: str) -> None:
    """Raises a ValueError naming `layer` when an array of `shape` (None counts 1) and
    `dtype` would take more than half of the machine's memory."""
    memory = memory_bytes()
    size = math.prod(1 if d is None else int(d) for d in shape) * jnp.dtype(dtype).itemsize
    if memory is None or size <= memory // 2:
        return
    raise ValueError(
        f"Layer '{layer.name}' ({type(layer).__name__}) would create {what} of shape "
        f"{tuple(shape)}: {size / 2 ** 30:.1f} GiB of {jnp.dtype(dtype).name}, more than half "
        f"of this machine's memory ({memory / 2 ** 30:.0f} GiB). Check its size arguments: "
        f"{_size_arguments(layer)}.")


def _size_arguments(layer) -> str:
    """The layer's arguments that hold whole numbers above 1, as `name=value`."""
    def large(value) -> bool:
        if isinstance(value, (list, tuple)):
            return any(large(v) for v in value)
        return isinstance(value, int) and not isinstance(value, bool) and value > 1
    config = layer.get_config()
    return ", ".join(f"{key}={value!r}" for key, value in config.items() if large(value))
