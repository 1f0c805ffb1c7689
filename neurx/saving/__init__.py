"""Saving and loading models (`keras.saving`), in Keras 3's and Keras 2's file formats.

What each part owns:
- `object_registry`: names -> classes (neurx's public namespaces and the
  registered/custom objects); `register_keras_serializable`, `custom_object_scope`.
- `serialization` / `deserialization`: objects -> Keras 3 config dicts, and back (Keras
  2's dicts are read too).
- `model_config`: Sequential and functional configs, Keras's layer order.
- `compile_config`: the `compile()` arguments of a saved model.
- `keras_layout`: where each variable lives in Keras 3's `model.weights.h5`.
- `keras_zip`: the `.keras` archive; `legacy_h5`: Keras 2's `.h5` files.
- `savedmodel/`: the SavedModel folders tf.keras 2 writes (`model.save("my_model")`),
  read without TensorFlow (needs protobuf, the `savedmodel` extra).
- `weights`: `save_weights` / `load_weights` in every layout.
- `atomic`: every file is written beside its target and renamed into place.
- `safety`: safe mode (no bytecode from files) and archive checks.
- `api`: `save_model`, `load_model`, `model_from_json`; `clone`: `clone_model`.
  `Model.save`, `to_json`, ... (in `models`) call these functions.

Example:
>>> import os, tempfile
>>> import numpy as np
>>> import neurx as keras
>>> model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
>>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
>>> model.save(path)
>>> restored = keras.saving.load_model(path)
>>> bool(np.allclose(restored.predict(np.ones((2, 3)), verbose=0),
...                  model.predict(np.ones((2, 3)), verbose=0)))
True
"""
from neurx.saving.api import load_model, model_from_json, save_model
from neurx.saving.clone import clone_model
from neurx.saving.deserialization import deserialize_keras_object
from neurx.saving.object_registry import (
                                          CustomObjectScope,
                                          custom_object_scope,
                                          get_custom_objects,
                                          get_registered_name,
                                          get_registered_object,
                                          register_keras_serializable,
)
from neurx.saving.serialization import serialize_keras_object
from neurx.saving.weights import load_weights, save_weights

__all__ = ["load_model", "save_model", "model_from_json", "clone_model", "CustomObjectScope",
           "custom_object_scope", "get_custom_objects", "get_registered_name",
           "get_registered_object", "register_keras_serializable", "serialize_keras_object",
           "deserialize_keras_object", "load_weights", "save_weights"]

