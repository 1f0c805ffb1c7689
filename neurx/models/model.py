"""`Model`: a layer that can be trained. Functional when built from `inputs` and
`outputs`, subclassed when a subclass defines `call`.

No class is swapped at run time: a functional model is a `Model` holding a
`Graph`; its `call` runs the graph. The model owns its public API and delegates
the work: training to its engine (`training.Trainer`, created by `compile`),
saving and configs to the functions of `neurx.saving`.
"""
from __future__ import annotations

import inspect
import json
from collections.abc import Mapping, Sequence
from typing import Any

import jax
import numpy as np

from neurx import optimizers
from neurx.layers.layer import Layer
from neurx.layers.shape_inference import infer_output_spec
from neurx.models.graph import Graph
from neurx.models.summary import print_summary
from neurx.naming import check_kwargs, did_you_mean
from neurx.optimizers.base import Optimizer
from neurx.saving import api, compile_config, deserialization, model_config, serialization, weights
from neurx.saving.keras_zip import json_default
from neurx.symbolic import KerasTensor, is_symbolic
from neurx.training import legacy_methods, lr_finder
from neurx.training.data import tree_len
from neurx.training.history import History
from neurx.training.stateless_call import stateless_call
from neurx.training.trainer import COMPILE_KWARGS, Callbacks, Data, Objective, Trainer

Outputs = np.ndarray | list[np.ndarray]
Results = float | list[float] | dict[str, float]


class Model(Layer):
    """Groups layers into an object with training and inference features.

    Functional: `Model(inputs, outputs, name=None)`. Subclassing: define layers in
    `__init__` and the forward pass in `call(inputs, training=None)`. A custom
    `train_step(self, state, data)` takes Keras 3's stateless JAX form: `state` is
    `(trainable, non_trainable, optimizer, metrics)` variable values, `data` is `(x, y)`;
    it returns `(logs, new_state)`, using `stateless_call` and `compute_loss`.

    Example:
    >>> import numpy as np
    >>> from neurx import layers
    >>> inputs = layers.Input(shape=(3,))
    >>> model = Model(inputs, layers.Dense(1)(inputs))
    >>> model.predict(np.zeros((2, 3)), verbose=0).shape
    (2, 1)
    """

    train_step = None
    compiled = False
    optimizer: Optimizer | None = None
    loss: Objective = None
    history: History | None = None
    _trainer: Trainer | None = None

    def __init__(self, inputs: KerasTensor | Sequence | Mapping | None = None,
                 outputs: KerasTensor | Sequence | Mapping | None = None,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self._graph = None
        self.stop_training = False
        if inputs is not None or outputs is not None:
            if inputs is None or outputs is None:
                raise ValueError("A functional Model needs both `inputs` and `outputs`. "
                                 f"Received inputs={inputs!r}, outputs={outputs!r}")
            self._set_graph(Graph(inputs, outputs))

    def _set_graph(self, graph: Graph):
        self._graph = graph
        self._layers = [l for l in graph.layers]
        self.built = True

    # ------------------------------------------------------------------ forward
    def __call__(self, *args, **kwargs):
        # Remember the input shape of the first call (Keras's build shapes), so that
        # `get_build_config` can record how to rebuild a subclassed model.
        if getattr(self, "_build_input_shape", None) is None and self._graph is None and \
                (args or "inputs" in kwargs):
            first = args[0] if args else kwargs["inputs"]
            self._build_input_shape = jax.tree_util.tree_map(
                lambda a: (None,) + tuple(a.shape[1:]), first,
                is_leaf=lambda a: hasattr(a, "shape") and hasattr(a, "dtype"))
        return super().__call__(*args, **kwargs)

    def call(self, inputs, training=None, mask=None):
        if self._graph is None:
            raise NotImplementedError(
                f"Model '{self.name}' has no `call`: subclass Model and define "
                "`call(self, inputs, training=None)`, or build it as Model(inputs, outputs).")
        return self._graph.run(inputs)

    def build(self, input_shape):
        """Builds a subclassed model by tracing `call` on inputs of `input_shape`."""
        if self._graph is not None:
            return
        spec = jax.tree_util.tree_map(
            lambda s: KerasTensor(s), input_shape,
            is_leaf=lambda s: isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s))
        self.built = True
        infer_output_spec(self, (spec,), {})   # traces `call` once, creating the weights

    def _maybe_build(self, inputs):
        if not self.built:
            shapes = jax.tree_util.tree_map(lambda t: (None,) + tuple(t.shape[1:]), inputs,
                                            is_leaf=lambda t: hasattr(t, "shape"))
            self.build(shapes)

    # ------------------------------------------------------------------ structure
    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def get_layer(self, name=None, index=None) -> Layer:
        """A layer by name or by index in `model.layers`."""
        if name is None and index is None:
            raise ValueError("Provide either a layer name or layer index at `get_layer`.")
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"Model '{self.name}' has {len(self.layers)} layers; "
                                 f"index {index} is out of range.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: '{name}'. Existing layers are "
                         f"{[l.name for l in self.layers]}.{did_you_mean(name, [l.name for l in self.layers])}")

    @property
    def inputs(self):
        return self._graph.flat_inputs if self._graph is not None else None

    @property
    def outputs(self):
        return self._graph.flat_outputs if self._graph is not None else None

    @property
    def input(self):
        return self._graph_for("input").inputs

    @property
    def output(self):
        return self._graph_for("output").outputs

    @property
    def input_shape(self):
        return jax.tree_util.tree_map(lambda t: t.shape, self._graph_for("input_shape").inputs,
                                      is_leaf=is_symbolic)

    @property
    def output_shape(self):
        return jax.tree_util.tree_map(lambda t: t.shape, self._graph_for("output_shape").outputs,
                                      is_leaf=is_symbolic)

    @property
    def input_names(self) -> list[str]:
        return [t.name for t in self.inputs] if self._graph is not None else []

    @property
    def output_names(self) -> list[str]:
        """Names of the outputs (the producing layers' names), used for loss and log keys."""
        if self._graph is None:
            return []
        return [t.node.layer.name for t in self._graph.flat_outputs]

    def _graph_for(self, what) -> Graph:
        if self._graph is None:
            raise AttributeError(
                f"Model '{self.name}' has no `{what}` yet: it is a subclassed model or has "
                "not been built on an input shape.")
        return self._graph

    # ------------------------------------------------------------------ training
    def compile(self, optimizer: str | Optimizer = "rmsprop", loss: Objective = None,
                metrics: Objective = None,
                loss_weights: Sequence[float] | Mapping[str, float] | None = None,
                weighted_metrics: Objective = None, run_eagerly: bool = False,
                steps_per_execution: int = 1, jit_compile: bool | str = "auto",
                auto_scale_loss: bool = True, **kwargs: Any) -> None:
        """Configures the model for training.

        Example:
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(1, input_shape=(3,))])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        """
        check_kwargs(kwargs, COMPILE_KWARGS, "compile()", _parameters(Model.compile))
        optimizer = optimizers.get(optimizer)
        trainer = Trainer(self, loss, loss_weights, metrics, weighted_metrics,
                          steps_per_execution, auto_scale_loss, jit_compile, run_eagerly)
        self.optimizer, self.loss, self.jit_compile = optimizer, loss, trainer.jit_compile
        self._trainer = trainer
        self.compiled = True
        self.stop_training = False

    def _engine(self, method: str | None = None) -> Trainer:
        """The training engine; `method` names a method that needs `compile()` first."""
        if method is not None and not self.compiled:
            raise RuntimeError(f"You must call compile() before {method}(): the model "
                               "needs a loss and an optimizer. For example: "
                               "model.compile(optimizer='adam', loss='mse').")
        if self._trainer is None:   # predict on an uncompiled model
            self._trainer = Trainer(self, compiled=False)
        return self._trainer

    @property
    def metrics(self) -> list:
        """The metric objects `fit` and `evaluate` update, the loss tracker first."""
        return self._trainer.metrics if self._trainer is not None else []

    @property
    def metrics_names(self) -> list[str]:
        """The names of `evaluate`'s results, in its order (`['loss']` before the first fit)."""
        return self._trainer.metrics_names if self._trainer is not None else ["loss"]

    def fit(self, x: Data = None, y: Data = None, batch_size: int | None = None,
            epochs: int = 1, verbose: int | str = "auto", callbacks: Callbacks = None,
            validation_split: float = 0.0, validation_data: Data = None, shuffle: bool = True,
            class_weight: Mapping[int, float] | None = None, sample_weight: Data = None,
            initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_batch_size: int | None = None,
            validation_freq: int = 1, **kwargs: Any) -> History:
        """Trains the model for a number of epochs; returns a `History`.

        Example:
        >>> import numpy as np
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(1, input_shape=(3,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(np.ones((8, 3)), np.ones(8), epochs=2, verbose=0)
        >>> list(history.history)
        ['loss']
        """
        return self._engine("fit").fit(
            x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data,
            shuffle, class_weight, sample_weight, initial_epoch, steps_per_epoch,
            validation_steps, validation_batch_size, validation_freq, **kwargs)

    def evaluate(self, x: Data = None, y: Data = None, batch_size: int | None = None,
                 verbose: int | str = "auto", sample_weight: Data = None,
                 steps: int | None = None, callbacks: Callbacks = None,
                 return_dict: bool = False, **kwargs: Any) -> Results:
        """Returns the loss (and metrics) on the given data.

        Returns a scalar when there is only the loss, else a list in `metrics_names`
        order, or a dict with `return_dict=True`.

        >>> import numpy as np
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(1, input_shape=(3,), kernel_initializer="zeros")])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> model.evaluate(np.ones((4, 3)), np.full(4, 2.0), verbose=0, return_dict=True)
        {'loss': 4.0, 'mae': 2.0}
        """
        return self._engine("evaluate").evaluate(x, y, batch_size, verbose, sample_weight,
                                                 steps, callbacks, return_dict, **kwargs)

    def predict(self, x: Data, batch_size: int | None = None, verbose: int | str = "auto",
                steps: int | None = None, callbacks: Callbacks = None,
                **kwargs: Any) -> Outputs:
        """Generates output predictions for the input samples (a list for several outputs).

        Example:
        >>> import numpy as np
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(2, input_shape=(3,))])
        >>> model.predict(np.ones((5, 3)), verbose=0).shape
        (5, 2)
        """
        return self._engine().predict(x, batch_size, verbose, steps, callbacks, **kwargs)

    def train_on_batch(self, x: Data, y: Data = None, sample_weight: Data = None,
                       class_weight: Mapping[int, float] | None = None,
                       return_dict: bool = False) -> Results:
        """Runs one gradient update on a single batch; returns that batch's loss and metrics.

        >>> import numpy as np
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> isinstance(model.train_on_batch(np.ones((4, 2)), np.ones(4)), float)
        True
        """
        return self._engine("train_on_batch").train_on_batch(x, y, sample_weight,
                                                             class_weight, return_dict)

    def test_on_batch(self, x: Data, y: Data = None, sample_weight: Data = None,
                      return_dict: bool = False) -> Results:
        """Loss and metrics of the model on a single batch.

        >>> import numpy as np
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(1, input_shape=(2,), kernel_initializer="zeros")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> model.test_on_batch(np.ones((4, 2)), np.full(4, 3.0))
        9.0
        """
        return self._engine("test_on_batch").test_on_batch(x, y, sample_weight, return_dict)

    def predict_on_batch(self, x: Data) -> Outputs:
        """Predictions for a single batch of samples.

        >>> import numpy as np, neurx
        >>> neurx.Sequential([neurx.layers.Dense(2)]).predict_on_batch(np.ones((4, 3))).shape
        (4, 2)
        """
        return self.predict(x, batch_size=max(tree_len(x), 1), verbose=0)

    def stateless_call(self, trainable_variables: list, non_trainable_variables: list,
                       *args: Any, return_losses: bool = False, **kwargs: Any) -> tuple:
        """Calls the model on given variable values; returns `(outputs, non_trainable_values)`.

        >>> import numpy as np
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(1, input_shape=(2,), kernel_initializer="ones")])
        >>> out, _ = model.stateless_call([np.full((2, 1), 2.0), np.zeros(1)], [], np.ones((1, 2)))
        >>> out.tolist()
        [[4.0]]
        """
        return stateless_call(self, trainable_variables, non_trainable_variables, *args,
                              return_losses=return_losses, **kwargs)

    def compute_loss(self, x: Data = None, y: Data = None, y_pred: Data = None,
                     sample_weight: Data = None, training: bool = True) -> jax.Array:
        """The compiled loss (weighted over outputs) plus the layers' regularization losses.

        >>> import numpy as np
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> float(model.compute_loss(y=np.zeros((2, 1)), y_pred=np.full((2, 1), 3.0)))
        9.0
        """
        return self._engine("compute_loss").compute_loss(y, y_pred, sample_weight)

    def find_learning_rate(self, x: Data, y: Data = None, start: float = 1e-5,
                           end: float = 10.0, steps: int = 500, batch_size: int = 32,
                           **kwargs: Any) -> lr_finder.LearningRateFinderResult:
        """Sweeps the learning rate from `start` to `end` over `steps` batches and
        suggests one; the model is restored afterwards (see
        `neurx.utils.find_learning_rate`).

        >>> import numpy as np
        >>> import neurx as keras
        >>> model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> x = np.ones((64, 2), "float32")
        >>> rates, losses, suggestion = model.find_learning_rate(x, x[:, 0], steps=20)
        >>> len(rates) == len(losses)
        True
        """
        return lr_finder.find_learning_rate(self, x, y, start=start, end=end, steps=steps,
                                            batch_size=batch_size, **kwargs)

    # ------------------------------------------------------------------ saving
    def save(self, filepath: str, overwrite: bool = True, include_optimizer: bool = True,
             save_format: str | None = None, **kwargs: Any) -> None:
        """Saves the model (`.keras` by default, `.h5` for Keras 2's layout); see
        `neurx.saving.save_model`.

        >>> import os, tempfile
        >>> import neurx as keras
        >>> model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
        >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
        >>> model.save(path)
        >>> keras.models.load_model(path).count_params()
        8
        """
        api.save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer,
                       save_format=save_format, **kwargs)

    def save_weights(self, filepath: str, overwrite: bool = True, **kwargs: Any) -> None:
        """Saves the weights (`*.h5`: Keras 2's layout; other names: Keras 3's `.weights.h5`).

        >>> import os, tempfile
        >>> import neurx as keras
        >>> model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
        >>> path = os.path.join(tempfile.mkdtemp(), "my_keras_weights.ckpt")
        >>> model.save_weights(path)
        >>> model.load_weights(path)
        """
        weights.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: str, skip_mismatch: bool = False, by_name: bool = False,
                     **kwargs: Any) -> None:
        """Loads weights from any file `save_weights` or `save` wrote (all or nothing);
        see `save_weights`."""
        weights.load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name)

    def get_config(self) -> dict:
        """Keras 3's config: a functional model lists its layers and connections (see
        `from_config`)."""
        if serialization.is_functional(self):
            return model_config.functional_config(self)
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Model:
        """Rebuilds a model from `get_config()` (Keras 3 or Keras 2 form).

        >>> from neurx import layers
        >>> inputs = layers.Input(shape=(3,))
        >>> config = Model(inputs, layers.Dense(1)(inputs)).get_config()
        >>> sorted(config)
        ['input_layers', 'layers', 'name', 'output_layers', 'trainable']
        >>> Model.from_config(config).count_params()
        4
        """
        if all(key in config for key in ("layers", "input_layers", "output_layers")):
            return model_config.functional_from_config(cls, config, custom_objects)
        return cls(**config)

    def to_json(self, **kwargs: Any) -> str:
        """The model's config as a JSON string (read back by `model_from_json`).

        >>> import neurx as keras
        >>> model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
        >>> keras.models.model_from_json(model.to_json()).count_params()
        8
        """
        return json.dumps(serialization.serialize_keras_object(self), default=json_default,
                          **kwargs)

    def get_compile_config(self) -> dict | None:
        """What `compile()` was given, in Keras 3's form (None if not compiled); see
        `neurx.saving.compile_config`."""
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

    # ------------------------------------------------------------------ Keras 2
    def predict_classes(self, x: Data, batch_size: int = 32, verbose: int = 0) -> np.ndarray:
        """Keras 2: class indices; see `neurx.training.legacy_methods`."""
        return legacy_methods.predict_classes(self, x, batch_size, verbose)

    def predict_proba(self, x: Data, batch_size: int = 32, verbose: int = 0) -> np.ndarray:
        """Keras 2: the same as `predict`."""
        return legacy_methods.predict_proba(self, x, batch_size, verbose)

    def fit_generator(self, generator: Data, steps_per_epoch: int | None = None,
                      epochs: int = 1, verbose: int = 1, callbacks: Callbacks = None,
                      validation_data: Data = None, validation_steps: int | None = None,
                      validation_freq: int = 1, class_weight: Mapping | None = None,
                      max_queue_size: int = 10, workers: int = 1,
                      use_multiprocessing: bool = False, shuffle: bool = True,
                      initial_epoch: int = 0) -> History:
        """Keras 2: `fit` on a generator (the queue arguments are ignored)."""
        return legacy_methods.fit_generator(
            self, generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
            callbacks=callbacks, validation_data=validation_data,
            validation_steps=validation_steps, validation_freq=validation_freq,
            class_weight=class_weight, initial_epoch=initial_epoch)

    def evaluate_generator(self, generator: Data, steps: int | None = None,
                           callbacks: Callbacks = None, max_queue_size: int = 10,
                           workers: int = 1, use_multiprocessing: bool = False,
                           verbose: int = 0) -> Results:
        """Keras 2: `evaluate` on a generator (the queue arguments are ignored)."""
        return legacy_methods.evaluate_generator(self, generator, steps=steps,
                                                 callbacks=callbacks, verbose=verbose)

    def predict_generator(self, generator: Data, steps: int | None = None,
                          callbacks: Callbacks = None, max_queue_size: int = 10,
                          workers: int = 1, use_multiprocessing: bool = False,
                          verbose: int = 0) -> Outputs:
        """Keras 2: `predict` on a generator (the queue arguments are ignored)."""
        return legacy_methods.predict_generator(self, generator, steps=steps,
                                                callbacks=callbacks, verbose=verbose)

    def summary(self, line_length: int | None = None, positions: Sequence[float] | None = None,
                print_fn: Any = None, expand_nested: bool = False, show_trainable: bool = False,
                layer_range: Sequence[str] | None = None) -> None:
        """Prints the layers, their output shapes and parameter counts (Keras's layout; see
        `neurx.models.summary.print_summary`)."""
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


Functional = Model
