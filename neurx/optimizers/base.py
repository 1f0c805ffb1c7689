"""The Optimizer base: Keras's arguments and bookkeeping around a pure optax step.

What each part owns:
- `Optimizer.__init__` validates Keras 3's common arguments (and Keras 2's
  `lr=` and `decay=`, which warn once).
- `init(params) -> OptimizerState` and `update(grads, state, params) ->
  (updates, state)` are pure and jit-able; the trainer then does
  `params = optax.apply_updates(params, updates)`. `update` runs Keras's
  pipeline: unscale, (accumulate,) clip, weight decay, the algorithm's rule,
  EMA, `iterations += 1`.
- The iteration count and the learning rate live in the state, so
  `opt.learning_rate` / `opt.iterations` read `opt.state` (which the trainer
  keeps current between jitted chunks) and assigning the learning rate writes it.
- A subclass supplies `transformation()`, an optax transformation with Keras's
  update rule for one algorithm, and `_slot_groups()`, the order in which Keras
  lists that algorithm's per-parameter variables.
"""
from __future__ import annotations

import inspect
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import optax

from neurx import validation
from neurx.legacy import warn_once
from neurx.naming import check_kwargs, to_snake_case, unique_name
from neurx.optimizers import schedules as schedules_lib
from neurx.optimizers import transforms
from neurx.optimizers.state import (
    IterationsVariable,
    LearningRateVariable,
    OptimizerState,
    keras_layout,
)
from neurx.variables import Variable, unwrap

_COMMON_ARGS = ("learning_rate", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm",
                "use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
                "gradient_accumulation_steps", "name")
_TF_KERAS_ONLY_CONFIG = ("is_legacy_optimizer", "jit_compile")


class Optimizer:
    """Base class of neurx optimizers: Keras 3's arguments over a pure optax step.

    Args (common to every optimizer):
        learning_rate: a float, or a `keras.optimizers.schedules.LearningRateSchedule`.
        weight_decay: float or None; if set, each step first does
            `w -= w * weight_decay * learning_rate` (decoupled, as Keras 3).
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element into `[-clipvalue, clipvalue]`.
        global_clipnorm: clip all gradients together to this joint L2 norm.
            At most one of the three clipping options may be set.
        use_ema: keep an exponential moving average of the weights.
        ema_momentum: the EMA's momentum (default 0.99).
        ema_overwrite_frequency: every this many steps, replace the weights by
            their average (None: only in `finalize_variable_values`).
        loss_scale_factor: gradients are divided by it before anything else.
        gradient_accumulation_steps: apply the averaged gradient every this
            many steps (>= 2); steps in between only accumulate.
        name: the optimizer's name (default: the snake-cased class name).
        lr: Keras 2 spelling of `learning_rate` (warns once).
        decay: Keras 2 time-based decay, `lr / (1 + decay * iterations)` (warns once).

    Contract the trainer uses (pure, jit-able, params and grads are pytrees,
    normally flat lists of arrays):
        `state = opt.init(params)`; `updates, state = opt.update(grads, state, params)`;
        `params = optax.apply_updates(params, updates)`; store `opt.state = state`
        between jitted chunks so `opt.learning_rate` / `opt.iterations` see it.

    Example:
    >>> import jax.numpy as jnp
    >>> from neurx.optimizers import SGD
    >>> opt = SGD(learning_rate=0.1)
    >>> params = [jnp.array([1.0, 2.0])]
    >>> state = opt.init(params)
    >>> updates, state = opt.update([jnp.array([1.0, 1.0])], state, params)
    >>> optax.apply_updates(params, updates)[0].tolist(), int(state.iterations)
    ([0.8999999761581421, 1.899999976158142], 1)
    """

    def __init__(self, learning_rate=0.001, *, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None,
                 name: str | None = None, **kwargs):
        lr = kwargs.pop("lr", None)
        decay = kwargs.pop("decay", None)
        if kwargs:
            check_kwargs(kwargs, sorted(self._argument_names()), f"{type(self).__name__}()")
        if lr is not None:
            warn_once("lr", "`lr` is deprecated, use `learning_rate` instead: "
                      f"{type(self).__name__}(learning_rate={lr}).")
            learning_rate = lr
        if decay:
            warn_once("decay", "`decay` is deprecated, use a learning-rate schedule "
                      "instead, e.g. `learning_rate=keras.optimizers.schedules."
                      "InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)`. The Keras 2 "
                      "rule lr / (1 + decay * iterations) is applied.")
        clip_set = [a for a in (clipnorm, clipvalue, global_clipnorm) if a is not None]
        if len(clip_set) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}")
        for argument, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue),
                                ("global_clipnorm", global_clipnorm)):
            if value is not None:
                validation.number_in_range(value, argument, type(self).__name__, 0,
                                           include_low=False, or_none=True)
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. "
                             f"Received: gradient_accumulation_steps={gradient_accumulation_steps}")
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError("`ema_momentum` must be in the range [0, 1]. "
                                 f"Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                            or ema_overwrite_frequency < 1):
                raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. "
                                 f"Received: ema_overwrite_frequency={ema_overwrite_frequency}")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.decay = float(decay or 0.0)
        self.state: OptimizerState | None = None
        self._schedule = None
        self._lr = np.float32(0.0)
        self._initial_iterations = 0
        self._exclude_ids: set = set()
        self._exclude_names: list = []
        self._decay_mask = None
        self._built_variables = None
        self._jit_update = None
        self._lr_variable = LearningRateVariable(self)
        self._iterations_variable = IterationsVariable(self)
        self._set_initial_learning_rate(learning_rate)

    # ----------------------------------------------------------------- arguments
    @classmethod
    def _argument_names(cls) -> set:
        names = set(_COMMON_ARGS) | {"lr", "decay"}
        for klass in cls.__mro__:
            if "__init__" in vars(klass):
                for p in inspect.signature(klass.__init__).parameters.values():
                    if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                        names.add(p.name)
        return names - {"self"}

    def _set_initial_learning_rate(self, value) -> None:
        if isinstance(value, Variable):
            value = value.value
        if isinstance(value, schedules_lib.LearningRateSchedule):
            self._schedule = value
        elif isinstance(value, (numbers.Real, np.ndarray, jax.Array)) and np.ndim(value) == 0:
            self._lr = np.float32(validation.number_in_range(
                float(value), "learning_rate", type(self).__name__, 0))
        else:
            raise ValueError(
                "Argument `learning_rate` should be a float or an instance of "
                "`keras.optimizers.schedules.LearningRateSchedule` (for a rule of the "
                "step, subclass LearningRateSchedule and define `__call__(self, step)`). "
                f"Received: learning_rate={value!r}")

    # ------------------------------------------------------ learning rate, iterations
    @property
    def learning_rate(self) -> LearningRateVariable:
        """The current learning rate (a live, assignable view of `self.state`)."""
        return self._lr_variable

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if isinstance(value, schedules_lib.LearningRateSchedule):
            if self.state is not None:
                raise TypeError(
                    "A learning-rate schedule can only be set before the optimizer state "
                    "is created (before the first training step). Pass it as "
                    f"{type(self).__name__}(learning_rate=schedule) instead.")
            self._schedule = value
            return
        self._assign_learning_rate(value)

    @property
    def lr(self) -> LearningRateVariable:
        """Keras 2 alias of `learning_rate` (warns once)."""
        warn_once("optimizer.lr", "`optimizer.lr` is deprecated, use `optimizer.learning_rate`.")
        return self._lr_variable

    @lr.setter
    def lr(self, value) -> None:
        warn_once("optimizer.lr", "`optimizer.lr` is deprecated, use `optimizer.learning_rate`.")
        self.learning_rate = value

    def _current_learning_rate(self):
        if self._schedule is not None:
            step = jnp.asarray(self._raw_iterations(), jnp.int32)
            return jnp.asarray(self._schedule(step), jnp.float32)
        if self.state is not None and self.state.learning_rate is not None:
            return jnp.asarray(self.state.learning_rate, jnp.float32)
        return jnp.asarray(self._lr, jnp.float32)

    def _assign_learning_rate(self, value) -> None:
        if self._schedule is not None:
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not "
                "settable. If you need the learning rate to be settable, you should "
                "instantiate the optimizer with a float `learning_rate` argument.")
        value = np.float32(np.asarray(unwrap(value)))
        if self.state is None:
            self._lr = value
        else:
            self.state = self.state._replace(learning_rate=jnp.asarray(value, jnp.float32))

    def _raw_iterations(self) -> int:
        if self.state is None:
            return self._initial_iterations
        return int(self.state.iterations)

    def _step_count(self) -> int:
        steps = self.gradient_accumulation_steps
        return self._raw_iterations() // steps if steps else self._raw_iterations()

    def _assign_step_count(self, count: int) -> None:
        raw = count * (self.gradient_accumulation_steps or 1)
        if self.state is None:
            self._initial_iterations = raw
        else:
            self.state = self.state._replace(iterations=jnp.asarray(raw, jnp.int32))

    @property
    def iterations(self) -> IterationsVariable:
        """The number of optimizer steps applied: a live, assignable view of `self.state`."""
        return self._iterations_variable

    @property
    def built(self) -> bool:
        return self.state is not None

    # ------------------------------------------------------------- the pure step
    def transformation(self) -> optax.GradientTransformationExtraArgs:
        """The algorithm's rule: `update(grads, slots, params, learning_rate=, iteration=)`."""
        raise NotImplementedError(f"{type(self).__name__} must define `transformation()`.")

    def _slot_groups(self) -> list:
        """Slot names in Keras's variable order (see `state.keras_order`)."""
        raise NotImplementedError(f"{type(self).__name__} must define `_slot_groups()`.")

    def init(self, params) -> OptimizerState:
        """Creates the state for `params` (arrays, or Variables) and stores it in `self.state`."""
        self._update_decay_mask(params)
        values = unwrap(params)

        def zeros():
            return jax.tree.map(jnp.zeros_like, values)
        state = OptimizerState(
            iterations=jnp.asarray(self._initial_iterations, jnp.int32),
            learning_rate=None if self._schedule is not None else self._current_learning_rate(),
            ema=zeros() if self.use_ema else None,
            accumulators=zeros() if self.gradient_accumulation_steps else None,
            slots=self.transformation().init(values))
        if not any(isinstance(x, jax.core.Tracer) for x in jax.tree.leaves(state)):
            self.state = state
        return state

    def _learning_rate_at(self, state: OptimizerState, step):
        if self._schedule is not None:
            lr = jnp.asarray(self._schedule(state.iterations), jnp.float32)
        else:
            lr = jnp.asarray(state.learning_rate, jnp.float32)
        if self.decay:
            lr = lr / (1.0 + jnp.float32(self.decay) * step.astype(jnp.float32))
        return lr

    def update(self, grads, state: OptimizerState, params):
        """One Keras optimizer step: returns `(updates, new_state)`; pure and jit-able."""
        params = unwrap(params)
        rule = self.transformation()
        it = jnp.asarray(state.iterations, jnp.int32)
        n = self.gradient_accumulation_steps
        step = it // n if n else it
        lr = self._learning_rate_at(state, step)
        if self.loss_scale_factor is not None:
            grads = jax.tree.map(lambda g: g / self.loss_scale_factor, grads)

        def apply_rule(grads, slots):
            grads = transforms.clip_gradients(grads, self.clipnorm, self.global_clipnorm,
                                              self.clipvalue)
            grads = jax.tree.map(lambda g, p: jnp.asarray(g).astype(p.dtype), grads, params)
            updates, slots = rule.update(grads, slots, params, learning_rate=lr, iteration=step)
            if self.weight_decay is not None:
                updates = transforms.weight_decay_updates(
                    updates, params, self.weight_decay, lr, self._decay_mask)
            return updates, slots

        acc = state.accumulators
        if n:
            def accumulate():
                return (jax.tree.map(jnp.zeros_like, params), state.slots,
                        jax.tree.map(lambda g, a: (g + a).astype(a.dtype), grads, acc))

            def apply_accumulated():
                mean = jax.tree.map(lambda g, a: (g + a) / n, grads, acc)
                updates, slots = apply_rule(mean, state.slots)
                return updates, slots, jax.tree.map(jnp.zeros_like, acc)
            updates, slots, acc = jax.lax.cond((it + 1) % n == 0, apply_accumulated, accumulate)
        else:
            updates, slots = apply_rule(grads, state.slots)

        ema = state.ema
        if self.use_ema:
            ema = transforms.ema_update(ema, optax.apply_updates(params, updates),
                                        self.ema_momentum, step)
            if self.ema_overwrite_frequency:
                overwrite = (step + 1) % self.ema_overwrite_frequency == 0
                updates = jax.tree.map(lambda u, a, p: jnp.where(overwrite, a - p, u),
                                       updates, ema, params)
        return updates, state._replace(iterations=it + 1, slots=slots, ema=ema,
                                       accumulators=acc)

    # -------------------------------------------------------- weight-decay masking
    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Exempts variables (by object, or by a substring of their name) from weight decay.

        Call before the state exists, then `build(model.trainable_variables)`.
        """
        if self.state is not None:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before "
                             "the optimizer is built.")
        self._exclude_ids = {id(v) for v in (var_list or [])}
        self._exclude_names = list(var_names or [])

    def _update_decay_mask(self, params) -> None:
        leaves = jax.tree.leaves(params, is_leaf=lambda x: isinstance(x, Variable))
        if not (self._exclude_ids or self._exclude_names):
            self._decay_mask = None
        elif all(isinstance(v, Variable) for v in leaves):
            self._decay_mask = [id(v) not in self._exclude_ids
                                and not any(s in v.name for s in self._exclude_names)
                                for v in leaves]
        elif self._decay_mask is None or len(self._decay_mask) != len(leaves):
            raise ValueError(
                "`exclude_from_weight_decay` needs the variables themselves: call "
                "`optimizer.build(model.trainable_variables)` (or `init` with Variables) "
                "before `init` with plain arrays.")

    # ------------------------------------------------- variables in Keras's order
    def state_to_variables(self, state: OptimizerState | None = None) -> list:
        """The state as a flat list in Keras 3's `optimizer.variables` order.

        Order: `iteration`, `learning_rate` (absent with a schedule), the EMA
        averages (one per parameter, if `use_ema`), the gradient accumulators
        (if `gradient_accumulation_steps`), then the algorithm's slots as Keras
        creates them, e.g. Adam: `m_0, v_0, m_1, v_1, ...` then `v_hat_0, ...`
        with amsgrad; RMSprop: all velocities, then momentums, then average
        gradients; Nadam ends with the scalar `u_product`.
        """
        state = self.state if state is None else state
        if state is None:
            first = [jnp.asarray(self._initial_iterations, jnp.int32)]
            return first if self._schedule is not None else first + [self._current_learning_rate()]
        leaves, _, order = keras_layout(state, self._slot_groups())
        return [leaves[i] for i in order]

    def variables_to_state(self, values, state: OptimizerState | None = None) -> OptimizerState:
        """The inverse of `state_to_variables`, shaped like `state` (default `self.state`)."""
        like = self.state if state is None else state
        if like is None:
            raise ValueError(f"Optimizer '{self.name}' has no state yet: call "
                             "`build(variables)` or `init(params)` first.")
        leaves, treedef, order = keras_layout(like, self._slot_groups())
        if len(values) != len(order):
            raise ValueError(f"Optimizer '{self.name}' has {len(order)} variables; "
                             f"received {len(values)} values.")
        new = list(leaves)
        for value, idx in zip(values, order):
            value = jnp.asarray(unwrap(value))
            if value.shape != jnp.shape(leaves[idx]):
                raise ValueError(f"Optimizer variable {idx} has shape {jnp.shape(leaves[idx])}; "
                                 f"received a value of shape {value.shape}.")
            new[idx] = value.astype(leaves[idx].dtype)
        return jax.tree.unflatten(treedef, new)

    @property
    def variables(self) -> list:
        """`state_to_variables(self.state)`: the optimizer's arrays in Keras's order."""
        return self.state_to_variables()

    def get_weights(self) -> list:
        return [np.asarray(v) for v in self.variables]

    def set_weights(self, weights) -> None:
        """Sets the state from a list in `variables` order (Keras's `set_weights`)."""
        if self.state is None:
            if len(weights) != len(self.variables):
                raise ValueError("You are calling `set_weights()` on an optimizer that has "
                                 "not yet been built. Call `optimizer.build("
                                 "trainable_variables)` first.")
            self._initial_iterations = int(np.asarray(weights[0]))
            if self._schedule is None:
                self._lr = np.float32(np.asarray(weights[1]))
            return
        self.state = self.variables_to_state(weights)

    def save_own_variables(self, store) -> None:
        """Writes the variables as `store["0"]`, `store["1"]`, ... (Keras's layout)."""
        for i, value in enumerate(self.variables):
            store[str(i)] = np.asarray(value)

    def load_own_variables(self, store) -> None:
        """Reads what `save_own_variables` wrote; skips with a warning on a count mismatch."""
        if len(store.keys()) != len(self.variables):
            warnings.warn(f"Skipping variable loading for optimizer '{self.name}', because it "
                          f"has {len(self.variables)} variables whereas the saved optimizer "
                          f"has {len(store.keys())} variables.", stacklevel=2)
            return
        self.set_weights([store[str(i)] for i in range(len(store.keys()))])

    # --------------------------------------------------------------- eager helpers
    def build(self, variables) -> None:
        """Creates the state for these Variables (Keras's `optimizer.build(var_list)`)."""
        self._built_variables = list(variables)
        self.init(self._built_variables)

    def is_built_for(self, variables) -> bool:
        """Whether the state holds the slots of exactly these Variables (by identity, so a
        model whose trainable set changed gets fresh slots even at the same parameter count).

        >>> from neurx import optimizers
        >>> from neurx.variables import Variable
        >>> kernel, bias = Variable(jnp.ones((2, 1))), Variable(jnp.zeros(1))
        >>> opt = optimizers.Adam()
        >>> opt.build([kernel])
        >>> opt.is_built_for([kernel]), opt.is_built_for([bias])
        (True, False)
        """
        return self.state is not None and self._built_variables is not None and \
            [id(v) for v in self._built_variables] == [id(v) for v in variables]

    def apply_gradients(self, grads_and_vars) -> int:
        """Eager step on Variables: `opt.apply_gradients(zip(grads, model.trainable_weights))`."""
        grads, variables = zip(*grads_and_vars)
        return self.apply(list(grads), list(variables))

    def apply(self, grads, trainable_variables=None) -> int:
        """Eager step: updates the Variables in place and `self.state`; returns `iterations`."""
        if trainable_variables is None:
            if self._built_variables is None:
                raise ValueError("When passing `grads` without `variables`, the optimizer must "
                                 "already be built: call `optimizer.build(trainable_variables)`.")
            trainable_variables = self._built_variables
        trainable_variables = list(trainable_variables)
        if self.state is None or self._built_variables is None:
            self.build(trainable_variables)
        elif [id(v) for v in trainable_variables] != [id(v) for v in self._built_variables]:
            raise ValueError("This optimizer can only be called for the variables it was "
                             "originally built with. Create a new optimizer for new variables.")
        if any(g is None for g in grads):
            raise ValueError("Some gradients are None; pass a gradient for every variable.")
        if self._jit_update is None:
            self._jit_update = jax.jit(self.update)
        params = [v.value for v in trainable_variables]
        updates, self.state = self._jit_update([jnp.asarray(unwrap(g)) for g in grads],
                                               self.state, params)
        for var, new in zip(trainable_variables, optax.apply_updates(params, updates)):
            var.assign(new)
            if var.constraint is not None:
                var.assign(var.constraint(var.value))
        return self._step_count()

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """Pure step on values: returns `(new_trainable_values, new_optimizer_variables)`."""
        state = self.variables_to_state(optimizer_variables)
        params = list(unwrap(trainable_variables))
        updates, state = self.update(grads, state, params)
        return optax.apply_updates(params, updates), self.state_to_variables(state)

    def finalize_variable_values(self, var_list):
        """With `use_ema`, the weights' moving averages (assigned to Variables if given)."""
        if not self.use_ema or self.state is None:
            return [unwrap(v) for v in var_list]
        averages = list(self.state.ema)
        for var, avg in zip(var_list, averages):
            if isinstance(var, Variable):
                var.assign(avg)
        return averages

    def scale_loss(self, loss):
        """Multiplies the loss by `loss_scale_factor` when set."""
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss

    # ---------------------------------------------------------------- serialization
    def get_config(self) -> dict:
        """Keras 3's config keys; `learning_rate` is a float or a serialized schedule."""
        if self._schedule is not None:
            learning_rate = schedules_lib.serialize(self._schedule)
        else:
            learning_rate = float(np.asarray(self._current_learning_rate()))
        config = {"name": self.name, "learning_rate": learning_rate,
                  "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
                  "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                  "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                  "ema_overwrite_frequency": self.ema_overwrite_frequency,
                  "loss_scale_factor": self.loss_scale_factor,
                  "gradient_accumulation_steps": self.gradient_accumulation_steps}
        if self.decay:
            config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        """Rebuilds an optimizer from `get_config()` (also Keras 2 / tf.keras configs)."""
        config = dict(config)
        for key in _TF_KERAS_ONLY_CONFIG:
            config.pop(key, None)
        if "lr" in config:
            config.setdefault("learning_rate", config.pop("lr"))
            config.pop("lr", None)
        decay = config.pop("decay", 0.0) or 0.0
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules_lib.deserialize(config["learning_rate"],
                                                                custom_objects)
        optimizer = cls(**config)
        optimizer.decay = float(decay)
        return optimizer

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, learning_rate={self.learning_rate:g}>"
