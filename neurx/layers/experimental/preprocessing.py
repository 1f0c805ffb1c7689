"""tf.keras 2's `keras.layers.experimental.preprocessing.<Name>`: the preprocessing layers.

tf.keras 2.3-2.5 textbooks reach `Normalization`, `TextVectorization` and friends through
this path; Keras 3 has them in `keras.layers`. Each name here is that same class, and its
first use warns once with the Keras 3 spelling.

Example:
>>> import warnings
>>> import neurx as keras
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     layer_class = keras.layers.experimental.preprocessing.Normalization
>>> layer_class is keras.layers.Normalization
True
"""
from neurx.layers import preprocessing as _preprocessing
from neurx.legacy import warn_once

__all__ = list(_preprocessing.__all__)


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warn_once(f"layers.experimental.preprocessing.{name}",
              f"`keras.layers.experimental.preprocessing.{name}` is the tf.keras 2 path: use "
              f"`keras.layers.{name}`.")
    return getattr(_preprocessing, name)


def __dir__() -> list[str]:
    return sorted(__all__)
