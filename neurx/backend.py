"""Keras 2's `keras.backend` helpers that the books call."""
from __future__ import annotations

import numpy as np

from neurx import config, naming

# Re-exported: Keras 2's `keras.backend.floatx()` and friends.
from neurx.config import epsilon as epsilon
from neurx.config import floatx as floatx
from neurx.config import image_data_format as image_data_format
from neurx.config import set_epsilon as set_epsilon
from neurx.config import set_floatx as set_floatx
from neurx.config import set_image_data_format as set_image_data_format


def get_value(x):
    """The value of a variable (or anything array-like) as NumPy.

    >>> from neurx.variables import Variable
    >>> get_value(Variable(np.ones(2))).tolist()
    [1.0, 1.0]
    """
    if hasattr(x, "numpy"):
        return x.numpy()
    return np.asarray(x) if not isinstance(x, (int, float)) else x


def set_value(x, value) -> None:
    """Assigns `value` to a variable, e.g. `set_value(model.optimizer.lr, 0.01)`.

    >>> from neurx.variables import Variable
    >>> v = Variable(np.zeros(2)); set_value(v, np.ones(2)); v.numpy().tolist()
    [1.0, 1.0]
    """
    if not hasattr(x, "assign"):
        raise TypeError(f"set_value() needs a variable (something with `assign`). Received "
                        f"{type(x).__name__}; for the learning rate use "
                        "`model.optimizer.learning_rate = value`.")
    x.assign(value)


def clear_session(free_memory: bool = True) -> None:
    """Resets automatic layer names (`dense`, `dense_1`, ...) and turns safe mode back on
    (after `keras.config.enable_unsafe_deserialization()`), as Keras does.

    `free_memory` is accepted for Keras's signature: JAX frees arrays once unreferenced.

    >>> clear_session()
    """
    naming.reset()
    config._settings["unsafe_deserialization"] = False


def int_shape(x) -> tuple:
    """The shape of an array or symbolic tensor as a tuple."""
    return tuple(x.shape)
