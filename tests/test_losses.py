"""neurx.losses against the real Keras 3 (JAX backend), value for value."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from neurx import losses  # noqa: E402

keras = pytest.importorskip("keras")

B, D, C = 6, 4, 5
TOL = dict(rtol=1e-5, atol=1e-6)


def _data(kind, seed=0):
    r = np.random.RandomState(seed)
    f = lambda *s: r.rand(*s).astype("float32")  # noqa: E731
    if kind == "reg":
        return r.randn(B, D).astype("float32"), r.randn(B, D).astype("float32")
    if kind == "reg_rank":  # (batch,) labels against a (batch, 1) output
        return r.randn(B).astype("float32"), r.randn(B, 1).astype("float32")
    if kind == "pos":
        return f(B, D) * 3, f(B, D) * 3 + 0.01
    if kind == "binary":
        return r.randint(0, 2, (B, D)).astype("float32"), f(B, D)
    if kind == "binary_rank":
        return r.randint(0, 2, (B,)).astype("float32"), f(B, 1)
    if kind == "logits":
        return r.randint(0, 2, (B, D)).astype("float32"), r.randn(B, D).astype("float32") * 3
    if kind == "pm1":
        return r.choice([-1.0, 1.0], (B, D)).astype("float32"), r.randn(B, D).astype("float32")
    if kind == "onehot":
        return np.eye(C, dtype="float32")[r.randint(0, C, B)], f(B, C) + 0.01
    if kind == "onehot_logits":
        return np.eye(C, dtype="float32")[r.randint(0, C, B)], r.randn(B, C).astype("float32") * 3
    if kind == "dist":
        p, q = f(B, C) + 0.01, f(B, C) + 0.01
        return p / p.sum(-1, keepdims=True), q / q.sum(-1, keepdims=True)
    if kind == "sparse":
        return r.randint(0, C, (B,)), f(B, C) + 0.01
    if kind == "sparse_col":
        return r.randint(0, C, (B, 1)).astype("float32"), f(B, C) + 0.01
    if kind == "sparse_logits":
        return r.randint(0, C, (B,)), r.randn(B, C).astype("float32") * 3
    if kind == "seq":  # (batch, time) labels, (batch, time, classes) output
        return r.randint(0, C, (B, 3)), f(B, 3, C) + 0.01
    raise ValueError(kind)


# (neurx factory, keras factory, data kinds)
CASES = [
    (lambda **k: losses.MeanSquaredError(**k), lambda **k: keras.losses.MeanSquaredError(**k), ["reg", "reg_rank"]),
    (lambda **k: losses.MeanAbsoluteError(**k), lambda **k: keras.losses.MeanAbsoluteError(**k), ["reg", "reg_rank"]),
    (lambda **k: losses.MeanAbsolutePercentageError(**k), lambda **k: keras.losses.MeanAbsolutePercentageError(**k), ["reg", "reg_rank"]),
    (lambda **k: losses.MeanSquaredLogarithmicError(**k), lambda **k: keras.losses.MeanSquaredLogarithmicError(**k), ["pos", "reg"]),
    (lambda **k: losses.Huber(delta=0.7, **k), lambda **k: keras.losses.Huber(delta=0.7, **k), ["reg", "reg_rank"]),
    (lambda **k: losses.LogCosh(**k), lambda **k: keras.losses.LogCosh(**k), ["reg"]),
    (lambda **k: losses.CosineSimilarity(**k), lambda **k: keras.losses.CosineSimilarity(**k), ["reg"]),
    (lambda **k: losses.CosineSimilarity(axis=0, **k), lambda **k: keras.losses.CosineSimilarity(axis=0, **k), ["reg"]),
    (lambda **k: losses.Hinge(**k), lambda **k: keras.losses.Hinge(**k), ["binary", "pm1", "binary_rank"]),
    (lambda **k: losses.SquaredHinge(**k), lambda **k: keras.losses.SquaredHinge(**k), ["binary", "pm1"]),
    (lambda **k: losses.CategoricalHinge(**k), lambda **k: keras.losses.CategoricalHinge(**k), ["onehot"]),
    (lambda **k: losses.KLDivergence(**k), lambda **k: keras.losses.KLDivergence(**k), ["dist"]),
    (lambda **k: losses.Poisson(**k), lambda **k: keras.losses.Poisson(**k), ["pos"]),
    (lambda **k: losses.BinaryCrossentropy(**k), lambda **k: keras.losses.BinaryCrossentropy(**k), ["binary", "binary_rank"]),
    (lambda **k: losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, **k),
     lambda **k: keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, **k), ["logits"]),
    (lambda **k: losses.CategoricalCrossentropy(**k), lambda **k: keras.losses.CategoricalCrossentropy(**k), ["onehot"]),
    (lambda **k: losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, **k),
     lambda **k: keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, **k), ["onehot_logits"]),
    (lambda **k: losses.SparseCategoricalCrossentropy(**k), lambda **k: keras.losses.SparseCategoricalCrossentropy(**k), ["sparse", "sparse_col", "seq"]),
    (lambda **k: losses.SparseCategoricalCrossentropy(from_logits=True, **k),
     lambda **k: keras.losses.SparseCategoricalCrossentropy(from_logits=True, **k), ["sparse_logits"]),
    (lambda **k: losses.SparseCategoricalCrossentropy(ignore_class=2, **k),
     lambda **k: keras.losses.SparseCategoricalCrossentropy(ignore_class=2, **k), ["sparse", "seq"]),
]
PARAMS = [(i, kind) for i, (_, _, kinds) in enumerate(CASES) for kind in kinds]


def _weights(kind, y_true):
    r = np.random.RandomState(7)
    if kind is None:
        return None
    w = r.rand(B).astype("float32")
    w[1] = 0.0
    return w if kind == "batch" else w[:, None]


COMBOS = [("sum_over_batch_size", None), ("mean", "batch"), ("sum", "column"),
          ("mean_with_sample_weight", "batch"), (None, "column")]


@pytest.mark.parametrize("case,kind", PARAMS)
def test_loss_matches_keras(case, kind):
    ours, theirs, _ = CASES[case]
    y_true, y_pred = _data(kind, seed=case)
    for reduction, weighting in COMBOS:
        sw = _weights(weighting, y_true)
        if weighting and ours().get_config().get("axis") == 0:
            continue  # per-feature losses: sample weights do not apply
        got = ours(reduction=reduction)(y_true, y_pred, sample_weight=sw)
        if kind == "seq" and weighting == "batch":
            # Keras 3 cannot broadcast (batch,) weights over (batch, time) losses;
            # neurx broadcasts them from the left, as Keras does (batch, 1) weights.
            sw = sw[:, None]
        want = theirs(reduction=reduction)(y_true, y_pred, sample_weight=sw)
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), **TOL,
                                   err_msg=f"{reduction=} {weighting=}")


FUNCTIONS = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
             "mean_squared_logarithmic_error", "huber", "log_cosh", "cosine_similarity",
             "hinge", "squared_hinge", "categorical_hinge", "kl_divergence", "poisson",
             "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"]
FUNCTION_DATA = {"hinge": "binary", "squared_hinge": "binary", "categorical_hinge": "onehot",
                 "kl_divergence": "dist", "poisson": "pos", "mean_squared_logarithmic_error": "pos",
                 "binary_crossentropy": "binary", "categorical_crossentropy": "onehot",
                 "sparse_categorical_crossentropy": "sparse"}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_matches_keras(name):
    y_true, y_pred = _data(FUNCTION_DATA.get(name, "reg"))
    got = getattr(losses, name)(y_true, y_pred)
    want = getattr(keras.losses, name)(y_true, y_pred)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), **TOL)


def test_aliases_are_the_functions():
    assert losses.mse is losses.mean_squared_error
    assert losses.mae is losses.mean_absolute_error
    assert losses.mape is losses.mean_absolute_percentage_error
    assert losses.msle is losses.mean_squared_logarithmic_error
    assert losses.kld is losses.kl_divergence
    assert losses.logcosh is losses.log_cosh


def test_rank_alignment_never_broadcasts_to_batch_by_batch():
    y_true, y_pred = _data("reg_rank")
    per_sample = losses.MeanSquaredError(reduction=None)(y_true, y_pred)
    assert per_sample.shape == (B,)
    np.testing.assert_allclose(per_sample, (y_true - y_pred[:, 0]) ** 2, **TOL)


def test_probabilities_are_clipped():
    y_true, y_pred = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    for name in ("BinaryCrossentropy", "CategoricalCrossentropy"):
        value = getattr(losses, name)()(y_true, y_pred)
        assert np.isfinite(value)
        np.testing.assert_allclose(value, getattr(keras.losses, name)()(y_true, y_pred), **TOL)


def test_sparse_labels_as_float_column_and_ints_agree():
    y_true, y_pred = _data("sparse")
    a = losses.sparse_categorical_crossentropy(y_true, y_pred)
    b = losses.sparse_categorical_crossentropy(y_true.astype("float32")[:, None], y_pred)
    np.testing.assert_allclose(a, b, **TOL)


def test_ignore_class_gradient_is_finite():
    y_true, y_pred = _data("sparse")
    loss = losses.SparseCategoricalCrossentropy(ignore_class=int(y_true[0]))
    grad = jax.grad(lambda p: loss(y_true, p))(jnp.asarray(y_pred))
    assert np.all(np.isfinite(grad))


def test_losses_run_under_jit():
    y_true, y_pred = _data("binary")
    loss = losses.BinaryCrossentropy()
    eager = loss(y_true, y_pred)
    np.testing.assert_allclose(jax.jit(loss)(y_true, y_pred), eager, **TOL)
    hinge = jax.jit(losses.Hinge())
    np.testing.assert_allclose(hinge(y_true, y_pred), keras.losses.Hinge()(y_true, y_pred), **TOL)


def test_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="same shape"):
        losses.binary_crossentropy(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="one integer class index"):
        losses.sparse_categorical_crossentropy(np.zeros((4, 3)), np.ones((4, 3)))
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="avg")


def test_get_names_aliases_classes_configs_and_callables():
    assert isinstance(losses.get("mse"), losses.MeanSquaredError)
    assert losses.get("mse").name == "mse"
    assert isinstance(losses.get("MeanAbsoluteError"), losses.MeanAbsoluteError)
    assert isinstance(losses.get("logcosh"), losses.LogCosh)
    assert isinstance(losses.get("kld"), losses.KLDivergence)
    assert isinstance(losses.get("sparse_categorical_crossentropy"),
                      losses.SparseCategoricalCrossentropy)
    loss = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert loss.from_logits is True
    inst = losses.Huber()
    assert losses.get(inst) is inst
    assert losses.get(None) is None

    def my_loss(y_true, y_pred):
        return jnp.mean(jnp.abs(y_true - y_pred), axis=-1)
    wrapped = losses.get(my_loss)
    assert isinstance(wrapped, losses.LossFunctionWrapper) and wrapped.name == "my_loss"
    y_true, y_pred = _data("reg_rank")
    np.testing.assert_allclose(wrapped(y_true, y_pred),
                               keras.losses.MeanAbsoluteError()(y_true, y_pred), **TOL)


def test_unknown_loss_suggests_the_closest_name():
    with pytest.raises(ValueError, match=r"Unknown loss function: 'aparse_categorical_crossentropy'\. "
                       r"Did you mean 'sparse_categorical_crossentropy'\?"):
        losses.get("aparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="Could not interpret"):
        losses.get(3)


@pytest.mark.parametrize("cls", [c for c in vars(losses).values()
                                 if isinstance(c, type) and issubclass(c, losses.Loss)
                                 and c not in (losses.Loss, losses.LossFunctionWrapper)])
def test_config_round_trip(cls):
    loss = cls(reduction="sum", name="custom")
    config = loss.get_config()
    clone = cls.from_config(config)
    assert clone.get_config() == config
    restored = losses.deserialize(losses.serialize(loss))
    assert type(restored) is cls and restored.get_config() == config
    keras_config = getattr(keras.losses, cls.__name__)(reduction="sum", name="custom").get_config()
    assert set(keras_config) <= set(config)


def test_function_wrapper_config_round_trip():
    wrapper = losses.LossFunctionWrapper(losses.huber, delta=2.0)
    clone = losses.LossFunctionWrapper.from_config(wrapper.get_config())
    assert clone.fn is losses.huber and clone.get_config() == wrapper.get_config()
    assert losses.serialize(losses.huber) == "huber"

    def my_l1(y_true, y_pred):
        return jnp.sum(jnp.abs(y_true - y_pred), axis=-1)
    config = losses.serialize(losses.LossFunctionWrapper(my_l1))
    assert losses.deserialize(config, custom_objects={"my_l1": my_l1}).fn is my_l1
    assert isinstance(losses.deserialize("huber"), losses.Huber)


def test_resolve_crossentropy_from_shapes():
    cases = [((8, 1), (8, 1), losses.BinaryCrossentropy),
             ((8,), (8, 3), losses.SparseCategoricalCrossentropy),
             ((8, 1), (8, 3), losses.SparseCategoricalCrossentropy),
             ((8, 3), (8, 3), losses.CategoricalCrossentropy)]
    for t, p, cls in cases:
        loss = losses.resolve("crossentropy", y_true_shape=t, y_pred_shape=p)
        assert type(loss) is cls and loss.name == "crossentropy"
    assert losses.resolve("mse").name == "mse"
    with pytest.raises(ValueError, match="shapes"):
        losses.resolve("ce")


def test_custom_subclass_and_names():
    class Scaled(losses.Loss):
        def call(self, y_true, y_pred):
            return 2.0 * jnp.mean(jnp.square(y_true - y_pred), axis=-1)
    y_true, y_pred = _data("reg")
    np.testing.assert_allclose(Scaled()(y_true, y_pred),
                               2 * keras.losses.MeanSquaredError()(y_true, y_pred), **TOL)
    assert Scaled().name.startswith("scaled")
    with pytest.raises(NotImplementedError, match="call"):
        losses.Loss()(y_true, y_pred)
