"""The `Layer` base class: Keras's layer contract on JAX arrays.

What it owns: argument checking, automatic names, weight creation
(`add_weight`), tracking of sub-layers and weights, building on the first call,
the `training` flag and masks handed down to nested calls (`call_context.py`), and the symbolic
path (a call on `KerasTensor`s records a `Node` instead of computing).
"""
from __future__ import annotations

import functools
import inspect
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from neurx import constraints, initializers, mixed_precision, naming, regularizers
from neurx.layers import call_context
from neurx.layers.memory_checks import check_fits_in_memory
from neurx.layers.shape_inference import infer_output_spec
from neurx.symbolic import KerasTensor, Node, any_symbolic, is_symbolic
from neurx.variables import Variable, autocast, current_scope, standardize_dtype

_BASE_KWARGS = ("trainable", "name", "dtype", "input_shape", "input_dim",
                "batch_input_shape", "batch_size", "autocast", "activity_regularizer",
                "input_length", "weights", "dynamic", "quantization_config")


class Layer:
    """Base class of every layer: subclass it with `build` and `call`.

    Args:
        trainable: whether the layer's weights are updated by training.
        name: a unique name; by default the class name in snake case, numbered.
        dtype: the dtype of weights and computations (default float32).
        input_shape / input_dim / batch_input_shape: Keras 2 spelling to declare the
            model's input on its first layer.

    Example:
    >>> import numpy as np
    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, inputs):
    ...         return inputs * self.w
    >>> Scale()(np.ones((2, 3))).shape
    (2, 3)
    """

    def __init__(self, trainable: bool = True, name: str | None = None,
                 dtype: str | mixed_precision.DTypePolicy | None = None, **kwargs: Any) -> None:
        naming.check_kwargs(kwargs, _BASE_KWARGS, f"{type(self).__name__}()")
        object.__setattr__(self, "_tracking", True)
        self._layers: list[Layer] = []
        self._own_variables: list[Variable] = []
        self._regularized: list[tuple] = []
        self._trainable = bool(trainable)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` of {type(self).__name__} must be a string. Received: "
                            f"name={name!r}")
        self.name = name or naming.unique_name(naming.to_snake_case(type(self).__name__))
        self._dtype_policy = mixed_precision.get(dtype)
        self._dtype = self._dtype_policy.variable_dtype
        self.built = False
        self.supports_masking = False
        self.activity_regularizer = regularizers.get(kwargs.get("activity_regularizer"))
        self._inbound_nodes: list[Node] = []
        self._activity_losses: list = []
        self._batch_input_shape = _declared_input_shape(kwargs)
        self._initial_weights = kwargs.get("weights")
        self._call_signature = inspect.signature(self.call)

    # ------------------------------------------------------------------ tracking
    def __setattr__(self, key, value):
        if getattr(self, "_tracking", False) and not key.startswith("__"):
            self._track(value)
        object.__setattr__(self, key, value)

    def _track(self, value):
        if isinstance(value, Layer):
            if value is not self and all(value is not l for l in self._layers):
                self._layers.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, Layer):
                    self._track(item)
        elif isinstance(value, dict):
            for item in value.values():
                if isinstance(item, Layer):
                    self._track(item)

    # ------------------------------------------------------------------ weights
    def add_weight(self, *args, shape=None, initializer=None, dtype=None, trainable=True,
                   regularizer=None, constraint=None, name=None, **kwargs):
        """Creates a weight `Variable` owned by this layer.

        Accepts Keras 3's `add_weight(shape, initializer, ...)` and Keras 2's
        `add_weight(name, shape, ...)` (a string first argument is the name).
        """
        if args and isinstance(args[0], str):
            name, args = args[0], args[1:]
        if args:
            shape, args = args[0], args[1:]
        if args:
            initializer = args[0]
        dtype = standardize_dtype(dtype or self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if "float" in dtype else "zeros"
        shape = _weight_shape(shape, self)
        check_fits_in_memory(self, shape, dtype, f"the weight '{name or 'variable'}'")
        init = initializers.get(initializer)
        with jax.ensure_compile_time_eval():
            value = init(shape, dtype=dtype) if callable(init) else init
        name = name or "variable"
        variable = Variable(value, name=name, trainable=trainable and self._trainable,
                            dtype=dtype, constraint=constraints.get(constraint),
                            path=f"{self.name}/{name}")
        variable.created_trainable = bool(trainable)
        self._own_variables.append(variable)
        reg = regularizers.get(regularizer)
        if reg is not None:
            self._regularized.append((variable, reg))
        return variable

    add_variable = add_weight

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool):
        value = bool(value)
        self._trainable = value
        for v in self._own_variables:
            if getattr(v, "created_trainable", True):
                v.trainable = value
        for layer in self._layers:
            layer.trainable = value

    @property
    def variables(self) -> list[Variable]:
        seen, out = set(), []
        for v in self._own_variables + [v for l in self._layers for v in l.variables]:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    @property
    def weights(self) -> list[Variable]:
        """Trainable weights first, then non-trainable, each in creation order (as Keras)."""
        own = self._own_variables
        ordered = [v for v in own if v.trainable] + [v for v in own if not v.trainable]
        seen, out = set(), []
        for v in ordered + [v for l in self._layers for v in l.weights]:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    @property
    def trainable_weights(self) -> list[Variable]:
        return [v for v in self.weights if v.trainable] if self._trainable else []

    @property
    def non_trainable_weights(self) -> list[Variable]:
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self) -> list[np.ndarray]:
        """The weights as NumPy arrays, in `self.weights` order."""
        return [np.asarray(v.value) for v in self.weights]

    def set_weights(self, weights) -> None:
        """Sets the weights from NumPy arrays, in `self.weights` order; checks shapes first."""
        own = self.weights
        if not isinstance(weights, (list, tuple)):
            raise TypeError(f"set_weights() of layer '{self.name}' takes a list of NumPy arrays "
                            f"(as get_weights() returns). Received: {type(weights).__name__}")
        weights = list(weights)
        count = "" if len(weights) == len(own) else \
            f"Layer '{self.name}' expects {len(own)} weights, but set_weights() received {len(weights)}. "
        for v, w in zip(own, weights):
            if tuple(np.shape(w)) != v.shape:
                owner = self._layer_owning(v)
                via = "" if owner is self else f" (set through '{self.name}')"
                raise ValueError(
                    f"{count}Layer '{owner.name}' ({type(owner).__name__}) weight '{v.name}' has "
                    f"shape {v.shape}, but set_weights(){via} received an array of shape "
                    f"{tuple(np.shape(w))}.")
        if count:
            rest = f"the extra ones have shapes {[np.shape(w) for w in weights[len(own):]]}" \
                if len(weights) > len(own) else "missing: " + ", ".join(
                    f"layer '{self._layer_owning(v).name}' weight '{v.name}' of shape {v.shape}"
                    for v in own[len(weights):])
            raise ValueError(f"{count}The first {min(len(own), len(weights))} arrays fit; {rest}.")
        for v, w in zip(own, weights):
            v.assign(w)

    def _layer_owning(self, variable) -> Layer:
        """The innermost layer (this one or a sublayer) that created `variable`."""
        for layer in self._layers:
            if any(v is variable for v in layer.variables):
                return layer._layer_owning(variable)
        return self

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(f"Layer '{self.name}' is not built yet, so it has no weights "
                             "to count. Call it on data or give its input shape.")
        return int(sum(np.prod(v.shape) for v in self.weights))

    @property
    def losses(self) -> list:
        """Regularization penalties of this layer and its sub-layers, plus activity losses."""
        out = [reg(v.value) for v, reg in self._regularized]
        out += list(self._activity_losses)
        for layer in self._layers:
            out += layer.losses
        return out

    def add_loss(self, loss) -> None:
        scope = current_scope()
        if scope is not None:
            scope.losses.append(loss)
        else:
            self._activity_losses.append(loss)

    @property
    def updates(self) -> list:
        """Keras 2 compatibility: updates are applied by the trainer, so this is empty."""
        return []

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def dtype_policy(self):
        return self._dtype_policy

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:   # a layer built by hand (`layer.build(shape)`) is built
            cls.build = _marks_built(cls.__dict__["build"])

    # ------------------------------------------------------------------ contract
    # Keras lists `activity_regularizer: None` in some layers' configs (convolutions,
    # Embedding, RNNs) and leaves it out of others' (Dense): files stay key for key Keras's.
    config_lists_activity_regularizer = False

    def build(self, input_shape) -> None:
        self.built = True

    def call(self, inputs, *args, **kwargs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return mask if self.supports_masking else None

    def compute_output_shape(self, input_shape):
        spec = jax.tree_util.tree_map(
            lambda s: KerasTensor(s, self._dtype), input_shape,
            is_leaf=lambda s: isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s))
        out = self.compute_output_spec(spec)
        return jax.tree_util.tree_map(lambda t: t.shape, out, is_leaf=is_symbolic)

    def compute_output_spec(self, *args, **kwargs):
        """Output KerasTensors of a call on KerasTensors, found by tracing the call."""
        return infer_output_spec(self, args, kwargs)

    def get_config(self) -> dict:
        """The base arguments; a subclass adds only its own constructor arguments.

        `activity_regularizer` is written when set (or always, as None, for the layers
        whose Keras config always lists it), and the Keras 2 `batch_input_shape` when the
        layer declared its input.

        >>> Layer(name="probe", activity_regularizer="l2").get_config()["activity_regularizer"]
        {'module': 'keras.regularizers', 'class_name': 'L2', 'config': {'l2': 0.01}, 'registered_name': None}
        """
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": self._dtype_policy.name}
        if self.activity_regularizer is not None or self.config_lists_activity_regularizer:
            config["activity_regularizer"] = (
                None if self.activity_regularizer is None
                else regularizers.serialize(self.activity_regularizer))
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    # ------------------------------------------------------------------ engine hooks
    # The trainer asks layers these questions instead of testing their classes.
    slow_in_cpu_loops = False   # gradients tens of times slower inside lax.scan on XLA:CPU

    def check_host_inputs(self, inputs) -> None:
        """Checks a model input's concrete array on the host before fit/evaluate/predict
        feed it to this layer, where a compiled step could not raise (Embedding checks its
        indices). The default accepts everything.

        >>> Layer().check_host_inputs(np.ones((2, 3)))
        """

    def can_run_as_matmul(self) -> bool:
        """Whether this built layer can switch to a matrix-product form that XLA:CPU runs
        fast inside a loop (narrow-window convolutions); asking changes nothing.

        >>> Layer().can_run_as_matmul()
        False
        """
        return False

    def run_as_matmul(self) -> None:
        """Switches to the matrix-product form; only for layers whose `can_run_as_matmul()`."""
        raise NotImplementedError(f"Layer '{self.name}' ({type(self).__name__}) has no "
                                  "matrix-product form: check can_run_as_matmul() first.")

    # ------------------------------------------------------------------ calling
    def __call__(self, *args, **kwargs):
        if any_symbolic((args, kwargs)):
            return self._call_symbolic(args, kwargs)
        return self._call_eager(args, kwargs)

    def _maybe_build(self, inputs):
        if self.built:
            return
        shapes = jax.tree_util.tree_map(lambda t: tuple(t.shape), inputs,
                                        is_leaf=lambda t: hasattr(t, "shape"))
        self._build_with(shapes)

    def _build_with(self, shapes):
        self.build(shapes)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _call_eager(self, args, kwargs):
        args = list(args)
        if not args:
            args = [kwargs.pop("inputs")]
        args[0] = _to_arrays(args[0], self.compute_dtype, self)
        context = call_context.current()
        outermost = context is None
        row_mask = kwargs.pop("row_mask", None)
        if outermost:
            context = call_context.CallContext(kwargs.get("training"), row_mask)
            call_context.enter(context)
        try:
            params = self._call_signature.parameters
            if "training" in params:
                if kwargs.get("training") is None:
                    kwargs["training"] = context.training
                training = kwargs["training"]
            else:
                training = kwargs.pop("training", context.training)
            if "mask" in params and kwargs.get("mask") is None:
                mask = call_context.mask_of_inputs(args[0], context)
                if mask is not None:
                    kwargs["mask"] = mask
            previous_training = context.training
            context.training = training
            try:
                self._maybe_build(args[0])
                with autocast(self.compute_dtype if self._dtype_policy.is_mixed else None):
                    outputs = self.call(*args, **kwargs)
            finally:
                context.training = previous_training
            if self.supports_masking or type(self).compute_mask is not Layer.compute_mask:
                out_mask = self.compute_mask(args[0], call_context.mask_of_inputs(args[0], context))
                if out_mask is not None and hasattr(outputs, "shape"):
                    context.set_mask(outputs, out_mask)
                elif isinstance(outputs, (list, tuple)) and isinstance(out_mask, (list, tuple)):
                    for output, mask in zip(outputs, out_mask):   # one mask per output
                        context.set_mask(output, mask)
            if self.activity_regularizer is not None:
                for output in jax.tree_util.tree_leaves(outputs):
                    self.add_loss(self.activity_regularizer(output) / output.shape[0])
            return outputs
        finally:
            if outermost:
                call_context.leave()

    def _call_symbolic(self, args, kwargs):
        args = list(args) if args else [kwargs.pop("inputs")]
        first = args[0]
        if not self.built:
            shapes = jax.tree_util.tree_map(lambda t: t.shape if is_symbolic(t) else np.shape(t),
                                            first, is_leaf=is_symbolic)
            self._build_with(shapes)
        outputs = self.compute_output_spec(*args, **kwargs)
        node = Node(self, tuple(args), kwargs, outputs)
        for index, tensor in enumerate(node.flat_outputs):
            tensor.node, tensor.index = node, index
        self._inbound_nodes.append(node)
        return outputs

    # ------------------------------------------------------------------ graph views
    @property
    def input(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on a "
                                 "symbolic input, so it has no `input`.")
        args = self._inbound_nodes[0].args
        return args[0]

    @property
    def output(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on a "
                                 "symbolic input, so it has no `output`.")
        return self._inbound_nodes[0].outputs

    @property
    def input_shape(self):
        return jax.tree_util.tree_map(lambda t: t.shape, self.input, is_leaf=is_symbolic)

    @property
    def output_shape(self):
        return jax.tree_util.tree_map(lambda t: t.shape, self.output, is_leaf=is_symbolic)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _marks_built(build):
    @functools.wraps(build)
    def build_and_mark(self, *args, **kwargs):
        result = build(self, *args, **kwargs)
        self.built = True
        return result
    return build_and_mark


def _declared_input_shape(kwargs) -> tuple | None:
    if kwargs.get("batch_input_shape") is not None:
        return tuple(kwargs["batch_input_shape"])
    if kwargs.get("input_shape") is not None:
        shape = kwargs["input_shape"]
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        return (kwargs.get("batch_size"),) + tuple(None if d is None else int(d) for d in shape)
    if kwargs.get("input_dim") is not None:
        dims = (int(kwargs["input_dim"]),)
        if kwargs.get("input_length") is not None:   # Keras 1: RNN(input_dim=8, input_length=10)
            dims = (int(kwargs["input_length"]),) + dims
        return (kwargs.get("batch_size"),) + dims
    return None


def _weight_shape(shape, layer) -> tuple:
    try:
        sizes = tuple(int(d) for d in (shape or ()))
    except (TypeError, ValueError):
        sizes = (-1,)
    if any(d < 0 for d in sizes):
        raise ValueError(f"`shape` of add_weight() in layer '{layer.name}' must hold sizes "
                         f">= 0. Received: shape={shape!r}")
    return sizes


def _to_arrays(tree, dtype, layer):
    """Inputs become arrays, floating ones in the layer's compute dtype (as Keras autocasts);
    text is refused naming the layer (the lookup layers turn it into indices first)."""
    def convert(x):
        if isinstance(x, Variable):
            return x.value
        if isinstance(x, (np.ndarray, list, float, int, np.generic, str, bytes)):
            array = np.asarray(x)
            if array.dtype.kind in "USO" and any(isinstance(v, (str, bytes))
                                                for v in array.reshape(-1)[:1].tolist()):
                raise TypeError(f"Layer '{layer.name}' ({type(layer).__name__}) computes on "
                                f"numbers, but received text (an array of dtype {array.dtype}"
                                "). Turn text into numbers first: keras.layers.StringLookup "
                                "for categories, keras.layers.TextVectorization for "
                                "sentences.")
            if array.dtype.kind == "f":
                return jnp.asarray(array, dtype=dtype if "float" in dtype else None)
            return jnp.asarray(array)
        if hasattr(x, "dtype") and jnp.issubdtype(x.dtype, jnp.floating) and "float" in dtype:
            return x.astype(dtype)
        return x
    return jax.tree_util.tree_map(convert, tree,
                                  is_leaf=lambda x: isinstance(x, (Variable, np.ndarray)))
