"""neurx.ops against the real `keras.ops` (JAX backend): same inputs, same outputs."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

from neurx import config, ops
from neurx.variables import Variable

rng = np.random.default_rng(0)
A = rng.normal(size=(3, 4)).astype("float32")
C = rng.normal(size=(3, 4)).astype("float32")
B = rng.normal(size=(4, 5)).astype("float32")
POS = np.abs(A) + 0.5
SPD = (B @ B.T + 4 * np.eye(4)).astype("float32")
I = np.array([0, 3, 1], dtype="int32")
P = jax.nn.softmax(jnp.asarray(A), axis=-1)
ONE_HOT = np.eye(4, dtype="float32")[I]
M = A > 0

CASES = [
    # elementwise
    ("abs", (A,), {}), ("sqrt", (POS,), {}), ("square", (A,), {}), ("exp", (A,), {}),
    ("log", (POS,), {}), ("log1p", (POS,), {}), ("expm1", (A,), {}), ("sign", (A,), {}),
    ("floor", (A,), {}), ("ceil", (A,), {}), ("round", (A,), {}), ("round", (A,), {"decimals": 1}),
    ("tanh", (A,), {}), ("sin", (A,), {}), ("cos", (A,), {}), ("erf", (A,), {}),
    ("erfinv", (A / 4,), {}), ("negative", (A,), {}), ("reciprocal", (POS,), {}),
    ("rsqrt", (POS,), {}), ("cbrt", (A,), {}), ("isnan", (A,), {}), ("isfinite", (A,), {}),
    ("logical_not", (M,), {}),
    # nn
    ("sigmoid", (A,), {}), ("relu", (A,), {}), ("relu6", (A * 5,), {}), ("softplus", (A,), {}),
    ("softsign", (A,), {}), ("silu", (A,), {}), ("swish", (A,), {}), ("gelu", (A,), {}),
    ("gelu", (A,), {"approximate": False}), ("elu", (A,), {"alpha": 0.5}), ("selu", (A,), {}),
    ("hard_sigmoid", (A * 3,), {}), ("hard_silu", (A * 3,), {}), ("leaky_relu", (A,), {}),
    ("leaky_relu", (A,), {"negative_slope": 0.1}), ("log_sigmoid", (A,), {}),
    ("softmax", (A,), {}), ("softmax", (A,), {"axis": 0}), ("log_softmax", (A,), {"axis": 0}),
    ("one_hot", (I, 5), {}), ("one_hot", (I, 4), {"axis": 0}), ("normalize", (A,), {}),
    ("normalize", (A,), {"axis": 0, "order": 1}), ("moments", (A,), {"axes": [0]}),
    ("moments", (A,), {"axes": [0, 1], "keepdims": True}),
    ("binary_crossentropy", (M.astype("float32"), P), {}),
    ("binary_crossentropy", (M.astype("float32"), A), {"from_logits": True}),
    ("categorical_crossentropy", (ONE_HOT, P), {}),
    ("categorical_crossentropy", (ONE_HOT, A), {"from_logits": True}),
    ("sparse_categorical_crossentropy", (I, P), {}),
    ("sparse_categorical_crossentropy", (I, A), {"from_logits": True}),
    # binary
    ("add", (A, C), {}), ("add", (A, 2.0), {}), ("subtract", (A, C), {}),
    ("multiply", (A, C), {}), ("divide", (A, POS), {}), ("true_divide", (A, POS), {}),
    ("power", (POS, 2.5), {}), ("maximum", (A, C), {}), ("minimum", (A, 0.0), {}),
    ("equal", (A, A), {}), ("not_equal", (A, C), {}), ("greater", (A, C), {}),
    ("greater_equal", (A, C), {}), ("less", (A, C), {}), ("less_equal", (A, C), {}),
    ("logical_and", (M, A < 1), {}), ("logical_or", (M, A < -1), {}),
    ("logical_xor", (M, A < 1), {}), ("matmul", (A, B), {}), ("dot", (A, B), {}),
    ("tensordot", (A, B), {"axes": 1}), ("einsum", ("ij,jk->ik", A, B), {}),
    ("outer", (A[0], B[0]), {}), ("divide_no_nan", (A, np.where(M, C, 0)), {}),
    ("logaddexp", (A, C), {}), ("floor_divide", (POS, 0.3), {}), ("mod", (POS, 0.7), {}),
    ("isclose", (A, A + 1e-9), {}), ("heaviside", (A, 0.5), {}), ("arctan2", (A, C), {}),
    # reductions
    ("sum", (A,), {}), ("sum", (A,), {"axis": 1}), ("sum", (A, 1, True), {}),
    ("mean", (A,), {"axis": 0}), ("mean", (I,), {}), ("max", (A,), {"axis": 0, "keepdims": True}),
    ("min", (A,), {"axis": 1}), ("prod", (A,), {"axis": 0}), ("argmax", (A,), {"axis": 1}),
    ("argmin", (A,), {}), ("any", (M,), {"axis": 0}), ("all", (M,), {}),
    ("std", (A,), {"axis": 1}), ("var", (A,), {"axis": 0, "keepdims": True}),
    ("logsumexp", (A,), {"axis": 1}), ("cumsum", (A,), {"axis": 1}), ("cumprod", (A,), {"axis": 0}),
    ("count_nonzero", (M,), {"axis": 0}), ("median", (A,), {"axis": 0}),
    ("nansum", (A,), {"axis": 1}), ("norm", (A,), {}), ("norm", (A,), {"axis": 1}),
    ("norm", (I,), {}), ("top_k", (A, 2), {}), ("in_top_k", (I, A, 2), {}),
    ("sort", (A,), {"axis": 0}), ("argsort", (A,), {}),
    # shapes and indexing
    ("transpose", (A,), {}), ("transpose", (B[None],), {"axes": (2, 0, 1)}),
    ("reshape", (A, (4, 3)), {}), ("reshape", (A, -1), {}), ("expand_dims", (A, 0), {}),
    ("squeeze", (A[None],), {}), ("squeeze", (A[:, :1],), {"axis": 1}),
    ("concatenate", ([A, C],), {"axis": 1}), ("stack", ([A, C],), {}),
    ("split", (A, 2), {"axis": 1}), ("tile", (A, (2, 1)), {}), ("repeat", (A, 2), {"axis": 0}),
    ("pad", (A, ((1, 0), (0, 2))), {}), ("pad", (A, 1), {"constant_values": 3.0}),
    ("pad", (A, 1), {"mode": "reflect"}), ("flip", (A,), {"axis": 1}),
    ("take", (A, [0, 2]), {"axis": 1}), ("take_along_axis", (A, I[:, None]), {"axis": 1}),
    ("swapaxes", (A, 0, 1), {}), ("moveaxis", (B[None], 0, -1), {}), ("roll", (A, 1), {"axis": 1}),
    ("tril", (A,), {}), ("triu", (A,), {"k": 1}), ("diag", (A[0],), {}), ("diagonal", (A,), {}),
    ("broadcast_to", (A[0], (2, 4)), {}), ("where", (M, A, 0.0), {}), ("clip", (A, -0.5, 0.5), {}),
    ("unstack", (A,), {"axis": 1}), ("slice", (A, (1, 0), (2, 3)), {}),
    ("slice_update", (A, (1, 1), np.ones((2, 2), "float32")), {}),
    ("segment_sum", (A, np.array([0, 0, 1])), {"num_segments": 2}),
    ("segment_max", (A, np.array([0, 1, 1])), {"num_segments": 2}),
    # creation and conversion
    ("zeros", ((2, 3),), {}), ("ones", ((2,),), {"dtype": "int32"}), ("full", ((2,), 3), {}),
    ("eye", (3,), {}), ("eye", (2, 3), {"k": 1}), ("identity", (3,), {}), ("arange", (5,), {}),
    ("arange", (1.0, 3.0, 0.5), {}), ("linspace", (0.0, 1.0, 5), {}), ("zeros_like", (A,), {}),
    ("ones_like", (I,), {}), ("full_like", (A, 2.0), {}), ("cast", (A, "int32"), {}),
    ("convert_to_tensor", ([1.0, 2.0],), {}), ("convert_to_tensor", ([1, 2],), {}),
    ("shape", (A,), {}), ("size", (A,), {}), ("ndim", (A,), {}),
    # linear algebra
    ("inv", (SPD,), {}), ("det", (SPD,), {}), ("solve", (SPD, B), {}), ("cholesky", (SPD,), {}),
]


def _compare(got, expected, name):
    got_leaves, got_tree = jax.tree_util.tree_flatten(got)
    exp_leaves, exp_tree = jax.tree_util.tree_flatten(expected)
    assert len(got_leaves) == len(exp_leaves), name
    for g, e in zip(got_leaves, exp_leaves):
        g, e = np.asarray(g), np.asarray(e)
        assert g.shape == e.shape, (name, g.shape, e.shape)
        assert g.dtype == e.dtype, (name, g.dtype, e.dtype)
        np.testing.assert_allclose(g.astype("float64"), e.astype("float64"), rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("name, args, kwargs", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_op_matches_keras(name, args, kwargs):
    expected = getattr(keras.ops, name)(*args, **kwargs)
    _compare(getattr(ops, name)(*args, **kwargs), expected, name)
    # every op accepts Variables in place of arrays
    as_vars = [Variable(a, name="v") if isinstance(a, np.ndarray) and a.ndim else a for a in args]
    _compare(getattr(ops, name)(*as_vars, **kwargs), expected, name)


def test_qr_and_svd_reconstruct():
    q, r = ops.qr(Variable(B.T, name="b"))
    np.testing.assert_allclose(q @ r, B.T, atol=1e-5)
    u, s, vt = ops.svd(A, full_matrices=False)
    np.testing.assert_allclose((u * s) @ vt, A, atol=1e-5)


def test_lists_and_python_floats_become_floatx_arrays():
    assert ops.mean([1.0, 2.0]).dtype == jnp.float32
    assert float(ops.sum([[1, 2], [3, 4]])) == 10
    assert ops.convert_to_tensor(Variable(np.ones(2, "float16"), name="v")).dtype == jnp.float16
    assert ops.convert_to_numpy(Variable(A, name="v")).tolist() == A.tolist()
    assert ops.is_tensor(jnp.ones(1)) and not ops.is_tensor(Variable(A, name="v"))


def test_creation_ops_follow_floatx():
    config.set_floatx("float16")
    try:
        assert ops.zeros((2,)).dtype == jnp.float16
        assert ops.eye(2).dtype == jnp.float16
        assert ops.one_hot(I, 4).dtype == jnp.float16
        assert ops.convert_to_tensor([1.5]).dtype == jnp.float16
    finally:
        config.set_floatx("float32")


def test_control_flow_matches_keras():
    body = lambda i, x: (i + 1, x * 2.0)  # noqa: E731
    cond = lambda i, x: i < 5  # noqa: E731
    for kwargs in ({}, {"maximum_iterations": 3}):
        _compare(ops.while_loop(cond, body, (0, jnp.array(1.0)), **kwargs),
                 keras.ops.while_loop(cond, body, (0, jnp.array(1.0)), **kwargs), "while_loop")
    assert int(ops.while_loop(lambda i: i < 10, lambda i: i + 3, 0)) == 12

    def step(carry, x):
        return carry + x, carry * x
    _compare(ops.scan(step, jnp.array(0.0), jnp.arange(5.0)),
             keras.ops.scan(step, jnp.array(0.0), jnp.arange(5.0)), "scan")
    assert float(ops.fori_loop(0, 4, lambda i, acc: acc + i, jnp.array(0.0))) == 6.0
    jitted = jax.jit(lambda p: ops.cond(p > 0, lambda: p * 2.0, lambda: -p))
    assert float(jitted(3.0)) == 6.0 and float(jitted(-3.0)) == 3.0
    _compare(ops.vectorized_map(jnp.sum, A), keras.ops.vectorized_map(jnp.sum, A), "vmap")
    _compare(ops.map(jnp.sum, A), keras.ops.map(jnp.sum, A), "map")


def test_stop_gradient_and_variables_under_grad():
    v = Variable(A, name="kernel")
    grad = jax.grad(lambda x: ops.sum(ops.stop_gradient(x) * x))(jnp.asarray(A))
    np.testing.assert_allclose(grad, A)
    assert ops.matmul(v, B).shape == (3, 5)


def test_errors_are_clear():
    with pytest.raises(ValueError, match="num_segments"):
        ops.segment_sum(A, np.array([0, 0, 1]))
    with pytest.raises(ValueError, match="constant_values"):
        ops.pad(A, 1, mode="reflect", constant_values=2.0)
    with pytest.raises(ValueError, match="same shape"):
        ops.binary_crossentropy(A, B)
    with pytest.raises(ValueError, match="sparse=True"):
        ops.one_hot(I, 4, sparse=True)


def test_public_names_are_keras_ops():
    assert len(ops.__all__) > 150
    for name in ops.__all__:
        assert callable(getattr(ops, name)), name
        assert hasattr(keras.ops, name), f"{name} is not a keras.ops name"
        assert getattr(ops, name).__doc__, name
