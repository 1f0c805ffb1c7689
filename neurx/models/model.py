"""`Model`: a layer that can be trained. Functional when built from `inputs` and
`outputs`, subclassed when a subclass defines `call`.

No class is swapped at run time: a functional model is a `Model` holding a
`Graph`; its `call` runs the graph.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jax

from neurx.layers.layer import Layer
from neurx.layers.shape_inference import infer_output_spec
from neurx.models.graph import Graph
from neurx.models.summary import print_summary
from neurx.naming import did_you_mean
from neurx.saving.model_methods import SavingMethods
from neurx.symbolic import KerasTensor, is_symbolic
from neurx.training.lr_finder import LearningRateFinderMixin
from neurx.training.trainer import Trainer


class Model(SavingMethods, Trainer, LearningRateFinderMixin, Layer):
    """Groups layers into an object with training and inference features.

    Functional: `Model(inputs, outputs, name=None)`. Subclassing: define layers in
    `__init__` and the forward pass in `call(inputs, training=None)`.

    Example:
    >>> import numpy as np
    >>> from neurx import layers
    >>> inputs = layers.Input(shape=(3,))
    >>> model = Model(inputs, layers.Dense(1)(inputs))
    >>> model.predict(np.zeros((2, 3)), verbose=0).shape
    (2, 1)
    """

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
        self._require_graph("input")
        return self._graph.inputs

    @property
    def output(self):
        self._require_graph("output")
        return self._graph.outputs

    @property
    def input_shape(self):
        self._require_graph("input_shape")
        return jax.tree_util.tree_map(lambda t: t.shape, self._graph.inputs, is_leaf=is_symbolic)

    @property
    def output_shape(self):
        self._require_graph("output_shape")
        return jax.tree_util.tree_map(lambda t: t.shape, self._graph.outputs, is_leaf=is_symbolic)

    @property
    def input_names(self) -> list[str]:
        return [t.name for t in self.inputs] if self._graph is not None else []

    @property
    def output_names(self) -> list[str]:
        """Names of the outputs (the producing layers' names), used for loss and log keys."""
        if self._graph is None:
            return []
        return [t.node.layer.name for t in self._graph.flat_outputs]

    def _require_graph(self, what):
        if self._graph is None:
            raise AttributeError(
                f"Model '{self.name}' has no `{what}` yet: it is a subclassed model or has "
                "not been built on an input shape.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints the layers, their output shapes and parameter counts (Keras's layout).

        `layer_range=(first, last)` prints only the layers from the first whose name
        matches `first` to the last whose name matches `last`.
        """
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


Functional = Model
