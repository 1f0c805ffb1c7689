"""Utilities (`keras.utils`).

Keras 3 also lists here `clear_session` (from `keras.backend`) and the serialization
helpers of `keras.saving`; they are the same functions. The saving ones resolve on first
use: `neurx.saving` needs the trainer, which needs `neurx.callbacks`, which imports this
package.

>>> import neurx as keras
>>> keras.utils.get_custom_objects is keras.saving.get_custom_objects
True
"""
import importlib

from neurx.backend import clear_session
from neurx.callbacks.lr_finder import find_learning_rate
from neurx.utils.file_utils import get_file
from neurx.utils.learning_curves import plot_history, plot_learning_rate_finder
from neurx.utils.numerical import normalize, to_categorical
from neurx.utils.model_visualization import model_to_dot, plot_model
from neurx.utils.progbar import Progbar
from neurx.utils.py_dataset import PyDataset, Sequence
from neurx.utils.random_seed import set_random_seed
from neurx.utils.sequence import pad_sequences

_FROM_SAVING = ("CustomObjectScope", "custom_object_scope", "deserialize_keras_object",
                "get_custom_objects", "get_registered_name", "get_registered_object",
                "register_keras_serializable", "serialize_keras_object")


def __getattr__(name: str):
    if name in _FROM_SAVING:
        return getattr(importlib.import_module("neurx.saving"), name)
    raise AttributeError(f"module 'neurx.utils' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(globals()) - {"importlib"} | set(_FROM_SAVING))
