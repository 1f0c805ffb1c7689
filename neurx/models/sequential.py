"""`Sequential`: a plain stack of layers, one input and one output."""
from __future__ import annotations

from neurx.layers.input_layer import InputLayer
from neurx.layers.layer import Layer
from neurx.models.graph import Graph
from neurx.models.model import Model
from neurx.saving import model_config
from neurx.symbolic import KerasTensor


class Sequential(Model):
    """A linear stack of layers.

    Accepts a list of layers, a single layer, or nothing followed by `add()`. The
    input shape comes from `input_shape=` on the first layer, an `InputLayer`, an
    `Input()`, or the first data it sees.

    Example:
    >>> from neurx import layers
    >>> model = Sequential([layers.Dense(30, activation="relu", input_shape=(8,)),
    ...                     layers.Dense(1)])
    >>> model.count_params()
    301
    """

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._stack: list[Layer] = []
        self._input_tensor = None
        self._last_output = None
        if layers is not None:
            for layer in (layers if isinstance(layers, (list, tuple)) else [layers]):
                self.add(layer)

    def add(self, layer) -> None:
        """Appends a layer (or sets the input, given an `InputLayer` or `Input()`)."""
        if isinstance(layer, KerasTensor):
            layer = layer.node.layer
        if isinstance(layer, InputLayer):
            if self._stack or self._input_tensor is not None:
                raise ValueError("An InputLayer can only be the first layer of a Sequential "
                                 "model.")
            self._set_input(layer.output)
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add() takes a layer instance. Received: {layer!r}"
                            + (" (a layer class: call it, e.g. Dense(10))"
                               if isinstance(layer, type) else ""))
        if any(layer is l for l in self._stack):
            raise ValueError(f"Layer '{layer.name}' is already in model '{self.name}'.")
        if any(layer.name == l.name for l in self._stack):
            raise ValueError("All layers added to a Sequential model should have unique names. "
                             f"Name '{layer.name}' is already the name of a layer in model "
                             f"'{self.name}'.")
        self._stack.append(layer)
        self._layers = list(self._stack)
        if self._input_tensor is None and layer._batch_input_shape is not None \
                and len(self._stack) == 1:
            self._set_input(InputLayer(batch_shape=layer._batch_input_shape).output)
        elif self._last_output is not None:
            self._append_to_graph(layer)
        else:
            self.built = False

    def pop(self) -> Layer:
        """Removes and returns the last layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        self._layers = list(self._stack)
        if self._input_tensor is not None:
            self._set_input(self._input_tensor)
        return layer

    def _set_input(self, tensor):
        self._input_tensor = tensor
        self._last_output = tensor
        for layer in self._stack:
            self._append_to_graph(layer)
        if not self._stack:
            self.built = False

    def _append_to_graph(self, layer):
        output = layer(self._last_output)
        if not isinstance(output, KerasTensor):
            raise ValueError(f"All layers in a Sequential model should have a single output "
                             f"tensor; layer '{layer.name}' returned {output!r}. Use the "
                             "functional API for multi-output layers.")
        self._last_output = output
        self._graph = Graph(self._input_tensor, output)
        self.built = True

    def build(self, input_shape=None):
        if self._graph is not None:
            return
        if input_shape is None:
            raise ValueError(f"Sequential model '{self.name}' cannot be built without an "
                             "input shape: give `input_shape=` to its first layer or call "
                             "it on data.")
        shape = tuple(input_shape)
        self._set_input(InputLayer(batch_shape=(None,) + shape[1:]).output)

    def call(self, inputs, training=None, mask=None):
        if self._graph is None:
            if not self._stack:
                raise ValueError(f"Sequential model '{self.name}' has no layers.")
            self.build(tuple(inputs.shape))
        return self._graph.run(inputs)

    @property
    def layers(self) -> list[Layer]:
        return list(self._stack)

    @property
    def input_layer(self):
        return self._input_tensor.node.layer if self._input_tensor is not None else None

    def get_config(self) -> dict:
        """Keras 3's Sequential config: the name and the layers' configs, in order.

        >>> from neurx import layers
        >>> [c["class_name"] for c in Sequential([layers.Dense(1, input_shape=(2,))]).get_config()["layers"]]
        ['InputLayer', 'Dense']
        """
        return model_config.sequential_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Sequential:
        """Rebuilds a Sequential model from `get_config()` (Keras 3 or Keras 2 form).

        >>> from neurx import layers
        >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
        >>> Sequential.from_config(model.get_config()).count_params()
        3
        """
        return model_config.sequential_from_config(cls, config, custom_objects)
