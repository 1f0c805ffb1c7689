"""The pure, jitted programs of training: one train/test/predict step, scanned over chunks.

What it owns: the explicit training state (a pytree), running the model's
object-oriented code as a pure function (through `StatelessScope`), and
`lax.scan` over a chunk of batches gathered on the device from index arrays.
Padded rows of the last batch carry mask 0: they count neither in the loss
nor in the metrics, so one compiled program serves every batch.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from neurx.distribution import distribution as current_distribution
from neurx.training.shared_programs import all_layers, program_key, shared_jit
from neurx.variables import StatelessScope


class TrainState(NamedTuple):
    """Everything a training step reads and returns, as one pytree.

    `loss_scale` is `[scale, good steps]` for float16 training (unused otherwise).
    """
    trainable: list
    non_trainable: list
    opt_state: Any
    metrics: list
    rng: Any
    loss_scale: Any = None


_INITIAL_LOSS_SCALE = 2.0 ** 15
_GROWTH_STEPS = 2000   # Keras's LossScaleOptimizer defaults


class Steps:
    """Builds and caches the jitted programs for one compiled model.

    `model` provides the layers; `objectives` the losses and metrics;
    `optimizer` the optax-style `update`. Variables are fixed when built: call
    again after `compile()` or after changing `trainable`.
    """

    def __init__(self, model, objectives, optimizer, x_treedef, custom_train_step=False,
                 loss_scaling=False, run_eagerly=False):
        self.model = model
        self.objectives = objectives
        self.optimizer = optimizer
        self.x_treedef = x_treedef
        self.trainable_vars = list(model.trainable_weights)
        self.non_trainable_vars = list(model.non_trainable_weights)
        self.custom_train_step = custom_train_step
        self.distribution = current_distribution()
        self.loss_scaling = loss_scaling
        self.loss_scale = jnp.asarray([_INITIAL_LOSS_SCALE, 0.0], "float32")
        self.metric_objects = (list(model.metrics) if self.custom_train_step else
                               objectives.all_metric_objects()) if objectives is not None else []
        self.metric_vars = [v for m in self.metric_objects for v in m.variables]
        self.regularized = regularized_pairs(model)
        self.constrained = [(i, v.constraint) for i, v in enumerate(self.trainable_vars)
                            if v.constraint is not None]
        self._initial_metric_values = None
        # XLA:CPU runs convolution gradients inside a loop (lax.scan) tens of times slower
        # than outside one (jax-ml/jax#12868): such models are stepped one batch per call.
        self.stepwise = jax.default_backend() == "cpu" and not custom_train_step and \
            not prepare_for_cpu_scan(model)
        self.program_key = None if custom_train_step or run_eagerly or \
            self.distribution is not None else \
            program_key(model, objectives, optimizer, (str(x_treedef), loss_scaling, self.stepwise))
        donate = (0,) if jax.default_backend() != "cpu" else ()
        self.train_chunk = self._jit("_train_chunk", donate)
        if self.stepwise:
            self.train_one = self._jit("_train_one")
            self.train_chunk = self._train_chunk_stepwise
            self.results = self._jit("_metric_results")
        self.test_chunk = self._jit("_test_chunk")
        self.predict_chunk = self._jit("_predict_chunk")
        self.trace_counts = {"train": 0, "test": 0, "predict": 0}
        if run_eagerly:   # debugging: every op runs on concrete arrays, layer checks included
            self.train_chunk = _without_jit(self._train_chunk)
            self.test_chunk = _without_jit(self._test_chunk)
            self.predict_chunk = _without_jit(self._predict_chunk)

    def _jit(self, method: str, donate_argnums: tuple = ()):
        """The jitted `method`: shared with every model of the same structure when the model
        has a program key (`shared_programs.py`), else this model's own."""
        if self.program_key is None:
            return jax.jit(getattr(self, method), donate_argnums=donate_argnums)
        return shared_jit(self.program_key, method, self, donate_argnums)

    # ------------------------------------------------------------------ state
    def gather(self, rng) -> TrainState:
        """The current values of every variable, read from the objects (explicit sync)."""
        return TrainState([v.value for v in self.trainable_vars],
                          [v.value for v in self.non_trainable_vars],
                          self.optimizer.state if self.optimizer else None,
                          self.initial_metrics(), rng, self.loss_scale)

    def initial_metrics(self) -> list:
        """The metrics' reset values (computed once: a reset always gives the same values),
        also written into the metric objects, as Keras resets them."""
        if self._initial_metric_values is None:
            for metric in self.metric_objects:
                metric.reset_state()
            self._initial_metric_values = [v.value for v in self.metric_vars]
        self.scatter_metrics(self._initial_metric_values)
        return self._initial_metric_values

    def scatter(self, state: TrainState) -> None:
        """Writes the state back into the variable objects and the optimizer."""
        for v, value in zip(self.trainable_vars, state.trainable):
            v._value = value
        for v, value in zip(self.non_trainable_vars, state.non_trainable):
            v._value = value
        self.optimizer.state = state.opt_state
        self.loss_scale = state.loss_scale

    def scatter_metrics(self, metric_values) -> None:
        for v, value in zip(self.metric_vars, metric_values):
            v._value = value

    # ------------------------------------------------------------------ forward
    def forward(self, trainable, non_trainable, x, training, key, row_mask=None):
        """The model on given variable values: `(y_pred, penalty, non_trainable, key)`.

        The returned key is `key` advanced past the keys the layers drew (dropout, noise);
        a model that draws none leaves it unchanged, and its steps do no PRNG work.
        """
        values = dict(zip(self.trainable_vars, trainable))
        values.update(zip(self.non_trainable_vars, non_trainable))
        with StatelessScope(values, rng_key=key) as scope:
            y_pred = self.model(x, training=training, row_mask=row_mask)
            penalties = [reg(v.value) for v, reg in self.regularized] + list(scope.losses)
        assigned = scope.assigned()
        new_non_trainable = [assigned.get(v, value)
                             for v, value in zip(self.non_trainable_vars, non_trainable)]
        penalty = sum(penalties) if penalties else 0.0
        return y_pred, penalty, new_non_trainable, scope.rng_key

    def _objective_terms(self, y_true, y_pred, weights, mask):
        # Keras's mean reductions divide by the batch's rows, zero-weighted rows included.
        n_real = jnp.maximum(jnp.sum(mask), 1).astype("float32")
        # Losses and metrics in float32 even when layers compute in float16/bfloat16.
        flat_pred = [p.astype("float32") if jnp.issubdtype(p.dtype, jnp.floating) else p
                     for p in jax.tree_util.tree_leaves(y_pred)]
        total, per_output = self.objectives.compute_loss(y_true, flat_pred, weights, n_real)
        return flat_pred, total, per_output, n_real

    def _update_metrics(self, metric_values, y_true, y_pred, weights, mask, total, per_output, n_real):
        with StatelessScope(dict(zip(self.metric_vars, metric_values))) as scope:
            self.objectives.update_metrics(y_true, y_pred, weights, mask, total, per_output, n_real)
        return [scope.value_of(v) for v in self.metric_vars]

    def _metric_results(self, metric_values):
        with StatelessScope(dict(zip(self.metric_vars, metric_values))):
            return self.objectives.results()

    # ------------------------------------------------------------------ steps
    def train_step(self, state: TrainState, batch):
        x, y_true, weights, mask = batch
        scale = state.loss_scale[0] if self.loss_scaling else 1.0

        def loss_fn(trainable):
            y_pred, penalty, new_nt, rng = self.forward(trainable, state.non_trainable, x, True,
                                                        state.rng, row_mask=mask)
            flat_pred, total, per_output, n_real = self._objective_terms(y_true, y_pred, weights, mask)
            total = total + penalty
            return total * scale, (total, flat_pred, per_output, n_real, new_nt, rng)

        (_, (total, flat_pred, per_output, n_real, new_nt, rng)), grads = \
            jax.value_and_grad(loss_fn, has_aux=True)(state.trainable)
        if self.loss_scaling:
            grads = [g / scale for g in grads]
        updates, opt_state = self.optimizer.update(grads, state.opt_state, state.trainable)
        trainable = optax.apply_updates(state.trainable, updates)
        for index, constraint in self.constrained:
            trainable[index] = constraint(trainable[index])
        loss_scale = state.loss_scale
        if self.loss_scaling:
            trainable, opt_state, loss_scale = _skip_if_overflow(
                grads, state, trainable, opt_state)
        metrics = self._update_metrics(state.metrics, y_true, flat_pred, weights, mask,
                                       total, per_output, n_real)
        return TrainState(trainable, new_nt, opt_state, metrics, rng, loss_scale)

    def test_step(self, state: TrainState, batch):
        x, y_true, weights, mask = batch
        y_pred, penalty, _, _ = self.forward(state.trainable, state.non_trainable, x, False,
                                             state.rng)
        flat_pred, total, per_output, n_real = self._objective_terms(y_true, y_pred, weights, mask)
        metrics = self._update_metrics(state.metrics, y_true, flat_pred, weights, mask,
                                       total + penalty, per_output, n_real)
        return state._replace(metrics=metrics)

    # ------------------------------------------------------------------ chunks
    def _gather_batch(self, data, indices, mask):
        x_flat, y_flat, sample_weight = data
        x_flat = [self._split_batch(a[indices]) for a in x_flat]
        x = jax.tree_util.tree_unflatten(self.x_treedef, x_flat)
        y = [self._split_batch(a[indices]) for a in y_flat]
        if sample_weight is None:
            weights = mask
        else:   # one weight per row, or one per row and output (`data.sample_weight_array`)
            rows = sample_weight[indices]
            weights = (mask if rows.ndim == 1 else mask[:, None]) * rows
        return x, y, self._split_batch(weights.astype("float32")), self._split_batch(mask)

    def _split_batch(self, array):
        """Under a distribution, each device works on its slice of the batch."""
        if self.distribution is None:
            return array
        return jax.lax.with_sharding_constraint(array, self.distribution.batch_sharding(array.ndim))

    def user_train_step(self, state: TrainState, batch):
        """Runs a `train_step(state, data)` written by the user in Keras 3's stateless JAX form."""
        x, y_true, _, _ = batch
        rng, key = jax.random.split(state.rng)
        y = y_true[0] if len(y_true) == 1 else y_true
        user_state = (state.trainable, state.non_trainable,
                      self.optimizer.state_to_variables(state.opt_state), state.metrics)
        with StatelessScope(rng_key=key):
            logs, (trainable, non_trainable, opt_vars, metrics) = self.model.train_step(
                user_state, (x, y))
        opt_state = self.optimizer.variables_to_state(opt_vars, state.opt_state)
        return TrainState(list(trainable), list(non_trainable), opt_state, list(metrics), rng,
                          state.loss_scale), logs

    def _train_chunk(self, state, data, indices, masks):
        """Scans the train step over a chunk of batches; returns the state and the logs."""
        self.trace_counts["train"] += 1
        if self.custom_train_step:
            def body(carry, step):
                return self.user_train_step(carry, self._gather_batch(data, *step))
            state, logs = jax.lax.scan(body, state, (indices, masks))
            return state, jax.tree_util.tree_map(lambda v: v[-1], logs)

        def body(carry, step):
            return self.train_step(carry, self._gather_batch(data, *step)), None
        state, _ = jax.lax.scan(body, state, (indices, masks))
        return state, self._metric_results(state.metrics)

    def _train_one(self, state, data, indices, mask):
        self.trace_counts["train"] += 1
        return self.train_step(state, self._gather_batch(data, indices, mask))

    def _train_chunk_stepwise(self, state, data, indices, masks):
        for step in range(indices.shape[0]):
            state = self.train_one(state, data, indices[step], masks[step])
        return state, self.results(state.metrics)

    def _test_chunk(self, state, data, indices, masks):
        self.trace_counts["test"] += 1

        def body(carry, step):
            return self.test_step(carry, self._gather_batch(data, *step)), None
        state, _ = jax.lax.scan(body, state, (indices, masks))
        return state, self._metric_results(state.metrics)

    def _predict_chunk(self, trainable, non_trainable, x_flat, indices, key, start):
        """Predictions for a chunk of batches; layers forced into training mode (Monte Carlo
        dropout) draw from `key` folded with the chunk's first row, advanced batch by batch
        (XLA drops the key work when no layer draws)."""
        self.trace_counts["predict"] += 1
        key = jax.random.fold_in(key, start)

        def body(key, idx):
            x = jax.tree_util.tree_unflatten(self.x_treedef,
                                             [self._split_batch(a[idx]) for a in x_flat])
            y_pred, _, _, key = self.forward(trainable, non_trainable, x, False, key)
            return key, y_pred
        _, outputs = jax.lax.scan(body, key, indices)
        if self.distribution is not None:   # gathered, so every process can read them
            outputs = jax.lax.with_sharding_constraint(outputs, self.distribution.replicated())
        return outputs


def _skip_if_overflow(grads, state, trainable, opt_state):
    """Dynamic loss scaling (Keras's LossScaleOptimizer): a step whose gradients overflow
    is dropped and the scale halved; after 2000 good steps in a row the scale doubles."""
    finite = jnp.all(jnp.asarray([jnp.all(jnp.isfinite(g)) for g in grads]))

    def keep(new, old):
        return jax.tree_util.tree_map(lambda a, b: jnp.where(finite, a, b), new, old)
    scale, good = state.loss_scale[0], state.loss_scale[1] + 1
    grow = good >= _GROWTH_STEPS
    new_scale = jnp.where(finite, jnp.where(grow, scale * 2, scale), scale / 2)
    new_good = jnp.where(finite & ~grow, good, 0.0)
    return (keep(trainable, state.trainable), keep(opt_state, state.opt_state),
            jnp.stack([new_scale, new_good]))


def _without_jit(function):
    def run(*args):
        with jax.disable_jit():
            return function(*args)
    return run


def prepare_for_cpu_scan(model) -> bool:
    """Switches the layers that are slow inside `lax.scan` on XLA:CPU to their matrix-product
    form when all of them have one; returns whether the training step now scans fast."""
    slow = [layer for layer in all_layers(model) if layer.slow_in_cpu_loops]
    if not all(layer.can_run_as_matmul() for layer in slow):
        return False
    for layer in slow:
        layer.run_as_matmul()
    return True


def regularized_pairs(model) -> list:
    return [pair for layer in all_layers(model) for pair in layer._regularized]
