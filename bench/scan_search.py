"""The notes' scikit-learn search written by hand in JAX: the floor for `bench.search`.

What it owns: the `sklearn` search of `bench.search` (the same ten candidates that
`RandomizedSearchCV(random_state=42)` draws, the same three folds, 10 epochs with the
validation loss read after each one, the fold's score, then the refit of the best candidate)
with no framework at all, written as lean as JAX allows: the notes' MLP from
`bench.scan_baselines`' building blocks, SGD from optax with the learning rate in the
optimizer state (so the candidates of one structure share compiled programs), weights drawn
and batch orders shuffled with NumPy on the host, one jitted `lax.scan` per epoch and one
jitted full-batch loss. `jax.jit` compiles each structure (the weights' shapes) once. What
the search costs here is what XLA charges for its structures, with nothing in the way.
"""
from __future__ import annotations

import functools
import math
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax import lax

from bench.scan_baselines import dense, mse

BATCH_SIZE = 32
SGD = optax.inject_hyperparams(optax.sgd)(learning_rate=0.0)


def apply(weights: list, x):
    """The notes' `build_model`: Dense relu layers, then a linear Dense(1)."""
    for layer in weights[:-1]:
        x = jax.nn.relu(dense(layer, x))
    return dense(weights[-1], x)


@jax.jit
def loss(weights: list, x, y):
    return jnp.mean(mse(y, apply(weights, x)))


@functools.partial(jax.jit, donate_argnums=(0, 1))
def train_epoch(weights: list, state, x, y, order, mask):
    """One epoch of SGD over the batches `order` (row indices, `mask` 0 on padding)."""

    def step(carry, batch):
        weights, state = carry
        rows, kept = batch

        def batch_loss(w):
            return jnp.sum(mse(y[rows], apply(w, x[rows])) * kept) / jnp.sum(kept)

        updates, state = SGD.update(jax.grad(batch_loss)(weights), state, weights)
        return (optax.apply_updates(weights, updates), state), None

    (weights, state), _ = lax.scan(step, (weights, state), (order, mask))
    return weights, state


def initial_weights(n_hidden: int, n_neurons: int, n_inputs: int, rng) -> list:
    """Glorot-uniform kernels and zero biases, as Keras draws them."""
    sizes = [n_inputs] + [n_neurons] * n_hidden + [1]
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        limit = math.sqrt(6.0 / (n_in + n_out))
        weights.append({"kernel": rng.uniform(-limit, limit, (n_in, n_out)).astype("float32"),
                        "bias": np.zeros(n_out, "float32")})
    return weights


def batch_order(rows: int, rng) -> tuple:
    """Shuffled row indices in batches, the last batch padded, and its 0/1 mask."""
    steps = -(-rows // BATCH_SIZE)
    order = rng.permutation(rows)
    order = np.concatenate([order, order[:steps * BATCH_SIZE - rows]])
    mask = (np.arange(steps * BATCH_SIZE) < rows).astype("float32")
    return order.reshape(steps, BATCH_SIZE), mask.reshape(steps, BATCH_SIZE)


def fit(candidate: dict, x, y, validation: tuple, epochs: int, seed: int) -> list:
    """One candidate trained on `(x, y)`, its validation loss read after each epoch."""
    rng = np.random.default_rng(seed)
    weights = jax.device_put(initial_weights(int(candidate["n_hidden"]),
                                             int(candidate["n_neurons"]), x.shape[1], rng))
    state = SGD.init(weights)
    state.hyperparams["learning_rate"] = jnp.float32(candidate["learning_rate"])
    x, y = jax.device_put((x, y.reshape(-1, 1)))
    for _ in range(epochs):
        weights, state = train_epoch(weights, state, x, y, *batch_order(len(x), rng))
        float(loss(weights, *validation))
    return weights


def search(data, epochs: int, n_iter: int) -> dict:
    """The sklearn search of `bench.search`, by hand: its time and what it found."""
    from sklearn.model_selection import KFold, ParameterSampler

    from bench.search import search_space

    x_train, y_train, x_valid, y_valid = data
    start = time.perf_counter()
    validation = jax.device_put((x_valid, y_valid.reshape(-1, 1)))
    candidates = list(ParameterSampler(search_space(), n_iter, random_state=42))
    scores = []
    for number, candidate in enumerate(candidates):
        fold_scores = []
        for fold, (train, test) in enumerate(KFold(3).split(x_train)):
            weights = fit(candidate, x_train[train], y_train[train], validation, epochs,
                          seed=number * 3 + fold)
            test_data = jax.device_put((x_train[test], y_train[test].reshape(-1, 1)))
            fold_scores.append(-float(loss(weights, *test_data)))
        scores.append(float(np.mean(fold_scores)))
    best = candidates[int(np.argmax(scores))]
    fit(best, x_train, y_train, validation, epochs, seed=len(candidates) * 3)
    return {"search_time": time.perf_counter() - start, "best_score": max(scores),
            "best_params": {k: float(v) for k, v in best.items()}}
