"""`compile`, `fit`, `evaluate` and `predict`: the training loop around the jitted steps.

What it owns: argument handling and checks, putting data on the device, the
epoch/chunk loop with callbacks between chunks, validation, and the return
values Keras gives (`History`, scalars or lists, dicts with `return_dict`).
The numerical work is in `steps.py`; the data forms in `data.py`.
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jax
import numpy as np

from neurx import optimizers, rng
from neurx.distribution import distribution as current_distribution
from neurx.layers.shape_inference import infer_output_spec
from neurx.naming import check_kwargs, unknown_key_hint
from neurx.optimizers.base import Optimizer
from neurx.support.progbar import dynamic_display
from neurx.symbolic import KerasTensor
from neurx.training import data as data_utils
from neurx.training.argument_checks import check_loop_arguments
from neurx.training.batch_methods import BatchMethods
from neurx.training.callback import Callback
from neurx.training.callback_list import CallbackList
from neurx.training.chunks import make_chunks
from neurx.training.epoch_loop import progress_chunk, train_epoch
from neurx.training.history import History
from neurx.training.input_checks import check_numeric_inputs
from neurx.training.label_checks import check_labels
from neurx.training.legacy_methods import LegacyMethods
from neurx.training.objectives import Objectives, validate_identifiers
from neurx.training.stateless_methods import StatelessMethods
from neurx.training.steps import Steps
from neurx.training.stream_chunks import StreamChunks

# What fit/evaluate/predict take as data: an array, a list or dict of arrays (by input
# name), a generator of batches, or a `PyDataset`/`Sequence`.
Data = Any
# A loss or metric: a name, a function, an object, or a list or dict of them per output.
Objective = str | Callable | Sequence | Mapping | None
Callbacks = Sequence[Callback] | CallbackList | None

_COMPILE_KWARGS = ("optimizer", "loss", "metrics", "loss_weights", "weighted_metrics",
                   "run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss",
                   "sample_weight_mode", "target_tensors", "distribute")
_FIT_LEGACY = ("max_queue_size", "workers", "use_multiprocessing")
# A terminal's progress bar moves inside an epoch only when the epoch is long enough to watch:
# a dense network costs about 6 flops per parameter and row to train (2 to infer), and below
# ~5 GFLOP (tens of ms on a CPU) the epoch runs as one program and the bar shows its end.
_FLOPS_PER_PARAMETER = {"train": 6, "test": 2, "predict": 2}
_VISIBLE_EPOCH_FLOPS = 5e9


class Trainer(BatchMethods, LegacyMethods, StatelessMethods):
    """The training API shared by every `Model` (mixed into `neurx.Model`).

    To customize what `fit` does in each step, define `train_step(self, state, data)`
    in the stateless form of Keras 3's JAX guide: `state` is `(trainable_variables,
    non_trainable_variables, optimizer_variables, metrics_variables)` as lists of
    arrays, `data` is `(x, y)`; return `(logs, new_state)`. Use `stateless_call`,
    `compute_loss`, `optimizer.stateless_apply` and the metrics'
    `stateless_update_state`/`stateless_result` inside it.
    """

    train_step = None
    compiled = False
    _run_eagerly = False
    _auto_scale_loss = True
    _steps = None
    _steps_per_execution = 1

    def compile(self, optimizer: str | Optimizer = "rmsprop", loss: Objective = None,
                metrics: Objective = None,
                loss_weights: Sequence[float] | Mapping[str, float] | None = None,
                weighted_metrics: Objective = None, run_eagerly: bool = False,
                steps_per_execution: int = 1, jit_compile: bool | str = "auto",
                auto_scale_loss: bool = True, **kwargs) -> None:
        """Configures the model for training.

        Example:
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(1, input_shape=(3,))])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        """
        check_kwargs(kwargs, _COMPILE_KWARGS, "compile()", _COMPILE_KWARGS)
        if jit_compile not in ("auto", None, True, False):
            raise ValueError("jit_compile must be 'auto', True or False (False runs the steps "
                             f"without XLA compilation). Received: jit_compile={jit_compile!r}")
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self._compile_args = dict(loss=loss, loss_weights=loss_weights, metrics=metrics,
                                  weighted_metrics=weighted_metrics)
        validate_identifiers(loss, metrics, weighted_metrics)
        self._objectives = Objectives(loss, loss_weights, metrics, self.output_names,
                                      weighted_metrics) if self._graph is not None else None
        self._steps_per_execution = max(1, int(steps_per_execution))
        self._auto_scale_loss = bool(auto_scale_loss)
        self.jit_compile = jit_compile is not False and not run_eagerly
        self._run_eagerly = not self.jit_compile
        self._steps = None
        self.compiled = True
        self.stop_training = False

    def _ensure_objectives(self, x_leaves, x_treedef) -> Objectives:
        """Creates the objectives once the model's outputs are known (subclassed models)."""
        if self._objectives is None:
            names = self.output_names
            if not names:
                count = len(self._output_shapes(x_leaves, x_treedef))
                names = ["output"] if count == 1 else [f"output_{i + 1}" for i in range(count)]
            args = self._compile_args
            self._objectives = Objectives(args["loss"], args["loss_weights"], args["metrics"],
                                          names, args["weighted_metrics"])
        return self._objectives

    @property
    def metrics_names(self) -> list[str]:
        return self._objectives.log_names() if self._objectives and self._objectives.built else ["loss"]

    @property
    def metrics(self) -> list:
        return self._objectives.all_metric_objects() if self._objectives and self._objectives.built else []

    # ------------------------------------------------------------------ preparation
    def _require_compiled(self, method):
        if not self.compiled:
            raise RuntimeError(f"You must call compile() before {method}(): the model "
                               "needs a loss and an optimizer. For example: "
                               "model.compile(optimizer='adam', loss='mse').")

    def _prepare(self, x, y=None):
        """Builds the model from data if needed and returns (x leaves, treedef, y leaves)."""
        x_struct = _standardize_x(x)
        if isinstance(x_struct, dict) and self._graph is not None:
            names = [t.name for t in self._graph.flat_inputs]
            missing = [n for n in names if n not in x_struct]
            if missing:
                raise ValueError(f"Missing data for model inputs {missing}: the dict keys must "
                                 f"be the Input names {names}. Received keys {list(x_struct)}."
                                 f"{unknown_key_hint(x_struct, names)}")
            x_struct = [x_struct[n] for n in names]
        x_leaves, x_treedef = jax.tree_util.tree_flatten(x_struct)
        if not self.built:
            self._maybe_build(x_struct)
        check_numeric_inputs(self._graph, x_leaves)
        self._check_input_shapes(x_leaves)
        if self._graph is not None:
            _check_host_inputs(self._graph, x_leaves)
        y_leaves = self._standardize_y(y) if y is not None else []
        return x_leaves, x_treedef, y_leaves

    def _check_input_shapes(self, x_leaves):
        if self._graph is None:
            return
        inputs = self._graph.flat_inputs
        if len(x_leaves) != len(inputs):
            raise ValueError(f"Model '{self.name}' expects {len(inputs)} input(s) "
                             f"{[t.name for t in inputs]}, but received {len(x_leaves)} input "
                             "array(s).")
        for tensor, array in zip(inputs, x_leaves):
            expected, got = tensor.shape, tuple(array.shape)
            if len(expected) != len(got) or any(e is not None and e != g
                                                for e, g in zip(expected[1:], got[1:])):
                fed = [f"'{node.layer.name}' ({type(node.layer).__name__})"
                       for node in self._graph.nodes if any(t is tensor for t in node.inbound)]
                raise ValueError(
                    f"Input '{tensor.name}' of model '{self.name}' is incompatible with the "
                    f"data: the model expects shape {expected}, but received data of shape "
                    f"{got}." + (f" The input feeds layer {', '.join(fed)}." if fed else ""))

    def _standardize_y(self, y) -> list:
        if isinstance(y, dict):
            names = self._objectives.output_names
            missing = [n for n in names if n not in y]
            if missing:
                raise ValueError(f"Missing targets for outputs {missing}; the model's outputs "
                                 f"are {names}. Received keys {list(y)}."
                                 f"{unknown_key_hint(y, names)}")
            return [data_utils.to_numpy(y[n]) for n in names]
        n_outputs = len(self._objectives.output_names) if self._objectives else 1
        if isinstance(y, (list, tuple)) and n_outputs > 1:
            return [data_utils.to_numpy(v) for v in y]
        if isinstance(y, tuple) and n_outputs == 1 and len(y) == 1:
            y = y[0]
        return [data_utils.to_numpy(y)]

    def _ensure_steps(self, x_leaves, x_treedef, y_leaves):
        self._ensure_objectives(x_leaves, x_treedef)
        if not self._objectives.built:
            y_pred_shapes = self._output_shapes(x_leaves, x_treedef)
            self._objectives.build([tuple(a.shape) for a in y_leaves], y_pred_shapes)
        if self._steps is None or self._steps.x_treedef != x_treedef or \
                self._trainable_signature() != self._steps_signature:
            self._steps = Steps(self, self._objectives, self.optimizer, x_treedef,
                                custom_train_step=self.train_step is not None,
                                loss_scaling=self._auto_scale_loss and
                                self._dtype_policy.compute_dtype == "float16",
                                run_eagerly=self._run_eagerly)
            self._steps_signature = self._trainable_signature()
            place_variables(self)
            if not self.optimizer.is_built_for(self._steps.trainable_vars):
                self.optimizer.build(self._steps.trainable_vars)
        return self._steps

    def _trainable_signature(self):
        return tuple(id(v) for v in self.trainable_weights)

    def _output_spec(self, x_leaves, x_treedef):
        specs = [KerasTensor((None,) + tuple(a.shape[1:]), a.dtype) for a in x_leaves]
        structure = jax.tree_util.tree_unflatten(x_treedef, specs)
        if self._graph is not None:
            return self._graph.outputs
        return infer_output_spec(self, (structure,), {})

    def _output_shapes(self, x_leaves, x_treedef):
        flat = jax.tree_util.tree_leaves(self._output_spec(x_leaves, x_treedef),
                                         is_leaf=lambda t: isinstance(t, KerasTensor))
        return [t.shape for t in flat]

    def _make_callbacks(self, callbacks, verbose, epochs, steps, add_history):
        if isinstance(callbacks, CallbackList):
            return callbacks
        cbs = CallbackList(callbacks, add_history=add_history, add_progbar=verbose != 0,
                           model=self, verbose=verbose, epochs=epochs, steps=steps)
        return cbs

    # ------------------------------------------------------------------ data
    def _arrays(self, x, y, sample_weight=None, class_weight=None, targets=True):
        """`(x_leaves, x_treedef, y_leaves, sample_weight)` host arrays of one data set or
        batch: the model's input checks, and `class_weight` folded into the sample weights."""
        x_leaves, x_treedef, _ = self._prepare(x, None)
        y_leaves = self._standardize_y_for_fit(y, x_leaves, x_treedef) if targets else []
        objectives = getattr(self, "_objectives", None)
        names = objectives.output_names if objectives else ("output",)
        sw = data_utils.combined_sample_weight(y_leaves, sample_weight, class_weight, names)
        data_utils.check_same_count(x_leaves, y_leaves, sw)
        return x_leaves, x_treedef, y_leaves, sw

    def _checked_arrays(self, x, y, sample_weight=None, class_weight=None, targets=True):
        """`_arrays` of a whole data set or of a streamed batch, whose labels are checked
        against the outputs (`label_checks.py`) before training or evaluating on them."""
        x_leaves, x_treedef, y_leaves, sw = self._arrays(x, y, sample_weight, None, targets)
        if y_leaves:
            objectives = self._objectives
            shapes = objectives.y_pred_shapes if objectives.built else \
                self._output_shapes(x_leaves, x_treedef)
            check_labels(objectives.output_names, objectives.losses, y_leaves, shapes,
                         class_weight)
            if class_weight is not None:
                sw = data_utils.combined_sample_weight(y_leaves, sw, class_weight)
        return x_leaves, x_treedef, y_leaves, sw

    def _source(self, x, y=None, batch_size=None, sample_weight=None, class_weight=None,
                steps_limit=None, targets=True):
        """The batch source of `x`: rows on the device or staged from the host
        (`chunks.py`), or a generator's or `Sequence`'s batches (`stream_chunks.py`)."""
        if data_utils.is_batch_source(x):
            def prepare(batch_x, batch_y, batch_weight):
                return self._checked_arrays(batch_x, batch_y, batch_weight, class_weight,
                                            targets and batch_y is not None)
            return StreamChunks(x, prepare, steps_limit)
        x_leaves, x_treedef, y_leaves, sw = self._checked_arrays(x, y, sample_weight,
                                                                 class_weight, targets)
        return make_chunks(x_leaves, x_treedef, y_leaves, sw, int(batch_size or 32), steps_limit)

    # ------------------------------------------------------------------ fit
    def fit(self, x: Data = None, y: Data = None, batch_size: int | None = None,
            epochs: int = 1, verbose: int | str = "auto", callbacks: Callbacks = None,
            validation_split: float = 0.0, validation_data: Data = None, shuffle: bool = True,
            class_weight: Mapping[int, float] | None = None, sample_weight: Data = None,
            initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_batch_size: int | None = None,
            validation_freq: int = 1, **kwargs) -> History:
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
        check_kwargs(kwargs, _FIT_LEGACY, "fit()", _parameters(self.fit))
        check_loop_arguments("fit()", verbose=verbose, batch_size=batch_size, epochs=epochs,
                             initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                             validation_steps=validation_steps, validation_freq=validation_freq,
                             validation_batch_size=validation_batch_size)
        self._require_compiled("fit")
        verbose = 1 if verbose == "auto" else int(verbose)
        source, validation = self._fit_sources(
            x, y, batch_size, sample_weight, class_weight, steps_per_epoch, validation_split,
            validation_data, validation_batch_size, validation_steps)
        steps = self._ensure_steps(*source.sample)
        cbs = self._make_callbacks(callbacks, verbose, epochs, source.steps, True)
        chunk = source.max_chunk(self._chunk_size(cbs, "train", source.steps, verbose, source.n))
        key = rng.draw_key()
        self.stop_training = False
        cbs.on_train_begin()
        initial_epoch = int(getattr(self, "_initial_epoch", None) or initial_epoch)
        self._initial_epoch = None          # set by BackupAndRestore.on_train_begin
        logs = {}
        for epoch in range(initial_epoch, int(epochs)):
            cbs.on_epoch_begin(epoch)
            logs = train_epoch(self, steps, source, cbs, key, epoch, chunk, shuffle)
            epoch_logs = dict(logs)
            if validation is not None and (epoch + 1) % int(validation_freq) == 0:
                val_logs = self._evaluate_source(validation, 0, cbs, True)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            logs = epoch_logs
            if self.stop_training:
                break
        cbs.on_train_end(logs)
        return self.history

    def _fit_sources(self, x, y, batch_size, sample_weight, class_weight, steps_per_epoch,
                     validation_split, validation_data, validation_batch_size, validation_steps):
        """The training source and the validation source (None without validation)."""
        if y is None and isinstance(x, tuple) and len(x) in (2, 3) and validation_split == 0:
            raise ValueError("fit() received `x` but no `y`. Pass targets as `y=` "
                             "(model.fit(X_train, y_train)).")
        val_batch = validation_batch_size or batch_size
        if validation_split and validation_data is None and not data_utils.is_batch_source(x):
            return self._split_sources(x, y, batch_size, val_batch, sample_weight, class_weight,
                                       steps_per_epoch, validation_split)
        source = self._source(x, y, batch_size, sample_weight, class_weight, steps_per_epoch)
        if validation_data is None:
            return source, None
        vx, vy, vw = (validation_data, None, None) if data_utils.is_batch_source(validation_data) \
            else data_utils.unpack_validation(validation_data)
        return source, self._source(vx, vy, val_batch, vw, steps_limit=validation_steps)

    def _split_sources(self, x, y, batch_size, val_batch, sample_weight, class_weight,
                       steps_per_epoch, validation_split):
        """Keras's `validation_split`: the last rows validate, taken before shuffling."""
        x_leaves, x_treedef, y_leaves, sw = self._checked_arrays(x, y, sample_weight,
                                                                 class_weight)
        weights = [] if sw is None else [sw]
        train_part, val_part = data_utils.split_validation(x_leaves + y_leaves + weights,
                                                           validation_split)
        nx, ny = len(x_leaves), len(y_leaves)

        def chunks(part, size, steps_limit=None):
            return make_chunks(part[:nx], x_treedef, part[nx:nx + ny],
                               part[nx + ny] if weights else None, int(size or 32), steps_limit)
        return chunks(train_part, batch_size, steps_per_epoch), chunks(val_part, val_batch)

    def _standardize_y_for_fit(self, y, x_leaves, x_treedef):
        self._ensure_objectives(x_leaves, x_treedef)
        if y is None:
            raise ValueError("fit() needs targets `y` for a model compiled with a loss. "
                             "Received y=None.")
        return self._standardize_y(y)

    def _reset_metrics_values(self):
        for metric in self.metrics:
            metric.reset_state()

    def _chunk_size(self, cbs, kind, total_steps, verbose, rows):
        if cbs.needs_batch_hooks(kind) or self._steps_per_execution > 1:
            return self._steps_per_execution
        if verbose == 1 and rows and dynamic_display() and \
                _FLOPS_PER_PARAMETER[kind] * self.count_params() * rows >= _VISIBLE_EPOCH_FLOPS:
            return progress_chunk(total_steps)
        return max(1, total_steps or 1)

    def _logs(self, results) -> dict:
        """Plain floats, in Keras's key order (a dict out of jit comes back key-sorted)."""
        names = self._objectives.log_names()
        if set(results) != set(names):
            names = list(results)
        values = jax.device_get(results)   # one transfer for all of them
        return {name: float(values[name]) for name in names}

    # ------------------------------------------------------------------ evaluate
    def evaluate(self, x: Data = None, y: Data = None, batch_size: int | None = None,
                 verbose: int | str = "auto", sample_weight: Data = None,
                 steps: int | None = None, callbacks: Callbacks = None,
                 return_dict: bool = False, **kwargs) -> float | list[float] | dict[str, float]:
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
        check_kwargs(kwargs, _FIT_LEGACY, "evaluate()", _parameters(self.evaluate))
        check_loop_arguments("evaluate()", verbose=verbose, batch_size=batch_size, steps=steps)
        self._require_compiled("evaluate")
        verbose = 1 if verbose == "auto" else int(verbose)
        source = self._source(x, y, batch_size, sample_weight, steps_limit=steps)
        logs = self._evaluate_source(source, verbose, callbacks, False)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_source(self, source, verbose, callbacks, in_fit):
        steps = self._ensure_steps(*source.sample)
        verbose = 0 if in_fit else verbose
        cbs = self._make_callbacks(callbacks, verbose, 1, source.steps, False)
        chunk = source.max_chunk(self._chunk_size(cbs, "test", source.steps, verbose, source.n))
        state = steps.gather(_evaluation_key())
        cbs.on_test_begin()
        logs = {}
        for start, end, data, indices, masks in source.epoch(chunk)[1]:
            cbs.on_test_batch_begin(start)
            state, chunk_logs = steps.test_chunk(state, data, indices, masks)
            logs = self._logs(chunk_logs)
            cbs.on_test_batch_end(end - 1, logs)
        steps.scatter_metrics(state.metrics)
        cbs.on_test_end(logs)
        return logs

    # ------------------------------------------------------------------ predict
    def predict(self, x: Data, batch_size: int | None = None, verbose: int | str = "auto",
                steps: int | None = None, callbacks: Callbacks = None,
                **kwargs) -> np.ndarray | list[np.ndarray]:
        """Generates output predictions for the input samples (a list for several outputs).

        Example:
        >>> import numpy as np
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(2, input_shape=(3,))])
        >>> model.predict(np.ones((5, 3)), verbose=0).shape
        (5, 2)
        """
        check_kwargs(kwargs, _FIT_LEGACY, "predict()", _parameters(self.predict))
        check_loop_arguments("predict()", verbose=verbose, batch_size=batch_size, steps=steps)
        verbose = 1 if verbose == "auto" else int(verbose)
        source = self._source(x, batch_size=batch_size, steps_limit=steps, targets=False)
        program = self._predict_program(source.sample[1])
        cbs = self._make_callbacks(callbacks, verbose, 1, source.steps, False)
        chunk = source.max_chunk(self._chunk_size(cbs, "predict", source.steps, verbose,
                                                  source.n))
        trainable = [v.value for v in program.trainable_vars]
        non_trainable = [v.value for v in program.non_trainable_vars]
        cbs.on_predict_begin()
        pieces, real_rows = [], []
        key = rng.draw_key()   # a fresh key per call, as Keras's seed generators
        for start, end, (x_dev, _, _), indices, masks in source.epoch(chunk)[1]:
            cbs.on_predict_batch_begin(start)
            out = program.predict_chunk(trainable, non_trainable, x_dev, indices, key, start)
            pieces.append(out)
            real_rows.append(masks)
            cbs.on_predict_batch_end(end - 1, {"outputs": out})
        cbs.on_predict_end()
        if not pieces:
            raise ValueError("predict() received no batches: the data source is empty.")
        real = np.concatenate([np.asarray(m).ravel() for m in real_rows]) > 0
        outputs = jax.tree_util.tree_map(
            lambda *parts: np.concatenate([np.asarray(p).reshape((-1,) + p.shape[2:])
                                           for p in parts])[real], *pieces)
        if isinstance(outputs, tuple):
            outputs = list(outputs)
        return outputs

    def _predict_program(self, x_treedef):
        cached = getattr(self, "_predict_steps", None)
        if cached is not None and cached.x_treedef == x_treedef and \
                cached.signature == (self._trainable_signature(), len(self.variables)):
            return cached
        place_variables(self)
        program = Steps(self, None, None, x_treedef)
        program.signature = (self._trainable_signature(), len(self.variables))
        self._predict_steps = program
        return program


def _standardize_x(x):
    if isinstance(x, dict):
        return {k: data_utils.to_numpy(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and x and all(hasattr(v, "shape") for v in x):
        return [data_utils.to_numpy(v) for v in x]
    return data_utils.to_numpy(x)


def place_variables(model) -> None:
    """Puts each variable where the current distribution wants it (nothing without one)."""
    dist = current_distribution()
    if dist is None:
        return
    for v in model.variables:
        v._value = dist.to_global(np.asarray(v._value), dist.variable_sharding(v))


@functools.cache
def _evaluation_key():
    """The key of inference steps (no layer draws from it when training=False)."""
    return jax.random.key(0)


def _parameters(method) -> list[str]:
    return list(inspect.signature(method).parameters)


def _check_host_inputs(graph, arrays) -> None:
    """Lets each layer fed straight from a model input check that input's array on the host
    (`Layer.check_host_inputs`), before a compiled step that cannot raise runs on it."""
    position = {id(tensor): i for i, tensor in enumerate(graph.flat_inputs)}
    for node in graph.nodes:
        for tensor in node.inbound:
            if id(tensor) in position:
                node.layer.check_host_inputs(arrays[position[id(tensor)]])
