"""neurx.metrics against the real Keras 3 (JAX backend): values, accumulation, reset, jit."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from neurx import losses, metrics  # noqa: E402
from neurx.variables import StatelessScope  # noqa: E402

keras = pytest.importorskip("keras")

B, C = 8, 4
TOL = dict(rtol=1e-5, atol=1e-6)


def _batch(kind, seed):
    r = np.random.RandomState(seed)
    f = lambda *s: r.rand(*s).astype("float32")  # noqa: E731
    if kind == "reg":
        return r.randn(B, C).astype("float32"), r.randn(B, C).astype("float32")
    if kind == "reg_rank":
        return r.randn(B).astype("float32"), r.randn(B, 1).astype("float32")
    if kind == "pos":
        return f(B, C) * 3, f(B, C) * 3 + 0.01
    if kind == "binary":
        return r.randint(0, 2, (B, 1)).astype("float32"), f(B, 1)
    if kind == "binary_multi":
        return r.randint(0, 2, (B, C)).astype("float32"), f(B, C)
    if kind == "binary_rank":
        return r.randint(0, 2, (B,)).astype("float32"), f(B, 1)
    if kind == "logits":
        return r.randint(0, 2, (B, C)).astype("float32"), r.randn(B, C).astype("float32") * 2
    if kind == "onehot":
        return np.eye(C, dtype="float32")[r.randint(0, C, B)], f(B, C) + 0.01
    if kind == "dist":
        p, q = f(B, C) + 0.01, f(B, C) + 0.01
        return p / p.sum(-1, keepdims=True), q / q.sum(-1, keepdims=True)
    if kind == "sparse":
        return r.randint(0, C, (B,)), f(B, C) + 0.01
    if kind == "sparse_col":
        return r.randint(0, C, (B, 1)).astype("float32"), f(B, C) + 0.01
    if kind == "ints":
        return r.randint(0, 3, (B, 1)), r.randint(0, 3, (B, 1))
    raise ValueError(kind)


def _weights(seed, column=False):
    w = np.random.RandomState(100 + seed).rand(B).astype("float32")
    w[seed % B] = 0.0
    return w[:, None] if column else w


# (name, neurx factory, keras factory, data kinds)
CASES = [
    ("Accuracy", metrics.Accuracy, keras.metrics.Accuracy, ["ints"]),
    ("BinaryAccuracy", metrics.BinaryAccuracy, keras.metrics.BinaryAccuracy, ["binary", "binary_multi", "binary_rank"]),
    ("BinaryAccuracy_t", lambda: metrics.BinaryAccuracy(threshold=0.3), lambda: keras.metrics.BinaryAccuracy(threshold=0.3), ["binary"]),
    ("CategoricalAccuracy", metrics.CategoricalAccuracy, keras.metrics.CategoricalAccuracy, ["onehot"]),
    ("SparseCategoricalAccuracy", metrics.SparseCategoricalAccuracy, keras.metrics.SparseCategoricalAccuracy, ["sparse", "sparse_col"]),
    ("TopK", lambda: metrics.TopKCategoricalAccuracy(k=2), lambda: keras.metrics.TopKCategoricalAccuracy(k=2), ["onehot"]),
    ("SparseTopK", lambda: metrics.SparseTopKCategoricalAccuracy(k=2), lambda: keras.metrics.SparseTopKCategoricalAccuracy(k=2), ["sparse", "sparse_col"]),
    ("MeanSquaredError", metrics.MeanSquaredError, keras.metrics.MeanSquaredError, ["reg", "reg_rank"]),
    ("MeanAbsoluteError", metrics.MeanAbsoluteError, keras.metrics.MeanAbsoluteError, ["reg", "reg_rank"]),
    ("MeanAbsolutePercentageError", metrics.MeanAbsolutePercentageError, keras.metrics.MeanAbsolutePercentageError, ["reg"]),
    ("MeanSquaredLogarithmicError", metrics.MeanSquaredLogarithmicError, keras.metrics.MeanSquaredLogarithmicError, ["pos"]),
    ("RootMeanSquaredError", metrics.RootMeanSquaredError, keras.metrics.RootMeanSquaredError, ["reg", "reg_rank"]),
    ("CosineSimilarity", metrics.CosineSimilarity, keras.metrics.CosineSimilarity, ["reg"]),
    ("LogCoshError", metrics.LogCoshError, keras.metrics.LogCoshError, ["reg"]),
    ("BinaryCrossentropy", metrics.BinaryCrossentropy, keras.metrics.BinaryCrossentropy, ["binary_multi"]),
    ("BinaryCrossentropy_logits", lambda: metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
     lambda: keras.metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1), ["logits"]),
    ("CategoricalCrossentropy", metrics.CategoricalCrossentropy, keras.metrics.CategoricalCrossentropy, ["onehot"]),
    ("SparseCategoricalCrossentropy", metrics.SparseCategoricalCrossentropy, keras.metrics.SparseCategoricalCrossentropy, ["sparse", "sparse_col"]),
    ("KLDivergence", metrics.KLDivergence, keras.metrics.KLDivergence, ["dist"]),
    ("Poisson", metrics.Poisson, keras.metrics.Poisson, ["pos"]),
    ("Hinge", metrics.Hinge, keras.metrics.Hinge, ["binary_multi"]),
    ("SquaredHinge", metrics.SquaredHinge, keras.metrics.SquaredHinge, ["binary_multi"]),
    ("CategoricalHinge", metrics.CategoricalHinge, keras.metrics.CategoricalHinge, ["onehot"]),
    ("AUC", metrics.AUC, keras.metrics.AUC, ["binary", "binary_multi", "binary_rank"]),
    ("AUC_PR", lambda: metrics.AUC(curve="PR"), lambda: keras.metrics.AUC(curve="PR"), ["binary"]),
    ("AUC_PR_minoring", lambda: metrics.AUC(curve="PR", summation_method="minoring", num_thresholds=50),
     lambda: keras.metrics.AUC(curve="PR", summation_method="minoring", num_thresholds=50), ["binary"]),
    ("AUC_ROC_majoring", lambda: metrics.AUC(summation_method="majoring", num_thresholds=7),
     lambda: keras.metrics.AUC(summation_method="majoring", num_thresholds=7), ["binary_multi"]),
    ("AUC_PRGAIN", lambda: metrics.AUC(curve="PRGAIN"), lambda: keras.metrics.AUC(curve="PRGAIN"), ["binary"]),
    ("AUC_thresholds", lambda: metrics.AUC(thresholds=[0.3, 0.5, 0.8]),
     lambda: keras.metrics.AUC(thresholds=[0.3, 0.5, 0.8]), ["binary"]),
    ("AUC_multilabel", lambda: metrics.AUC(multi_label=True, num_labels=C, label_weights=[1, 2, 0.5, 1]),
     lambda: keras.metrics.AUC(multi_label=True, num_labels=C, label_weights=[1, 2, 0.5, 1]), ["binary_multi"]),
    ("AUC_logits", lambda: metrics.AUC(from_logits=True), lambda: keras.metrics.AUC(from_logits=True), ["logits"]),
    ("Precision", metrics.Precision, keras.metrics.Precision, ["binary", "binary_multi", "binary_rank"]),
    ("Precision_thresholds", lambda: metrics.Precision(thresholds=[0.2, 0.5, 0.7]),
     lambda: keras.metrics.Precision(thresholds=[0.2, 0.5, 0.7]), ["binary_multi"]),
    ("Precision_topk", lambda: metrics.Precision(top_k=2), lambda: keras.metrics.Precision(top_k=2), ["binary_multi"]),
    ("Precision_class", lambda: metrics.Precision(class_id=1), lambda: keras.metrics.Precision(class_id=1), ["binary_multi"]),
    ("Recall", metrics.Recall, keras.metrics.Recall, ["binary", "binary_multi"]),
    ("Recall_even", lambda: metrics.Recall(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]),
     lambda: keras.metrics.Recall(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]), ["binary_multi"]),
    ("Recall_topk_class", lambda: metrics.Recall(top_k=2, class_id=2), lambda: keras.metrics.Recall(top_k=2, class_id=2), ["binary_multi"]),
    ("TruePositives", metrics.TruePositives, keras.metrics.TruePositives, ["binary", "binary_multi"]),
    ("FalsePositives", lambda: metrics.FalsePositives(thresholds=[0.3, 0.6]),
     lambda: keras.metrics.FalsePositives(thresholds=[0.3, 0.6]), ["binary_multi"]),
    ("TrueNegatives", metrics.TrueNegatives, keras.metrics.TrueNegatives, ["binary"]),
    ("FalseNegatives", metrics.FalseNegatives, keras.metrics.FalseNegatives, ["binary_multi"]),
]
PARAMS = [pytest.param(i, kind, id=f"{name}-{kind}")
          for i, (name, _, _, kinds) in enumerate(CASES) for kind in kinds]


@pytest.mark.parametrize("case,kind", PARAMS)
def test_metric_matches_keras_across_batches_and_reset(case, kind):
    _, ours_factory, theirs_factory, _ = CASES[case]
    ours, theirs = ours_factory(), theirs_factory()
    # Three batches accumulate: unweighted, (batch,) weights, (batch, 1) weights.
    for step, weighting in enumerate((None, "batch", "column")):
        y_true, y_pred = _batch(kind, seed=10 * case + step)
        sw = None if weighting is None else _weights(step, column=weighting == "column")
        ours.update_state(y_true, y_pred, sample_weight=sw)
        theirs.update_state(y_true, y_pred, sample_weight=sw)
        np.testing.assert_allclose(np.asarray(ours.result()), np.asarray(theirs.result()),
                                   **TOL, err_msg=f"{weighting=} {step=}")
    ours.reset_state()
    theirs.reset_state()
    np.testing.assert_allclose(np.asarray(ours.result()), np.asarray(theirs.result()), **TOL)
    assert all(np.all(np.asarray(v.value) == 0) for v in ours.variables)
    y_true, y_pred = _batch(kind, seed=1)
    np.testing.assert_allclose(np.asarray(ours(y_true, y_pred)),
                               np.asarray(theirs(y_true, y_pred)), **TOL)


@pytest.mark.parametrize("name", ["accuracy", "binary_accuracy", "categorical_accuracy",
                                  "sparse_categorical_accuracy", "top_k_categorical_accuracy",
                                  "sparse_top_k_categorical_accuracy"])
def test_function_matches_keras(name):
    kind = {"accuracy": "ints", "binary_accuracy": "binary_multi",
            "sparse_categorical_accuracy": "sparse",
            "sparse_top_k_categorical_accuracy": "sparse"}.get(name, "onehot")
    y_true, y_pred = _batch(kind, 3)
    kwargs = {"k": 2} if "top_k" in name else {}
    from keras.src.metrics import accuracy_metrics
    np.testing.assert_allclose(getattr(metrics, name)(y_true, y_pred, **kwargs),
                               getattr(accuracy_metrics, name)(y_true, y_pred, **kwargs), **TOL)


@pytest.mark.parametrize("factory,kind", [
    (metrics.BinaryAccuracy, "binary"), (metrics.SparseCategoricalAccuracy, "sparse"),
    (metrics.MeanSquaredError, "reg"), (metrics.AUC, "binary"), (metrics.Precision, "binary_multi"),
    (metrics.CategoricalCrossentropy, "onehot"), (metrics.RootMeanSquaredError, "reg")])
def test_padded_rows_with_zero_weight_change_nothing(factory, kind):
    y_true, y_pred = _batch(kind, 5)
    plain, padded = factory(), factory()
    plain.update_state(y_true[:5], y_pred[:5])
    weights = np.array([1, 1, 1, 1, 1, 0, 0, 0], "float32")
    garbage_pred = np.array(y_pred)
    garbage_pred[5:] = np.nan if kind == "reg" else 0.0
    padded.update_state(y_true, garbage_pred, sample_weight=weights)
    np.testing.assert_allclose(np.asarray(padded.result()), np.asarray(plain.result()), **TOL)


def test_sparse_crossentropy_ignore_class_matches_keras_with_weights():
    y_true, y_pred = _batch("sparse", 1)
    ours = metrics.SparseCategoricalCrossentropy(ignore_class=int(y_true[0]))
    theirs = keras.metrics.SparseCategoricalCrossentropy(ignore_class=int(y_true[0]))
    sw = np.ones(B, "float32")
    ours.update_state(y_true, y_pred, sample_weight=sw)
    theirs.update_state(y_true, y_pred, sample_weight=sw)
    np.testing.assert_allclose(ours.result(), theirs.result(), **TOL)
    unweighted = metrics.SparseCategoricalCrossentropy(ignore_class=int(y_true[0]))
    unweighted.update_state(y_true, y_pred)  # the ignored entries never count
    np.testing.assert_allclose(unweighted.result(), theirs.result(), **TOL)


def test_mean_and_sum_match_keras():
    values = np.random.RandomState(0).rand(B, 3).astype("float32")
    for ours, theirs in ((metrics.Mean(), keras.metrics.Mean()), (metrics.Sum(), keras.metrics.Sum())):
        for sw in (None, _weights(1), _weights(2, column=True)):
            ours.update_state(values, sample_weight=sw)
            theirs.update_state(values, sample_weight=sw)
            np.testing.assert_allclose(ours.result(), theirs.result(), **TOL)


def _jitted_update(metric, y_true, y_pred, sample_weight):
    variables = metric.variables

    @jax.jit
    def step(values, y_true, y_pred, sample_weight):
        with StatelessScope(dict(zip(variables, values))) as scope:
            metric.update_state(y_true, y_pred, sample_weight=sample_weight)
        assigned = scope.assigned()
        return [assigned.get(v, old) for v, old in zip(variables, values)]
    return step([v.value for v in variables], y_true, y_pred, sample_weight)


@pytest.mark.parametrize("factory,kind", [
    (metrics.SparseCategoricalAccuracy, "sparse"), (metrics.AUC, "binary"),
    (lambda: metrics.Precision(top_k=2), "binary_multi"), (metrics.RootMeanSquaredError, "reg")])
def test_update_state_under_jit_through_a_stateless_scope(factory, kind):
    jitted, eager = factory(), factory()
    for step in range(2):
        y_true, y_pred = _batch(kind, step)
        sw = _weights(step)
        new_values = _jitted_update(jitted, y_true, y_pred, sw)
        for v, value in zip(jitted.variables, new_values):
            v.assign(value)
        eager.update_state(y_true, y_pred, sample_weight=sw)
    np.testing.assert_allclose(jitted.result(), eager.result(), **TOL)
    # The pure forms give the same, and mutate nothing.
    before = [np.asarray(v.value) for v in eager.variables]
    values = jax.jit(lambda vals: eager.stateless_update_state(vals, y_true, y_pred))(
        [v.value for v in eager.variables])
    assert all(np.array_equal(b, v.value) for b, v in zip(before, eager.variables))
    eager.update_state(y_true, y_pred)
    np.testing.assert_allclose(eager.stateless_result(values), eager.result(), **TOL)
    assert all(np.all(np.asarray(v) == 0) for v in eager.stateless_reset_state())


RESOLVE_CASES = [
    ("accuracy", "binary_crossentropy", (8, 3), (8, 3), metrics.BinaryAccuracy),
    ("accuracy", None, (8, 1), (8, 1), metrics.BinaryAccuracy),
    ("acc", None, (8,), (8, 1), metrics.BinaryAccuracy),
    ("acc", "sparse_categorical_crossentropy", None, None, metrics.SparseCategoricalAccuracy),
    ("accuracy", None, (8,), (8, 5), metrics.SparseCategoricalAccuracy),
    ("accuracy", None, (8, 1), (8, 5), metrics.SparseCategoricalAccuracy),
    ("accuracy", "categorical_crossentropy", (8, 5), (8, 5), metrics.CategoricalAccuracy),
    ("accuracy", "mse", (8, 5), (8, 5), metrics.CategoricalAccuracy),
    ("Accuracy", losses.SparseCategoricalCrossentropy(from_logits=True), (8, 1), (8, 5),
     metrics.SparseCategoricalAccuracy),
    ("accuracy", losses.get(losses.binary_crossentropy), (8, 2), (8, 2), metrics.BinaryAccuracy),
    ("crossentropy", None, (8, 1), (8, 1), metrics.BinaryCrossentropy),
    ("ce", "sparse_categorical_crossentropy", (8,), (8, 5), metrics.SparseCategoricalCrossentropy),
    ("ce", None, (8, 5), (8, 5), metrics.CategoricalCrossentropy),
]


@pytest.mark.parametrize("spec,loss,t,p,cls", RESOLVE_CASES)
def test_resolve_picks_the_right_variant_and_keeps_the_spelling(spec, loss, t, p, cls):
    metric = metrics.resolve(spec, loss=loss, y_true_shape=t, y_pred_shape=p)
    assert type(metric) is cls and metric.name == spec


def test_resolve_names_and_passthrough():
    assert metrics.resolve("mse").name == "mse"
    assert type(metrics.resolve("mae")) is metrics.MeanAbsoluteError
    instance = metrics.BinaryAccuracy()
    assert metrics.resolve(instance) is instance and instance.name == "binary_accuracy"
    assert metrics.resolve(metrics.AUC).name.startswith("auc")

    def myCustomScore(y_true, y_pred):
        return jnp.abs(y_true - y_pred)
    wrapped = metrics.resolve(myCustomScore)
    assert isinstance(wrapped, metrics.MeanMetricWrapper) and wrapped.name == "my_custom_score"
    ce = metrics.resolve("ce", loss=losses.BinaryCrossentropy(from_logits=True),
                         y_true_shape=(8, 1), y_pred_shape=(8, 1))
    assert ce.from_logits is True
    with pytest.raises(ValueError, match="shapes"):
        metrics.resolve("accuracy")


def test_get_and_did_you_mean():
    assert type(metrics.get("accuracy")) is metrics.Accuracy
    assert type(metrics.get("AUC")) is metrics.AUC
    assert type(metrics.get("top_k_categorical_accuracy")) is metrics.TopKCategoricalAccuracy
    assert metrics.get({"class_name": "Precision", "config": {"thresholds": 0.3}}).thresholds == [0.3]
    with pytest.raises(ValueError, match=r"Unknown metric function: 'acuracy'\. Did you mean 'accuracy'\?"):
        metrics.get("acuracy")
    with pytest.raises(ValueError, match=r"Unknown metric function: 'acuracy'\. Did you mean 'accuracy'\?"):
        metrics.resolve("acuracy")


@pytest.mark.parametrize("cls", metrics.METRIC_CLASSES[3:] + (metrics.Mean, metrics.Sum))
def test_config_round_trip(cls):
    metric = cls(name="custom")
    config = metric.get_config()
    assert cls.from_config(config).get_config() == config
    restored = metrics.deserialize(metrics.serialize(metric))
    assert type(restored) is cls and restored.get_config() == config
    keras_metric = getattr(keras.metrics, cls.__name__)(name="custom")
    assert set(keras_metric.get_config()) <= set(config)
    assert [v.name for v in metric.variables] == [v.name for v in keras_metric.variables]


def test_wrapper_config_round_trip():
    wrapper = metrics.MeanMetricWrapper(metrics.sparse_top_k_categorical_accuracy, k=3)
    restored = metrics.deserialize(metrics.serialize(wrapper))
    assert restored._fn is metrics.sparse_top_k_categorical_accuracy
    assert restored.get_config() == wrapper.get_config()


def test_custom_metric_keras2_style_nested_and_reset():
    class Counter(metrics.Metric):
        def __init__(self, name="counter", **kwargs):
            super().__init__(name=name, **kwargs)
            self.seen = self.add_weight(name="seen", initializer="ones")
            self.inner = metrics.Mean(name="inner")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.seen.assign_add(jnp.asarray(len(y_true), "float32"))
            self.inner.update_state(y_pred)

        def result(self):
            return self.seen.value + self.inner.result()

    m = Counter()
    assert [v.path for v in m.variables] == ["counter/seen", "inner/total", "inner/count"]
    assert float(m([1, 2], [2.0, 4.0])) == 6.0
    m.reset_states()
    assert float(m.seen.value) == 1.0 and float(m.result()) == 1.0

    class Broken(metrics.Metric):
        def __init__(self):
            self.v = self.add_weight(name="v")
    with pytest.raises(RuntimeError, match="super"):
        Broken()
    with pytest.raises(TypeError, match="unexpected keyword"):
        metrics.Mean().add_weight(name="x", shapee=(2,))


def test_auc_validation_errors():
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.Precision(thresholds=[1.5])
