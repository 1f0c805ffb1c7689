"""The engine's promises: one trace per program, padded last batches that change nothing,
weights, validation splits, streamed batches, single-batch methods and clear errors."""
import numpy as np
import pytest

import neurx as keras


def _mlp(n_in=8, seed_layer_names=True):
    model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=(n_in,)),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse", metrics=["mae"])
    return model


def test_fit_traces_each_program_once_across_epochs_and_calls(housing_like, fresh_programs):
    x, y = housing_like[:2]
    model = _mlp()
    model.fit(x, y, epochs=3, batch_size=32, verbose=0, validation_data=housing_like[2:4])
    model.fit(x, y, epochs=2, batch_size=32, verbose=0, validation_data=housing_like[2:4])
    assert model._trainer.steps.trace_counts["train"] == 1     # 400 rows: 13 batches, last one padded
    assert model._trainer.steps.trace_counts["test"] == 1


def test_padded_last_batch_equals_plain_sgd_on_real_rows():
    rs = np.random.RandomState(0)
    x = rs.normal(size=(10, 3)).astype("float32")
    y = rs.normal(size=(10, 1)).astype("float32")
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,), use_bias=True)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    w0, b0 = model.get_weights()
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    w, b = w0.copy(), b0.copy()
    for start in range(0, 10, 4):
        xb, yb = x[start:start + 4], y[start:start + 4]
        err = xb @ w + b - yb
        w -= 0.1 * 2 * xb.T @ err / len(xb)
        b -= 0.1 * 2 * err.mean(axis=0)
    got_w, got_b = model.get_weights()
    np.testing.assert_allclose(got_w, w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_b, b, rtol=1e-5, atol=1e-6)


def test_epoch_loss_is_the_sample_weighted_mean_of_batch_losses():
    rs = np.random.RandomState(0)
    x = rs.normal(size=(10, 3)).astype("float32")
    y = rs.normal(size=(10, 1)).astype("float32")
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    expected = float(np.mean((model.predict(x, verbose=0) - y) ** 2))
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=3, verbose=0), expected, rtol=1e-5)


def test_same_seed_gives_same_weights_and_training(housing_like):
    x, y = housing_like[:2]
    results = []
    for _ in range(2):
        keras.utils.set_random_seed(7) if hasattr(keras.utils, "set_random_seed") else keras.rng.set_seed(7)
        model = _mlp()
        model.fit(x, y, epochs=2, verbose=0)
        results.append(model.get_weights())
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_sample_weight_and_class_weight():
    rs = np.random.RandomState(0)
    x = rs.normal(size=(40, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = keras.Sequential([keras.layers.Dense(2, activation="softmax", input_shape=(4,))])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    zero = model.evaluate(x, y, sample_weight=np.zeros(40), verbose=0, return_dict=True)
    assert zero["loss"] == 0.0
    model.fit(x, y, class_weight={0: 1.0, 1: 3.0}, epochs=1, verbose=0)
    model.fit(x, y, sample_weight=np.linspace(0, 1, 40), epochs=1, verbose=0)


def test_validation_split_takes_the_last_rows(housing_like):
    x, y = housing_like[:2]
    model = _mlp()
    history = model.fit(x, y, validation_split=0.25, epochs=1, verbose=0)
    expected = model.evaluate(x[300:], y[300:], verbose=0, return_dict=True)
    np.testing.assert_allclose(history.history["val_loss"][0], expected["loss"], rtol=1e-5)
    assert history.params["steps"] == 10


def test_generator_and_sequence_inputs(housing_like):
    x, y = housing_like[:2]

    def batches():
        while True:
            for i in range(0, 400, 50):
                yield x[i:i + 50], y[i:i + 50]

    class Seq:
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return x[i * 64:(i + 1) * 64], y[i * 64:(i + 1) * 64]

    model = _mlp()
    history = model.fit(batches(), steps_per_epoch=8, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    history = model.fit(Seq(), epochs=2, verbose=0, validation_data=Seq())
    assert "val_loss" in history.history
    assert model.predict(Seq(), verbose=0).shape == (192, 1)
    assert np.isfinite(model.evaluate(Seq(), verbose=0)[0])


def test_single_batch_methods(housing_like):
    x, y = housing_like[:2]
    model = _mlp()
    loss, mae = model.train_on_batch(x[:32], y[:32])
    assert np.isfinite(loss) and np.isfinite(mae)
    logs = model.test_on_batch(x[:32], y[:32], return_dict=True)
    assert set(logs) == {"loss", "mae"}
    assert model.predict_on_batch(x[:5]).shape == (5, 1)


def test_legacy_methods_warn_once():
    model = keras.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(2,))])
    x = np.ones((4, 2), "float32")
    with pytest.warns(UserWarning, match="predict_classes"):
        classes = model.predict_classes(x)
    assert classes.shape == (4,)


def test_stop_training_from_a_callback(housing_like):
    x, y = housing_like[:2]

    class StopAfterTwo(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    model = _mlp()
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=[StopAfterTwo()])
    assert history.epoch == [0, 1]


def test_every_hook_is_called_in_keras_order(housing_like):
    x, y = housing_like[:2]
    calls = []

    class Recorder(keras.callbacks.Callback):
        pass

    for hook in ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
                 "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
                 "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
                 "on_predict_batch_begin", "on_predict_batch_end"]:
        setattr(Recorder, hook, (lambda name: lambda self, *a, **k: calls.append(name))(hook))

    model = _mlp()
    model.fit(x[:64], y[:64], batch_size=32, epochs=1, verbose=0,
              validation_data=(x[:32], y[:32]), callbacks=[Recorder()])
    assert calls == ["on_train_begin", "on_epoch_begin",
                     "on_train_batch_begin", "on_train_batch_end",
                     "on_train_batch_begin", "on_train_batch_end",
                     "on_test_begin", "on_test_batch_begin", "on_test_batch_end", "on_test_end",
                     "on_epoch_end", "on_train_end"]
    calls.clear()
    model.predict(x[:40], batch_size=32, callbacks=[Recorder()], verbose=0)
    assert calls == ["on_predict_begin", "on_predict_batch_begin", "on_predict_batch_end",
                     "on_predict_batch_begin", "on_predict_batch_end", "on_predict_end"]


def test_errors_are_clear(housing_like):
    x, y = housing_like[:2]
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(8,))])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(x, y, verbose=0)
    with pytest.raises(ValueError, match="Did you mean 'sparse_categorical_crossentropy'"):
        model.compile(optimizer="adam", loss="aparse_categorical_crossentropy")
    with pytest.raises(TypeError, match="Did you mean 'loss_weights'"):
        model.compile(optimizer="adam", loss="mse", loss_weight=[1.0])
    with pytest.raises(ValueError, match="Did you mean 'adam'"):
        model.compile(optimizer="adma", loss="mse")
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(TypeError, match="Did you mean 'epochs'"):
        model.fit(x, y, epoch=3)
    with pytest.raises(ValueError, match=r"expects shape \(None, 8\).*\(400, 5\)"):
        model.fit(x[:, :5], y, verbose=0)
    with pytest.raises(ValueError, match="x has 400 samples but y has 300"):
        model.fit(x, y[:300], verbose=0)
    with pytest.raises(ValueError, match="reshape.*Reshape"):
        keras.Sequential([keras.layers.Dense(3, input_shape=(4,)), keras.layers.Reshape((2, 2))])


def test_layer_shape_mismatch_names_layer_and_shapes():
    inp = keras.Input(shape=(4,))
    with pytest.raises(ValueError, match=r"concatenate.*\(None, 4\).*\(None, 3, 2\)|Concatenate"):
        keras.layers.concatenate([inp, keras.layers.Reshape((3, 2))(keras.layers.Dense(6)(inp))])


def test_pydataset_subclass_with_epoch_hooks(housing_like):
    x, y = housing_like[:2]

    class Batches(keras.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.epochs_seen = 0

        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x[index * 100:(index + 1) * 100], y[index * 100:(index + 1) * 100]

        def on_epoch_end(self):
            self.epochs_seen += 1

    batches = Batches(max_queue_size=2)
    model = _mlp()
    history = model.fit(batches, epochs=3, verbose=0)
    assert batches.epochs_seen == 3 and len(history.history["loss"]) == 3
    with pytest.raises(TypeError):
        keras.utils.Sequence()


def test_generator_errors_reach_the_caller(housing_like):
    x, y = housing_like[:2]

    def broken():
        yield x[:32], y[:32]
        raise RuntimeError("disk went away")

    model = _mlp()
    with pytest.raises(RuntimeError, match="disk went away"):
        model.fit(broken(), epochs=1, verbose=0)


def test_run_eagerly_checks_embedding_indices_at_fit_time():
    model = keras.Sequential([keras.layers.Embedding(10, 4), keras.layers.GlobalAveragePooling1D(),
                              keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    x = np.array([[1, 2, 3], [4, 5, 12]])
    with pytest.raises(ValueError, match="input_dim"):
        model.fit(x, np.zeros(2), epochs=1, verbose=0)
    model.fit(x % 10, np.zeros(2), epochs=1, verbose=0)
