"""Helpers for comparing neurx's sequence layers with the real Keras 3 (jax backend).

`parity(cases)` takes `(neurx_layer, keras_layer, inputs, call_kwargs)` cases,
gives each pair the same random weights, and checks the outputs and the
gradients (with respect to every weight and to float inputs) of
`sum(outputs * probe)` to float32 tolerance. All cases of one library run in
one jitted program: compiling a `lax.scan` costs ~0.4 s on a small CPU, and one
program with many loops compiles far faster than many programs.
"""
from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax
import jax.numpy as jnp
import keras as real_keras
import numpy as np

import neurx
from neurx.variables import StatelessScope


def as_list(outputs):
    """The outputs as a flat list (nested states of stacked cells included)."""
    return jax.tree_util.tree_leaves(outputs, is_leaf=lambda x: hasattr(x, "shape"))


def _args(inputs):
    return inputs if isinstance(inputs, tuple) else (inputs,)


def _build(ours, theirs, args):
    """Builds both layers symbolically (nothing compiled); returns our output shapes.
    The first argument may be a list of arrays (merging layers)."""
    def symbolic_inputs(library):
        return jax.tree_util.tree_map(
            lambda a: library.Input(batch_shape=np.shape(a), dtype=np.asarray(a).dtype.name),
            args[0])
    symbolic = ours(symbolic_inputs(neurx))
    theirs(symbolic_inputs(real_keras))
    return [t.shape for t in as_list(symbolic)]


def _floats(argument):
    """The float arrays of one argument (None elsewhere), the inputs gradients are taken of."""
    return jax.tree_util.tree_map(
        lambda a: jnp.asarray(a) if np.asarray(a).dtype.kind == "f" else None, argument)


def _random_weights(rs, variables):
    """Uniform in [-0.6, 0.6]; positive for variances (BatchNormalization's moving variance)."""
    draws = [rs.uniform(-0.6, 0.6, size=v.shape).astype("float32") for v in variables]
    return [np.abs(w) if "variance" in v.name else w for v, w in zip(variables, draws)]


def _program(layers, run):
    """One jitted function: (weights per case, float inputs per case) -> (loss, outputs).

    A case whose probes are None adds nothing to the loss: only its forward pass runs.
    """
    def total(weights, floats, probes, cases):
        loss, outputs = 0.0, []
        for layer, w, f, p, (args, kwargs) in zip(layers, weights, floats, probes, cases):
            call_args = tuple(a if x is None else x for x, a in zip(f, args))
            out = run(layer, w, call_args, kwargs)
            outputs.append(out)
            if p is not None:
                loss = loss + sum(jnp.sum(o * q) for o, q in zip(out, p))
        return loss, outputs
    return total


def _run_ours(layer, weights, args, kwargs):
    with StatelessScope(dict(zip(layer.weights, weights))):
        return as_list(layer(*args, **kwargs))


def _run_theirs(layer, weights, args, kwargs):
    fixed = [v.value for v in layer.non_trainable_variables]   # incl. seed-generator state
    out, _ = layer.stateless_call(weights, fixed, *args, **kwargs)
    return as_list(out)


def parity(cases, seed=0, atol=1e-5, grads=True):
    """Asserts equal outputs and gradients for each case; returns our outputs per case.

    `cases`: list of `(ours, theirs, inputs, call_kwargs)` or `(..., check_grads)`;
    `inputs` is an array or a tuple of positional arguments.
    """
    results = parity_results(cases, seed, grads)
    for index, (mine, ref, g_mine, g_ref) in enumerate(results):
        assert_case_matches(mine, ref, g_mine, g_ref, atol, f"case {index} ({cases[index][0]})")
    return [[np.asarray(o) for o in mine] for mine, _, _, _ in results]


def assert_case_matches(mine, ref, g_mine, g_ref, atol=1e-5, what="the layer"):
    """One case of `parity_results`: same outputs, and same gradients when taken."""
    assert len(mine) == len(ref), (what, len(mine), len(ref))
    for a, b in zip(mine, ref):
        assert a.shape == b.shape, (what, a.shape, b.shape)
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=atol, rtol=1e-5,
                                   err_msg=f"outputs of {what}")
    for a, b in zip(jax.tree_util.tree_leaves(g_mine), jax.tree_util.tree_leaves(g_ref)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=10 * atol, rtol=1e-4,
                                   err_msg=f"gradients of {what}")


def parity_results(cases, seed=0, grads=True):
    """Runs every case of `parity` in one jitted program per library; returns per case
    `(our outputs, Keras's outputs, our gradients, Keras's gradients)` (gradients for the
    weights and the float inputs; empty without `grads`)."""
    rs = np.random.RandomState(seed)
    cases = [tuple(c) + (True,) * (5 - len(c)) for c in cases]
    calls, weights, shapes = [], [], []
    for ours, theirs, inputs, kwargs, _ in cases:
        args = _args(inputs)
        shapes.append(_build(ours, theirs, args))
        w = _random_weights(rs, ours.weights)
        ours.set_weights(w)
        theirs.set_weights(w)
        weights.append([jnp.asarray(x) for x in w])
        calls.append((args, kwargs))
    floats = [tuple(_floats(a) for a in args) for args, _ in calls]
    ours_fn = _program([c[0] for c in cases], _run_ours)
    theirs_fn = _program([c[1] for c in cases], _run_theirs)
    probes = [[rs.normal(size=s).astype("float32") for s in case] if c[4] else None
              for case, c in zip(shapes, cases)]

    def evaluate(fn, w):
        if grads:
            step = jax.jit(jax.grad(lambda w, f: fn(w, f, probes, calls), argnums=(0, 1),
                                    has_aux=True))
            (g_w, g_f), outs = step(w, floats)
            return outs, (g_w, g_f)
        return jax.jit(lambda w, f: fn(w, f, probes, calls)[1])(w, floats), None

    mine, g_mine = evaluate(ours_fn, weights)
    theirs_weights = [[v.value for v in c[1].trainable_variables] for c in cases]
    ref, g_ref = evaluate(theirs_fn, theirs_weights)
    if not grads:
        return [(a, b, [], []) for a, b in zip(mine, ref)]
    trainable = [[g for g, v in zip(g_case, c[0].weights) if v.trainable]   # as Keras's
                 for g_case, c in zip(g_mine[0], cases)]
    return [(a, b, (trainable[i], g_mine[1][i]), (g_ref[0][i], g_ref[1][i]))
            for i, (a, b) in enumerate(zip(mine, ref))]


def eager_matches(layer, inputs, expected, atol=1e-6, **kwargs):
    """The eager (un-jitted) call gives the same outputs as the jitted parity run."""
    for a, b in zip(as_list(layer(*_args(inputs), **kwargs)), expected):
        np.testing.assert_allclose(np.asarray(a), b, atol=atol)
