"""`SavingMethods`: the saving half of `Model`'s API, mixed into `neurx.Model`.

`save`, `save_weights`, `load_weights`, `get_config` / `from_config` (Keras 3's
Sequential and functional configs), `to_json`, and the hooks Keras's
serialization calls (`get_compile_config`, `compile_from_config`,
`get_build_config`, `build_from_config`). Each method forwards to the module
of `neurx.saving` that owns it.
"""
from __future__ import annotations

import json

import jax

from neurx.saving import api, compile_config, deserialization, model_config, serialization, weights
from neurx.saving.keras_zip import json_default


class SavingMethods:
    """Saving and configuration methods shared by every `Model`.

    Example:
    >>> import os, tempfile
    >>> import numpy as np
    >>> import neurx as keras
    >>> model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    >>> folder = tempfile.mkdtemp()
    >>> model.save_weights(os.path.join(folder, "my_keras_weights.ckpt"))
    >>> model.load_weights(os.path.join(folder, "my_keras_weights.ckpt"))
    >>> keras.models.model_from_json(model.to_json()).count_params()
    8
    """

    def __call__(self, *args, **kwargs):
        # Remember the input shape of the first call (Keras's build shapes), so that
        # `get_build_config` can record how to rebuild a subclassed model.
        if getattr(self, "_build_input_shape", None) is None and \
                getattr(self, "_graph", None) is None and (args or "inputs" in kwargs):
            first = args[0] if args else kwargs["inputs"]
            self._build_input_shape = jax.tree_util.tree_map(
                lambda a: (None,) + tuple(a.shape[1:]), first,
                is_leaf=lambda a: hasattr(a, "shape") and hasattr(a, "dtype"))
        return super().__call__(*args, **kwargs)

    def save(self, filepath, overwrite: bool = True, include_optimizer: bool = True,
             save_format=None, **kwargs) -> None:
        """Saves the model (`.keras` by default, `.h5` for Keras 2's layout).

        See `neurx.saving.save_model`.
        """
        api.save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer,
                       save_format=save_format, **kwargs)

    def save_weights(self, filepath, overwrite: bool = True, **kwargs) -> None:
        """Saves the weights (`*.h5`: Keras 2's layout; other names: Keras 3's `.weights.h5`)."""
        weights.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch: bool = False, by_name: bool = False,
                     **kwargs) -> None:
        """Loads weights from any file `save_weights` or `save` wrote (all or nothing)."""
        weights.load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name)

    def get_config(self) -> dict:
        """Keras 3's config: Sequential and functional models list their layers."""
        if serialization.is_sequential(self):
            return model_config.sequential_config(self)
        if serialization.is_functional(self):
            return model_config.functional_config(self)
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        """Rebuilds a model from `get_config()` (Keras 3 or Keras 2 form)."""
        sequential = model_config.public_model_class("Sequential")
        if sequential is not None and issubclass(cls, sequential):
            return model_config.sequential_from_config(cls, config, custom_objects)
        if all(key in config for key in ("layers", "input_layers", "output_layers")):
            return model_config.functional_from_config(cls, config, custom_objects)
        return cls(**config)

    def to_json(self, **kwargs) -> str:
        """The model's config as a JSON string (read back by `model_from_json`)."""
        return json.dumps(serialization.serialize_keras_object(self), default=json_default,
                          **kwargs)

    def get_compile_config(self) -> dict | None:
        """What `compile()` was given, in Keras 3's form (None if not compiled)."""
        return compile_config.get_compile_config(self) if self.compiled else None

    def compile_from_config(self, config: dict) -> None:
        """Compiles the model from `get_compile_config()`'s dict."""
        compile_config.compile_from_config(self, config)

    def get_build_config(self) -> dict | None:
        """`{"input_shape": ...}` for a built model."""
        return serialization.get_build_config(self)

    def build_from_config(self, config: dict) -> None:
        """Builds the model on `config["input_shape"]`."""
        deserialization.build_from_config(self, config)
