"""The compiled programs of one playground network.

What this module owns: for one architecture (features, hidden layers, activation,
regularization), the neurx model and two jitted programs. Training is the trainer's own
`Steps.train_chunk` (what `fit` runs): one epoch of mini-batches is one call of its `lax.scan`,
on an explicit `TrainState` the caller keeps. Probing is `neurx.Model(inputs, [every layer's
output])`, built on the same layers and run with `stateless_call` under `jax.jit`: every
neuron's output on any points in one call. The data are arguments, not constants, so new points
of the same count reuse the compiled programs; a new count or batch size re-traces once.

>>> from neurx.playground.params import Params
>>> engine = Engine(Params(hidden=(3,)))
>>> state = engine.initial_state(np.random.default_rng(0), learning_rate=0.1)
>>> [o.shape for o in engine.probe(state, np.zeros((5, 2), "float32"))]
[(5, 3), (5, 1)]
"""
from __future__ import annotations

import threading

import jax
import jax.numpy as jnp
import numpy as np

import neurx
from neurx.playground.network import build_model
from neurx.playground.params import Params
from neurx.training.steps import TrainState

_BUILD_LOCK = threading.Lock()   # automatic names and the global key stream are process-wide


def architecture(params: Params) -> tuple:
    """The settings that need another compiled program when they change.

    >>> architecture(Params()) == architecture(Params(dataset="xor", learning_rate=1.0))
    True
    """
    return (params.features, params.hidden, params.activation, params.regularization,
            params.regularization_rate)


class Engine:
    """A compiled network: `initial_state`, `train_epoch` and `probe` (see the module doc).

    Args:
        params: the settings; only `architecture(params)` and the learning rate's default
            matter.

    >>> from neurx.playground.params import Params
    >>> engine = Engine(Params(hidden=()))
    >>> state = engine.initial_state(np.random.default_rng(0), learning_rate=0.5)
    >>> data = ([jnp.ones((4, 2))], [jnp.ones((4, 1))], None)
    >>> state = engine.train_epoch(state, data, np.arange(4).reshape(2, 2), np.ones((2, 2)))
    >>> int(state.opt_state.iterations)   # two mini-batches of 2
    2
    """

    def __init__(self, params: Params):
        self.architecture = architecture(params)
        n = len(params.features)
        with _BUILD_LOCK:
            self.model = build_model(params)
            # The trainer's programs for this model (built as `fit` builds them).
            trainer = self.model._engine("fit")
            x_leaves, treedef, y_leaves, _ = trainer.arrays(np.zeros((1, n), "float32"),
                                                            np.zeros((1, 1), "float32"))
            self.steps = trainer.ensure_steps(x_leaves, treedef, y_leaves)
            probe = neurx.Model(self.model.inputs, [layer.output for layer in self.model.layers])
        position = {id(v): i for i, v in enumerate(self.steps.trainable_vars)}
        order = [position[id(v)] for v in probe.trainable_weights]

        def forward(trainable, x):
            outputs, _ = probe.stateless_call([trainable[i] for i in order], [], x)
            return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

        self._forward = jax.jit(forward)
        self._fresh_metrics = [np.asarray(v.value) for v in self.steps.metric_vars]

    @property
    def shapes(self) -> list[tuple]:
        """Shapes of the kernels and biases, in `model.trainable_weights` order.

        >>> from neurx.playground.params import Params
        >>> Engine(Params(hidden=(3,))).shapes
        [(2, 3), (3,), (3, 1), (1,)]
        """
        return [tuple(v.shape) for v in self.steps.trainable_vars]

    def initial_state(self, rng: np.random.Generator, learning_rate: float) -> TrainState:
        """Glorot-uniform kernels and zero biases (Keras's `Dense` defaults) drawn from `rng`,
        a fresh optimizer state with `learning_rate`.

        >>> from neurx.playground.params import Params
        >>> state = Engine(Params(hidden=())).initial_state(np.random.default_rng(0), 0.1)
        >>> np.asarray(state.trainable[1]).tolist(), round(float(state.opt_state.learning_rate), 6)
        ([0.0], 0.1)
        """
        weights = []
        for shape in self.shapes:
            if len(shape) == 2:
                limit = np.sqrt(6.0 / (shape[0] + shape[1]))
                weights.append(rng.uniform(-limit, limit, shape).astype("float32"))
            else:
                weights.append(np.zeros(shape, "float32"))
        return self.with_weights(self.fresh_state(rng, learning_rate), weights)

    def fresh_state(self, rng: np.random.Generator, learning_rate: float) -> TrainState:
        """The model's current weights with a new optimizer state and random key.

        >>> from neurx.playground.params import Params
        >>> state = Engine(Params()).fresh_state(np.random.default_rng(0), 0.03)
        >>> int(state.opt_state.iterations)
        0
        """
        opt_state = self.model.optimizer.init(self.steps.trainable_vars)
        opt_state = opt_state._replace(learning_rate=jnp.asarray(learning_rate, "float32"))
        key = jax.random.key(int(rng.integers(2 ** 31)))
        return TrainState([v.value for v in self.steps.trainable_vars],
                          [v.value for v in self.steps.non_trainable_vars], opt_state,
                          self._metrics(), key, self.steps.loss_scale)

    def with_weights(self, state: TrainState, weights) -> TrainState:
        """`state` with these kernels and biases (checked against the network's shapes).

        >>> from neurx.playground.params import Params
        >>> engine = Engine(Params(hidden=()))
        >>> state = engine.fresh_state(np.random.default_rng(0), 0.03)
        >>> engine.with_weights(state, [np.ones((3, 1)), np.zeros(1)])
        Traceback (most recent call last):
        ...
        ValueError: Weights of shapes [(3, 1), (1,)] do not fit this network, whose weights have shapes [(2, 1), (1,)].
        """
        shapes = [tuple(np.shape(w)) for w in weights]
        if shapes != self.shapes:
            raise ValueError(f"Weights of shapes {shapes} do not fit this network, whose "
                             f"weights have shapes {self.shapes}.")
        return state._replace(trainable=[jnp.asarray(w, "float32") for w in weights])

    @staticmethod
    def with_learning_rate(state: TrainState, learning_rate: float) -> TrainState:
        """`state` whose optimizer uses `learning_rate` from the next step on (no recompiling:
        the rate is part of the optimizer state).

        >>> from neurx.playground.params import Params
        >>> state = Engine(Params()).fresh_state(np.random.default_rng(0), 0.03)
        >>> round(float(Engine.with_learning_rate(state, 0.3).opt_state.learning_rate), 6)
        0.3
        """
        opt_state = state.opt_state._replace(learning_rate=jnp.asarray(learning_rate, "float32"))
        return state._replace(opt_state=opt_state)

    def _metrics(self) -> list:
        return [jnp.asarray(m) for m in self._fresh_metrics]

    def train_epoch(self, state: TrainState, data, indices: np.ndarray,
                    masks: np.ndarray) -> TrainState:
        """One compiled call: SGD steps over the `(steps, batch)` `indices` of `data`
        (`([x], [y], None)` on the device); masked rows count in nothing. See the class's
        example."""
        state, _ = self.steps.train_chunk(state, data, indices, masks)
        return state._replace(metrics=self._metrics())   # the epoch's running loss is unused

    def probe(self, state: TrainState, x) -> list[np.ndarray]:
        """Every layer's output (hidden layers, then the sigmoid output) on the rows of `x`.

        >>> from neurx.playground.params import Params
        >>> engine = Engine(Params(hidden=(), learning_rate=0.1))
        >>> state = engine.with_weights(engine.fresh_state(np.random.default_rng(0), 0.1),
        ...                             [np.zeros((2, 1)), np.zeros(1)])
        >>> engine.probe(state, np.ones((1, 2), "float32"))[-1].tolist()   # sigmoid(0)
        [[0.5]]
        """
        return [np.asarray(o) for o in self._forward(state.trainable, x)]
