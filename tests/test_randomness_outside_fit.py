"""Random layers outside `fit` (issue 13): each call of a model, and each `predict`, with a
random layer active draws fresh randomness (Monte Carlo dropout as Hands-On ML ch. 11 writes
it), while `keras.utils.set_random_seed` makes a whole run reproducible."""
import numpy as np

import neurx as keras


class MCDropout(keras.layers.Dropout):
    def call(self, inputs):
        return super().call(inputs, training=True)


def _mc_run(seed):
    """Builds, trains and samples an MC-dropout model as the book does; returns the samples."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    rs = np.random.RandomState(0)
    X = rs.rand(80, 6).astype("float32")
    y = (X[:, 0] > 0.5).astype("int32")
    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=[6]),
        keras.layers.Dense(16, activation="elu", kernel_initializer="he_normal"),
        keras.layers.Dropout(rate=0.2),
        keras.layers.Dense(2, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="nadam",
                  metrics=["accuracy"])
    model.fit(X, y, epochs=2, verbose=0)
    mc_model = keras.models.Sequential([
        MCDropout(layer.rate) if isinstance(layer, keras.layers.Dropout) else layer
        for layer in model.layers])
    X_test = X[:40]
    y_probas = np.stack([mc_model.predict(X_test, batch_size=8, verbose=0)
                         for sample in range(5)])
    calls = np.stack([model(X_test, training=True) for sample in range(5)])
    return model, X_test, y_probas, calls


def test_mc_dropout_samples_differ_per_call_and_a_seeded_run_repeats():
    model, X_test, y_probas, calls = _mc_run(42)
    for samples in (y_probas, calls):
        assert len({s.tobytes() for s in np.asarray(samples)}) == 5   # fresh masks per call
        assert samples.std(axis=0).mean() > 1e-3                       # a real MC spread
    # within one predict call, each batch draws its own masks too
    assert len({y_probas[0][i:i + 8].tobytes() for i in range(0, 40, 8)}) == 5
    plain = model.predict(X_test, verbose=0)                          # dropout inactive
    np.testing.assert_array_equal(plain, model.predict(X_test, verbose=0))
    np.testing.assert_allclose(y_probas.mean(axis=0).sum(axis=1), 1, rtol=1e-5)

    _, _, again_probas, again_calls = _mc_run(42)
    np.testing.assert_array_equal(again_probas, y_probas)
    np.testing.assert_array_equal(again_calls, calls)
    _, _, other_probas, _ = _mc_run(7)
    assert not np.array_equal(other_probas, y_probas)


def test_unseeded_neurx_leaves_numpy_and_python_random_alone(monkeypatch):
    """Without `set_random_seed`, neurx picks a seed of its own for its weights and keys;
    a reader's `np.random.seed(42)` keeps giving the same draws around a model build."""
    import random

    from neurx import rng
    monkeypatch.setitem(rng._state, "seed", None)
    np.random.seed(42)
    random.seed(42)
    keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    after_build = np.random.rand(), random.random()
    np.random.seed(42)
    random.seed(42)
    assert (np.random.rand(), random.random()) == after_build
    assert rng._state["seed"] is not None
