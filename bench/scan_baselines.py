"""Hand-written JAX training loops: the speed limit neurx is measured against.

What it owns: each workload of `workloads.py` written plainly in jax + optax — its
parameters with Keras's default initialisers (Glorot-uniform kernels, zero biases,
uniform(-0.05, 0.05) embeddings, orthogonal recurrent kernels, forget-gate bias 1),
its forward pass, its loss and accuracy — and one jitted epoch per workload: the data
already on the device, a permutation drawn on the device, and one `lax.scan` over the
batches (the last partial batch padded and masked out, as the frameworks count it).
`evaluate` and `predict` are a `lax.scan` over the batches in order.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax import lax

from bench.workloads import QA_ANSWERS, VOCAB

EPSILON = 1e-7  # Keras's backend epsilon, used to clip probabilities


# ------------------------------------------------------------------ Keras's initialisers
def glorot_uniform(key, shape):
    receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
    fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return jax.random.uniform(key, shape, "float32", -limit, limit)


def dense_init(key, n_in, n_out):
    return {"kernel": glorot_uniform(key, (n_in, n_out)), "bias": jnp.zeros(n_out)}


def conv_init(key, kernel_shape):
    return {"kernel": glorot_uniform(key, kernel_shape), "bias": jnp.zeros(kernel_shape[-1])}


def embedding_init(key, vocab, dim):
    return jax.random.uniform(key, (vocab, dim), "float32", -0.05, 0.05)


def lstm_init(key, n_in, units):
    k1, k2 = jax.random.split(key)
    bias = jnp.zeros(4 * units).at[units:2 * units].set(1.0)  # unit_forget_bias
    return {"kernel": glorot_uniform(k1, (n_in, 4 * units)),
            "recurrent": jax.nn.initializers.orthogonal()(k2, (units, 4 * units)),
            "bias": bias}


# ------------------------------------------------------------------ building blocks
def dense(p, x):
    return x @ p["kernel"] + p["bias"]


def conv(p, x, padding):
    """Convolution, channels last (NWC or NHWC), stride 1, as patches @ kernel.

    Written as one matrix product over the stacked shifts of the input rather than
    `lax.conv_general_dilated`: inside a `lax.scan` on XLA:CPU, the convolutions of
    JAX's backward pass leave the fast path and run 10-100x slower
    (jax-ml/jax#12868); a matrix product does not.
    """
    kernel = p["kernel"]
    size = kernel.shape[:-2]
    if padding == "SAME":
        x = jnp.pad(x, [(0, 0)] + [((k - 1) // 2, k // 2) for k in size] + [(0, 0)])
    out = [n - k + 1 for n, k in zip(x.shape[1:-1], size)]
    shifts = [x[(slice(None),) + tuple(slice(t, t + n) for t, n in zip(tap, out))]
              for tap in np.ndindex(*size)]
    patches = jnp.concatenate(shifts, axis=-1)
    return patches @ kernel.reshape(-1, kernel.shape[-1]) + p["bias"]


def max_pool(x, size):
    window = (1,) + (size,) * (x.ndim - 2) + (1,)
    return lax.reduce_window(x, -jnp.inf, lax.max, window, window, "VALID")


def lstm(p, x):
    """Keras's LSTM (gates i, f, c, o; tanh / sigmoid), returning the last output."""
    units = p["recurrent"].shape[0]
    projected = jnp.swapaxes(x @ p["kernel"] + p["bias"], 0, 1)  # (time, batch, 4u)

    def cell(carry, z_x):
        h, c = carry
        z = z_x + h @ p["recurrent"]
        i, f, g, o = jnp.split(z, 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), None

    zeros = jnp.zeros((x.shape[0], units), x.dtype)
    (h, _), _ = lax.scan(cell, (zeros, zeros), projected)
    return h


def dropout(x, rate, key):
    keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0)


def sparse_crossentropy(y, probs):
    picked = jnp.take_along_axis(probs, y[:, None].astype("int32"), axis=-1)[:, 0]
    return -jnp.log(jnp.clip(picked, EPSILON, 1.0 - EPSILON))


def binary_crossentropy(y, probs):
    p = jnp.clip(probs, EPSILON, 1.0 - EPSILON)
    return -jnp.mean(y * jnp.log(p) + (1.0 - y) * jnp.log(1.0 - p), axis=-1)


def mse(y, pred):
    return jnp.mean(jnp.square(pred - y), axis=-1)


def sparse_accuracy(y, probs):
    return (jnp.argmax(probs, axis=-1) == y).astype("float32")


def binary_accuracy(y, probs):
    return jnp.mean((probs > 0.5).astype("float32") == y, axis=-1)


# ------------------------------------------------------------------ the workloads
@dataclass(frozen=True)
class Baseline:
    """One workload by hand: `apply(params, x, key, training)` returns the model's output."""

    init: Callable
    apply: Callable
    loss: Callable
    accuracy: Callable | None
    optimizer: optax.GradientTransformation


def _fashion_mlp():
    def init(key):
        k = jax.random.split(key, 3)
        return [dense_init(k[0], 784, 300), dense_init(k[1], 300, 100), dense_init(k[2], 100, 10)]

    def apply(p, x, key, training):
        h = jax.nn.relu(dense(p[0], x.reshape(x.shape[0], -1)))
        h = jax.nn.relu(dense(p[1], h))
        return jax.nn.softmax(dense(p[2], h))

    return Baseline(init, apply, sparse_crossentropy, sparse_accuracy, optax.sgd(0.01))


def _housing():
    def init(key):
        k = jax.random.split(key, 2)
        return [dense_init(k[0], 8, 30), dense_init(k[1], 30, 1)]

    def apply(p, x, key, training):
        return dense(p[1], jax.nn.relu(dense(p[0], x)))

    return Baseline(init, apply, mse, None, optax.sgd(1e-3))


def _wide_deep():
    def init(key):
        k = jax.random.split(key, 3)
        return [dense_init(k[0], 6, 30), dense_init(k[1], 30, 30), dense_init(k[2], 35, 1)]

    def apply(p, x, key, training):
        wide, deep = x
        h = jax.nn.relu(dense(p[1], jax.nn.relu(dense(p[0], deep))))
        return dense(p[2], jnp.concatenate([wide, h], axis=-1))

    return Baseline(init, apply, mse, None, optax.sgd(1e-3))


def _imdb_conv1d():
    def init(key):
        k = jax.random.split(key, 4)
        return {"embedding": embedding_init(k[0], VOCAB, 128),
                "conv1": conv_init(k[1], (7, 128, 32)), "conv2": conv_init(k[2], (7, 32, 32)),
                "dense": dense_init(k[3], 32, 1)}

    def apply(p, x, key, training):
        h = p["embedding"][x]
        h = max_pool(jax.nn.relu(conv(p["conv1"], h, "VALID")), 5)
        h = jnp.max(jax.nn.relu(conv(p["conv2"], h, "VALID")), axis=1)
        return jax.nn.sigmoid(dense(p["dense"], h))

    return Baseline(init, apply, binary_crossentropy, binary_accuracy, _rmsprop())


def _qa_lstm():
    def init(key):
        k = jax.random.split(key, 5)
        return {"text_embedding": embedding_init(k[0], VOCAB, 64), "text_lstm": lstm_init(k[1], 64, 32),
                "question_embedding": embedding_init(k[2], VOCAB, 32),
                "question_lstm": lstm_init(k[3], 32, 16), "answer": dense_init(k[4], 48, QA_ANSWERS)}

    def apply(p, x, key, training):
        text, question = x
        encoded_text = lstm(p["text_lstm"], p["text_embedding"][text])
        encoded_question = lstm(p["question_lstm"], p["question_embedding"][question])
        merged = jnp.concatenate([encoded_text, encoded_question], axis=-1)
        return jax.nn.softmax(dense(p["answer"], merged))

    return Baseline(init, apply, sparse_crossentropy, sparse_accuracy, _rmsprop())


def _fashion_cnn():
    def init(key):
        k = jax.random.split(key, 4)
        return {"conv1": conv_init(k[0], (3, 3, 1, 32)), "conv2": conv_init(k[1], (3, 3, 32, 64)),
                "hidden": dense_init(k[2], 7 * 7 * 64, 100), "out": dense_init(k[3], 100, 10)}

    def apply(p, x, key, training):
        h = max_pool(jax.nn.relu(conv(p["conv1"], x, "SAME")), 2)
        h = max_pool(jax.nn.relu(conv(p["conv2"], h, "SAME")), 2)
        h = jax.nn.relu(dense(p["hidden"], h.reshape(h.shape[0], -1)))
        if training:
            h = dropout(h, 0.4, key)
        return jax.nn.softmax(dense(p["out"], h))

    return Baseline(init, apply, sparse_crossentropy, sparse_accuracy,
                    optax.adam(1e-3, eps=EPSILON))


def _rmsprop():
    """Keras's RMSprop defaults: lr 1e-3, rho 0.9, eps 1e-7 outside the square root."""
    return optax.rmsprop(1e-3, decay=0.9, eps=EPSILON, eps_in_sqrt=False)


BASELINES = {"fashion_mlp": _fashion_mlp, "housing": _housing, "wide_deep": _wide_deep,
             "imdb_conv1d": _imdb_conv1d, "qa_lstm": _qa_lstm, "fashion_cnn": _fashion_cnn}


# ------------------------------------------------------------------ the loops
def batch_plan(key, n, batch_size):
    """`(steps, batch)` row indices (shuffled when `key` is given) and a 0/1 padding mask."""
    steps = -(-n // batch_size)
    order = jnp.arange(n) if key is None else jax.random.permutation(key, n)
    order = jnp.concatenate([order, order[:steps * batch_size - n]])
    mask = (jnp.arange(steps * batch_size) < n).astype("float32")
    return order.reshape(steps, batch_size), mask.reshape(steps, batch_size)


def _take(x, idx):
    return jax.tree_util.tree_map(lambda a: a[idx], x)


def _totals(b: Baseline, params, x, y, mask, key, training):
    """Masked sums of loss and accuracy for one batch, and the mean loss."""
    out = b.apply(params, x, key, training)
    count = jnp.sum(mask)
    loss = jnp.sum(b.loss(y, out) * mask) / count
    correct = jnp.sum(b.accuracy(y, out) * mask) if b.accuracy else 0.0
    return loss, jnp.stack([loss * count, correct, count])


def make_fit_epoch(b: Baseline, n: int, batch_size: int):
    """`epoch(params, opt_state, x, y, key) -> (params, opt_state, logs)`, one jitted scan."""

    def epoch(params, opt_state, x, y, key):
        plan_key, dropout_key = jax.random.split(key)
        indices, masks = batch_plan(plan_key, n, batch_size)

        def one_step(carry, batch):
            params, opt_state, totals = carry
            idx, mask, i = batch
            grad_fn = jax.value_and_grad(
                lambda p: _totals(b, p, _take(x, idx), y[idx], mask,
                                  jax.random.fold_in(dropout_key, i), True), has_aux=True)
            (_, sums), grads = grad_fn(params)
            updates, opt_state = b.optimizer.update(grads, opt_state, params)
            return (optax.apply_updates(params, updates), opt_state, totals + sums), None

        steps = jnp.arange(indices.shape[0])
        (params, opt_state, totals), _ = lax.scan(
            one_step, (params, opt_state, jnp.zeros(3)), (indices, masks, steps))
        return params, opt_state, _logs(b, totals)

    return jax.jit(epoch, donate_argnums=(0, 1))


def make_evaluate(b: Baseline, n: int, batch_size: int):
    """`evaluate(params, x, y) -> logs`, batches in order, one jitted scan."""

    def evaluate(params, x, y):
        indices, masks = batch_plan(None, n, batch_size)

        def one_step(totals, batch):
            idx, mask = batch
            _, sums = _totals(b, params, _take(x, idx), y[idx], mask, None, False)
            return totals + sums, None

        totals, _ = lax.scan(one_step, jnp.zeros(3), (indices, masks))
        return _logs(b, totals)

    return jax.jit(evaluate)


def make_predict(b: Baseline, n: int, batch_size: int):
    """`predict(params, x) -> outputs` for the `n` rows, one jitted scan over batches."""

    def predict(params, x):
        indices, _ = batch_plan(None, n, batch_size)
        _, outs = lax.scan(lambda c, idx: (c, b.apply(params, _take(x, idx), None, False)),
                           None, indices)
        return outs.reshape((-1,) + outs.shape[2:])[:n]

    return jax.jit(predict)


def _logs(b: Baseline, totals):
    logs = {"loss": totals[0] / totals[2]}
    if b.accuracy:
        logs["accuracy"] = totals[1] / totals[2]
    return logs
