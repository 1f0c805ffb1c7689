"""Utilities (`keras.utils`): a namespace that re-exports; the implementations live in
`neurx.support`, `neurx.visualization`, `neurx.training` and `neurx.saving`.

Keras 3 also lists here `clear_session` (from `keras.backend`) and the serialization
helpers of `keras.saving`; they are the same functions.

>>> import neurx as keras
>>> keras.utils.get_custom_objects is keras.saving.get_custom_objects
True
"""
from neurx.backend import clear_session
from neurx.saving import (
                          CustomObjectScope,
                          custom_object_scope,
                          deserialize_keras_object,
                          get_custom_objects,
                          get_registered_name,
                          get_registered_object,
                          register_keras_serializable,
                          serialize_keras_object,
)
from neurx.support.file_utils import get_file
from neurx.support.numerical import normalize, to_categorical
from neurx.support.progbar import Progbar
from neurx.support.py_dataset import PyDataset, Sequence
from neurx.support.random_seed import set_random_seed
from neurx.support.sequence import pad_sequences
from neurx.training.lr_finder import find_learning_rate
from neurx.visualization.learning_curves import plot_history, plot_learning_rate_finder
from neurx.visualization.model_visualization import model_to_dot, plot_model

__all__ = ["CustomObjectScope", "Progbar", "PyDataset", "Sequence", "clear_session",
           "custom_object_scope", "deserialize_keras_object", "find_learning_rate", "get_file",
           "get_custom_objects", "get_registered_name", "get_registered_object", "normalize",
           "pad_sequences", "plot_history", "plot_learning_rate_finder", "plot_model",
           "model_to_dot", "register_keras_serializable", "serialize_keras_object",
           "set_random_seed", "to_categorical"]
