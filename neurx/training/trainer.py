"""The training engine behind `Model.compile`/`fit`/`evaluate`/`predict`: one `Trainer` per
compiled model (`model._trainer`), which the model's public methods delegate to.

What it owns: what `compile()` was given (objectives, steps per execution, loss scaling),
the compiled programs (`steps.py`) and when they are rebuilt, the loops around them (the
epoch/chunk loop with callbacks between chunks, validation, one-batch calls) and the
return values Keras gives. The model keeps what Keras users read on it (`optimizer`,
`loss`, `stop_training`, `history`); the data forms are in `model_inputs.py` and
`data.py`, the numerical work in `steps.py`.
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from neurx import rng, validation
from neurx.distribution import distribution as current_distribution
from neurx.layers.layer import Layer
from neurx.layers.shape_inference import infer_output_spec
from neurx.naming import check_kwargs
from neurx.support.progbar import dynamic_display
from neurx.symbolic import KerasTensor
from neurx.training import data as data_utils
from neurx.training.argument_checks import check_loop_arguments
from neurx.training.callback import Callback
from neurx.training.callback_list import CallbackList
from neurx.training.chunks import make_chunks
from neurx.training.epoch_loop import progress_chunk, train_epoch
from neurx.training.history import History
from neurx.training.label_checks import check_labels
from neurx.training.model_inputs import input_arrays, target_arrays
from neurx.training.objectives import Objectives, validate_identifiers
from neurx.training.steps import Steps, regularized_pairs
from neurx.training.stream_chunks import StreamChunks

# What fit/evaluate/predict take as data: an array, a list or dict of arrays (by input
# name), a generator of batches, or a `PyDataset`/`Sequence`.
Data = Any
# A loss or metric: a name, a function, an object, or a list or dict of them per output.
Objective = str | Callable | Sequence | Mapping | None
Callbacks = Sequence[Callback] | CallbackList | None

COMPILE_KWARGS = ("sample_weight_mode", "target_tensors", "distribute")
_FIT_LEGACY = ("max_queue_size", "workers", "use_multiprocessing")
# A terminal's progress bar moves inside an epoch only when the epoch is long enough to watch:
# a dense network costs about 6 flops per parameter and row to train (2 to infer), and below
# ~5 GFLOP (tens of ms on a CPU) the epoch runs as one program and the bar shows its end.
_FLOPS_PER_PARAMETER = {"train": 6, "test": 2, "predict": 2}
_VISIBLE_EPOCH_FLOPS = 5e9


class Trainer:
    """The training engine of one model: `Trainer(model, **what compile() was given)`.

    `Model.compile` creates one (an uncompiled model gets one with `compiled=False`, for
    `predict`); the
    model's `fit`, `evaluate`, `predict` and one-batch methods call it. It reads
    the model through its public API and `model.optimizer`, and calls
    `model.train_step` when the user defined one (Keras 3's stateless JAX form).

    Example:
    >>> import numpy as np
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(1, input_shape=(3,))])
    >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    >>> model._trainer.compile_args["metrics"], model._trainer.steps_per_execution
    (['mae'], 1)
    """

    def __init__(self, model: Layer, loss: Objective = None,
                 loss_weights: Sequence[float] | Mapping[str, float] | None = None,
                 metrics: Objective = None, weighted_metrics: Objective = None,
                 steps_per_execution: int = 1, auto_scale_loss: bool = True,
                 jit_compile: bool | str = "auto", run_eagerly: bool = False,
                 compiled: bool = True) -> None:
        if jit_compile not in ("auto", None, True, False):
            raise ValueError("jit_compile must be 'auto', True or False (False runs the steps "
                             f"without XLA compilation). Received: jit_compile={jit_compile!r}")
        validate_identifiers(loss, metrics, weighted_metrics)
        self.model = model
        self.compile_args = dict(loss=loss, loss_weights=loss_weights, metrics=metrics,
                                 weighted_metrics=weighted_metrics)
        self.objectives = Objectives(loss, loss_weights, metrics, model.output_names,
                                     weighted_metrics) if compiled and model.output_names else None
        self.steps_per_execution = validation.whole_number(steps_per_execution,
                                                           "steps_per_execution", "compile()")
        self.auto_scale_loss = bool(auto_scale_loss)
        self.jit_compile = jit_compile is not False and not run_eagerly
        self.steps: Steps | None = None
        self._steps_signature = None
        self._predict_steps: Steps | None = None

    def ensure_objectives(self, x_leaves, x_treedef) -> Objectives:
        """Creates the objectives once the model's outputs are known (subclassed models)."""
        if self.objectives is None:
            names = self.model.output_names
            if not names:
                count = len(self.output_shapes(x_leaves, x_treedef))
                names = ["output"] if count == 1 else [f"output_{i + 1}" for i in range(count)]
            args = self.compile_args
            self.objectives = Objectives(args["loss"], args["loss_weights"], args["metrics"],
                                         names, args["weighted_metrics"])
        return self.objectives

    @property
    def metrics_names(self) -> list[str]:
        """The log names in Keras's order (`["loss"]` until the objectives are built)."""
        built = self.objectives is not None and self.objectives.built
        return self.objectives.log_names() if built else ["loss"]

    @property
    def metrics(self) -> list:
        """The metric objects, the loss tracker first (none until they are built)."""
        built = self.objectives is not None and self.objectives.built
        return self.objectives.all_metric_objects() if built else []

    # ------------------------------------------------------------------ preparation
    def target_arrays(self, y) -> list:
        names = self.objectives.output_names if self.objectives else ("output",)
        return target_arrays(names, y)

    def ensure_steps(self, x_leaves, x_treedef, y_leaves) -> Steps:
        """The compiled programs for this data's structure and the current trainable
        variables (rebuilt when `trainable` changed since)."""
        model = self.model
        self.ensure_objectives(x_leaves, x_treedef)
        if not self.objectives.built:
            y_pred_shapes = self.output_shapes(x_leaves, x_treedef)
            self.objectives.build([tuple(a.shape) for a in y_leaves], y_pred_shapes)
        if self.steps is None or self.steps.x_treedef != x_treedef or \
                self._trainable_signature() != self._steps_signature:
            self.steps = Steps(model, self.objectives, model.optimizer, x_treedef,
                               custom_train_step=model.train_step is not None,
                               loss_scaling=self.auto_scale_loss and
                               model.dtype_policy.compute_dtype == "float16",
                               run_eagerly=not self.jit_compile)
            self._steps_signature = self._trainable_signature()
            place_variables(model)
            if not model.optimizer.is_built_for(self.steps.trainable_vars):
                model.optimizer.build(self.steps.trainable_vars)
        return self.steps

    def _trainable_signature(self):
        return tuple(id(v) for v in self.model.trainable_weights)

    def output_shapes(self, x_leaves, x_treedef) -> list[tuple]:
        """The shapes of the model's outputs on data of this structure."""
        graph = getattr(self.model, "_graph", None)
        if graph is not None:
            spec = graph.outputs
        else:
            specs = [KerasTensor((None,) + tuple(a.shape[1:]), a.dtype) for a in x_leaves]
            structure = jax.tree_util.tree_unflatten(x_treedef, specs)
            spec = infer_output_spec(self.model, (structure,), {})
        flat = jax.tree_util.tree_leaves(spec, is_leaf=lambda t: isinstance(t, KerasTensor))
        return [t.shape for t in flat]

    def _make_callbacks(self, callbacks, verbose, epochs, steps, add_history):
        if isinstance(callbacks, CallbackList):
            return callbacks
        return CallbackList(callbacks, add_history=add_history, add_progbar=verbose != 0,
                            model=self.model, verbose=verbose, epochs=epochs, steps=steps)

    # ------------------------------------------------------------------ data
    def arrays(self, x, y, sample_weight=None, class_weight=None, targets=True):
        """`(x_leaves, x_treedef, y_leaves, sample_weight)` host arrays of one data set or
        batch: the model's input checks, and `class_weight` folded into the sample weights."""
        x_leaves, x_treedef = input_arrays(self.model, x)
        y_leaves = self._fit_targets(y, x_leaves, x_treedef) if targets else []
        names = self.objectives.output_names if self.objectives else ("output",)
        sw = data_utils.combined_sample_weight(y_leaves, sample_weight, class_weight, names)
        data_utils.check_same_count(x_leaves, y_leaves, sw)
        return x_leaves, x_treedef, y_leaves, sw

    def _checked_arrays(self, x, y, sample_weight=None, class_weight=None, targets=True):
        """`arrays` of a whole data set or of a streamed batch, whose labels are checked
        against the outputs (`label_checks.py`) before training or evaluating on them."""
        x_leaves, x_treedef, y_leaves, sw = self.arrays(x, y, sample_weight, None, targets)
        if y_leaves:
            objectives = self.objectives
            shapes = objectives.y_pred_shapes if objectives.built else \
                self.output_shapes(x_leaves, x_treedef)
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
    def fit(self, x, y, batch_size, epochs, verbose, callbacks, validation_split,
            validation_data, shuffle, class_weight, sample_weight, initial_epoch,
            steps_per_epoch, validation_steps, validation_batch_size, validation_freq,
            **kwargs) -> History:
        """`Model.fit` (its arguments, checked here)."""
        check_kwargs(kwargs, _FIT_LEGACY, "fit()", _parameters(self.model.fit))
        check_loop_arguments("fit()", verbose=verbose, batch_size=batch_size, epochs=epochs,
                             initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                             validation_steps=validation_steps, validation_freq=validation_freq,
                             validation_batch_size=validation_batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        source, validation = self._fit_sources(
            x, y, batch_size, sample_weight, class_weight, steps_per_epoch, validation_split,
            validation_data, validation_batch_size, validation_steps)
        try:
            return self._train(source, validation, callbacks, verbose, epochs, initial_epoch,
                               shuffle, validation_freq)
        finally:
            source.close()
            if validation is not None:
                validation.close()

    def _train(self, source, validation, callbacks, verbose, epochs, initial_epoch, shuffle,
               validation_freq) -> History:
        model = self.model
        steps = self.ensure_steps(*source.sample)
        cbs = self._make_callbacks(callbacks, verbose, epochs, source.steps, True)
        chunk = source.max_chunk(self._chunk_size(cbs, "train", source.steps, verbose, source.n))
        key = rng.draw_key()
        model.stop_training = False
        cbs.on_train_begin()
        initial_epoch = int(getattr(model, "_initial_epoch", None) or initial_epoch)
        model._initial_epoch = None          # set by BackupAndRestore.on_train_begin
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
            if model.stop_training:
                break
        cbs.on_train_end(logs)
        return model.history

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

    def _fit_targets(self, y, x_leaves, x_treedef):
        self.ensure_objectives(x_leaves, x_treedef)
        if y is None:
            raise ValueError("fit() needs targets `y` for a model compiled with a loss. "
                             "Received y=None.")
        return self.target_arrays(y)

    def _chunk_size(self, cbs, kind, total_steps, verbose, rows):
        if cbs.needs_batch_hooks(kind) or self.steps_per_execution > 1:
            return self.steps_per_execution
        if verbose == 1 and rows and dynamic_display() and \
                _FLOPS_PER_PARAMETER[kind] * self.model.count_params() * rows >= \
                _VISIBLE_EPOCH_FLOPS:
            return progress_chunk(total_steps)
        return max(1, total_steps or 1)

    def logs(self, results) -> dict:
        """Plain floats, in Keras's key order (a dict out of jit comes back key-sorted)."""
        names = self.objectives.log_names()
        if set(results) != set(names):
            names = list(results)
        values = jax.device_get(results)   # one transfer for all of them
        return {name: float(values[name]) for name in names}

    # ------------------------------------------------------------------ evaluate
    def evaluate(self, x, y, batch_size, verbose, sample_weight, steps, callbacks, return_dict,
                 **kwargs) -> float | list[float] | dict[str, float]:
        """`Model.evaluate` (its arguments, checked here)."""
        check_kwargs(kwargs, _FIT_LEGACY, "evaluate()", _parameters(self.model.evaluate))
        check_loop_arguments("evaluate()", verbose=verbose, batch_size=batch_size, steps=steps)
        verbose = 1 if verbose == "auto" else int(verbose)
        source = self._source(x, y, batch_size, sample_weight, steps_limit=steps)
        try:
            logs = self._evaluate_source(source, verbose, callbacks, False)
        finally:
            source.close()
        return _keras_result(logs, return_dict)

    def _evaluate_source(self, source, verbose, callbacks, in_fit):
        steps = self.ensure_steps(*source.sample)
        verbose = 0 if in_fit else verbose
        cbs = self._make_callbacks(callbacks, verbose, 1, source.steps, False)
        chunk = source.max_chunk(self._chunk_size(cbs, "test", source.steps, verbose, source.n))
        state = steps.gather(_evaluation_key())
        cbs.on_test_begin()
        logs = {}
        for start, end, data, indices, masks in source.epoch(chunk)[1]:
            cbs.on_test_batch_begin(start)
            state, chunk_logs = steps.test_chunk(state, data, indices, masks)
            logs = self.logs(chunk_logs)
            cbs.on_test_batch_end(end - 1, logs)
        steps.scatter_metrics(state.metrics)
        cbs.on_test_end(logs)
        return logs

    # ------------------------------------------------------------------ predict
    def predict(self, x, batch_size, verbose, steps, callbacks,
                **kwargs) -> np.ndarray | list[np.ndarray]:
        """`Model.predict` (its arguments, checked here)."""
        check_kwargs(kwargs, _FIT_LEGACY, "predict()", _parameters(self.model.predict))
        check_loop_arguments("predict()", verbose=verbose, batch_size=batch_size, steps=steps)
        verbose = 1 if verbose == "auto" else int(verbose)
        source = self._source(x, batch_size=batch_size, steps_limit=steps, targets=False)
        try:
            return self._predict_source(source, verbose, callbacks)
        finally:
            source.close()

    def _predict_source(self, source, verbose, callbacks) -> np.ndarray | list[np.ndarray]:
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
        cached = self._predict_steps
        signature = (self._trainable_signature(), len(self.model.variables))
        if cached is not None and cached.x_treedef == x_treedef and cached.signature == signature:
            return cached
        place_variables(self.model)
        program = Steps(self.model, None, None, x_treedef)
        program.signature = signature
        self._predict_steps = program
        return program

    # ------------------------------------------------------------------ one batch
    def _one_batch(self, x, y, sample_weight, class_weight):
        x_leaves, x_treedef, y_leaves, sw = self._checked_arrays(x, y, sample_weight,
                                                                 class_weight)
        steps = self.ensure_steps(x_leaves, x_treedef, y_leaves)
        n = data_utils.num_samples(x_leaves)
        data = ([jnp.asarray(a) for a in x_leaves], [jnp.asarray(a) for a in y_leaves],
                None if sw is None else jnp.asarray(sw))
        for metric in self.metrics:
            metric.reset_state()
        return steps, data, jnp.arange(n)[None, :], jnp.ones((1, n), "float32")

    def train_on_batch(self, x, y, sample_weight, class_weight,
                       return_dict) -> float | list[float] | dict[str, float]:
        """`Model.train_on_batch`: one gradient update, that batch's loss and metrics."""
        steps, data, indices, mask = self._one_batch(x, y, sample_weight, class_weight)
        state = steps.gather(rng.draw_key())
        state, logs = steps.train_chunk(state, data, indices, mask)
        steps.scatter(state)
        steps.scatter_metrics(state.metrics)
        return _keras_result(self.logs(logs), return_dict)

    def test_on_batch(self, x, y, sample_weight,
                      return_dict) -> float | list[float] | dict[str, float]:
        """`Model.test_on_batch`: the loss and metrics on one batch."""
        steps, data, indices, mask = self._one_batch(x, y, sample_weight, None)
        state, logs = steps.test_chunk(steps.gather(_evaluation_key()), data, indices, mask)
        steps.scatter_metrics(state.metrics)
        return _keras_result(self.logs(logs), return_dict)

    # ------------------------------------------------------------------ stateless
    def compute_loss(self, y, y_pred, sample_weight=None):
        """`Model.compute_loss`: the compiled loss (weighted over outputs) plus the layers'
        regularization losses."""
        names = self.objectives.output_names
        if isinstance(y, dict):
            y_true = [y[name] for name in names]
        else:
            y_true = list(y) if isinstance(y, (list, tuple)) and len(names) > 1 else [y]
        flat_pred = jax.tree_util.tree_leaves(y_pred)
        rows = flat_pred[0].shape[0]
        weights = jnp.ones(rows, "float32") if sample_weight is None \
            else jnp.asarray(sample_weight, "float32")
        total, _ = self.objectives.compute_loss(y_true, flat_pred, weights,
                                                jnp.asarray(rows, "float32"))
        penalties = [reg(v.value) for v, reg in regularized_pairs(self.model)]
        return total + sum(penalties) if penalties else total


def _keras_result(logs: dict, return_dict: bool):
    """Keras's return value of evaluate and the one-batch calls: the dict, or a scalar when
    there is only the loss, else a list in `metrics_names` order."""
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


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
    return rng.key_from(0)


def _parameters(method) -> list[str]:
    return list(inspect.signature(method).parameters)
