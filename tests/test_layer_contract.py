"""The Layer contract: custom layers, weights, trainable flags, eager calls, subclassed built-ins."""
import numpy as np
import pytest

import neurx as keras


class MyDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, batch_input_shape):
        self.kernel = self.add_weight(name="kernel", shape=[batch_input_shape[-1], self.units],
                                      initializer="glorot_normal")
        self.bias = self.add_weight(name="bias", shape=[self.units], initializer="zeros")
        super().build(batch_input_shape)

    def call(self, X):
        return self.activation(X @ self.kernel + self.bias)

    def compute_output_shape(self, batch_input_shape):
        return tuple(batch_input_shape[:-1]) + (self.units,)

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "units": self.units,
                "activation": keras.activations.serialize(self.activation)}


def test_custom_layer_in_sequential_trains(housing_like):
    x, y = housing_like[:2]
    model = keras.Sequential([MyDense(30, activation="relu", input_shape=[8]), MyDense(1)])
    assert model.layers[0].name == "my_dense"
    model.compile(loss="mse", optimizer="nadam")
    history = model.fit(x, y, epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    config = model.layers[0].get_config()
    assert config["units"] == 30 and config["activation"] == "relu"


class MCDropout(keras.layers.Dropout):
    def call(self, inputs):
        return super().call(inputs, training=True)


def test_subclassing_a_builtin_layer_keeps_dropout_active():
    layer = MCDropout(0.5)
    out = np.asarray(layer(np.ones((100, 10), "float32")))
    assert set(np.unique(out)) <= {0.0, 2.0} and (out == 0).any()


def test_dropout_only_in_training():
    layer = keras.layers.Dropout(0.5)
    x = np.ones((50, 4), "float32")
    np.testing.assert_array_equal(layer(x), x)
    assert (np.asarray(layer(x, training=True)) == 0).any()


def test_weights_api_and_trainable_flag():
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(2,)), keras.layers.Dense(1)])
    hidden = model.layers[0]
    assert hidden.kernel.shape == (2, 3) and hidden.bias.shape == (3,)
    assert [w.name for w in model.weights] == ["kernel", "bias", "kernel", "bias"]
    weights = model.get_weights()
    model.set_weights([w + 1 for w in weights])
    np.testing.assert_allclose(model.get_weights()[0], weights[0] + 1)
    with pytest.raises(ValueError, match="'dense'.*kernel.*\\(2, 3\\).*\\(5, 5\\)"):
        hidden.set_weights([np.zeros((5, 5)), np.zeros(3)])
    hidden.trainable = False
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    model.compile(optimizer="sgd", loss="mse")
    before = hidden.get_weights()
    model.fit(np.ones((8, 2)), np.ones(8), epochs=1, verbose=0)
    np.testing.assert_array_equal(hidden.get_weights()[0], before[0])


def test_eager_calls_and_numpy_integer_units():
    layer = keras.layers.Dense(units=np.int64(30))
    assert layer.units == 30 and isinstance(layer.units, int)
    model = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(2)])
    assert not model.built
    out = model(np.ones((3, 5), "float32"), training=True)
    assert out.shape == (3, 2) and model.built
    assert model.count_params() == 5 * 4 + 4 + 10


def test_lazy_sequential_builds_on_fit():
    model = keras.Sequential()
    model.add(keras.layers.Dense(4, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 6)), np.ones(8), epochs=1, verbose=0)
    assert model.layers[0].kernel.shape == (6, 4)


def test_input_forms_for_the_first_layer():
    for first in [keras.layers.InputLayer(input_shape=(8,)), keras.Input(shape=(8,)),
                  keras.layers.InputLayer(shape=(8,))]:
        model = keras.Sequential([first, keras.layers.Dense(2)])
        assert model.count_params() == 18
        assert model.input.shape == (None, 8) and model.output.shape == (None, 2)
    model = keras.Sequential([keras.layers.Dense(2, input_dim=8)])
    assert model.input_shape == (None, 8)


def test_functional_summary_has_connected_to(capsys):
    input_A = keras.layers.Input(shape=[5], name="wide_input")
    input_B = keras.layers.Input(shape=[6], name="deep_input")
    hidden1 = keras.layers.Dense(30, activation="relu")(input_B)
    concat = keras.layers.concatenate([input_A, hidden1])
    output = keras.layers.Dense(1, name="output")(concat)
    model = keras.Model(inputs=[input_A, input_B], outputs=[output])
    model.summary()
    out = capsys.readouterr().out
    assert "Connected to" in out
    assert "wide_input (InputLayer)" in out and "[(None, 5)]" in out
    assert "['wide_input[0][0]'," in out and "'dense[0][0]']" in out
    assert "Total params: 246" in out
    assert [l.name for l in model.layers] == ["deep_input", "wide_input", "dense", "concatenate", "output"]


def test_regularizers_add_to_the_loss():
    layer = keras.layers.Dense(1, input_shape=(2,), kernel_regularizer=keras.regularizers.l2(0.5),
                               kernel_initializer="ones", use_bias=False)
    model = keras.Sequential([layer])
    model.compile(optimizer="sgd", loss="mse")
    loss = model.evaluate(np.zeros((4, 2)), np.zeros(4), verbose=0)
    np.testing.assert_allclose(loss, 0.5 * 2, rtol=1e-6)
    assert len(model.losses) == 1


def test_kernel_constraint_is_applied_after_updates():
    layer = keras.layers.Dense(1, input_shape=(2,), kernel_constraint=keras.constraints.non_neg())
    model = keras.Sequential([layer])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=10.0), loss="mse")
    model.fit(np.ones((8, 2)), -100 * np.ones(8), epochs=2, verbose=0)
    assert (layer.get_weights()[0] >= 0).all()


def test_symbolic_arithmetic_builds_op_layers():
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    model = keras.Model([a, b], (a + b) * 2 - b[:, :1])
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(model.predict([x, 2 * x], verbose=0), 4 * np.ones((2, 3)))


def test_a_layer_built_by_hand_is_built_once():
    import numpy as np

    from neurx.layers import Dense

    class Twice(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.w

    for layer in (Dense(2), Twice()):
        layer.build((None, 3))
        assert layer.built
        layer(np.ones((1, 3), "float32"))
        assert len(layer.weights) == (2 if isinstance(layer, Dense) else 1)


def test_clear_session_turns_safe_mode_back_on():
    keras.config.enable_unsafe_deserialization()
    keras.utils.clear_session(free_memory=False)
    assert not keras.config.unsafe_deserialization_enabled()


class _SlowInLoops(keras.layers.Layer):
    """A layer that says its gradient is slow inside lax.scan on XLA:CPU (no matmul form)."""
    slow_in_cpu_loops = True


def test_the_trainer_asks_layers_whether_they_scan_fast_on_cpu():
    rs = np.random.RandomState(0)
    x, y = rs.normal(size=(16, 3)).astype("float32"), rs.normal(size=16).astype("float32")
    models = [keras.Sequential([keras.Input(shape=(3,)), layer, keras.layers.Dense(1)])
              for layer in (keras.layers.Dense(2), _SlowInLoops())]
    for model in models:
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert [model._trainer.steps.stepwise for model in models] == [False, True]
    with pytest.raises(NotImplementedError, match="_slow_in_loops.*can_run_as_matmul"):
        models[1].layers[0].run_as_matmul()


class _PositiveOnly(keras.layers.Layer):
    def check_host_inputs(self, inputs):
        if (inputs < 0).any():
            raise ValueError(f"Layer '{self.name}' takes positive inputs only.")


def test_layers_check_model_inputs_on_the_host_before_compiled_steps():
    inputs = keras.Input(shape=(2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(_PositiveOnly(name="positive")(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 2)), np.ones(4), verbose=0)
    with pytest.raises(ValueError, match="'positive' takes positive inputs only"):
        model.predict(-np.ones((4, 2)), verbose=0)
    with pytest.raises(ValueError, match="'positive' takes positive inputs only"):
        model.evaluate(-np.ones((4, 2)), np.ones(4), verbose=0)


def test_base_arguments_are_serialized_by_the_base_class():
    layer = keras.layers.Dense(2, activity_regularizer="l1", trainable=False, name="d",
                               dtype="mixed_bfloat16", input_shape=(3,))
    config = layer.get_config()
    clone = keras.layers.Dense.from_config(config)
    assert (clone.name, clone.trainable, clone.dtype_policy.name) == ("d", False, "mixed_bfloat16")
    assert type(clone.activity_regularizer).__name__ == "L1"
    assert clone.get_config() == config
    assert config["batch_input_shape"] == (None, 3)
    assert "activity_regularizer" not in keras.layers.Dense(2).get_config()   # as Keras 3
    assert keras.layers.Conv1D(2, 3).get_config()["activity_regularizer"] is None


def test_activity_regularizer_survives_save_and_load_with_the_same_loss(tmp_path):
    rs = np.random.RandomState(3)
    x, y = rs.normal(size=(32, 4)).astype("float32"), rs.normal(size=(32, 1)).astype("float32")
    model = keras.Sequential([keras.Input(shape=(4,)),
                              keras.layers.Dense(8, activation="relu",
                                                 activity_regularizer=keras.regularizers.L2(0.1)),
                              keras.layers.Dense(1, activity_regularizer="l1")])
    model.compile(optimizer="sgd", loss="mse")
    loss = model.evaluate(x, y, verbose=0)
    plain = keras.models.clone_model(model)
    plain.layers[0].activity_regularizer = plain.layers[1].activity_regularizer = None
    plain.set_weights(model.get_weights())
    plain.compile(optimizer="sgd", loss="mse")
    assert loss > plain.evaluate(x, y, verbose=0) + 1e-3   # the penalty counts
    for name in ("model.keras", "model.h5"):
        model.save(tmp_path / name)
        loaded = keras.models.load_model(tmp_path / name)
        assert [type(l.activity_regularizer).__name__ for l in loaded.layers] == ["L2", "L1"]
        np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), loss, rtol=1e-6)


@pytest.mark.parametrize("shape, dtype, activation, policy", [
    ((None, 4), "float32", "relu", "float32"),
    ((None, 5, 4), "float32", {"class_name": "leaky_relu", "config": {"negative_slope": 0.1}},
     "float32"),
    ((None, 4), "int32", None, "float32"),
    ((None, 4), "float32", "softmax", "mixed_float16"),
    ((None, 4), "float32", "glu", "float32"),
    ((None, 4), "float32", lambda x: x[..., :1], "float32"),
])
def test_dense_output_spec_without_tracing_equals_the_traced_one(shape, dtype, activation, policy):
    """Dense writes its symbolic output out (no trace) only where that equals the trace."""
    from neurx.layers.layer import Layer
    from neurx.symbolic import KerasTensor

    layer = keras.layers.Dense(6, activation=activation, dtype=policy)
    layer.build(shape)
    inputs = KerasTensor(shape, dtype)
    written, traced = layer.compute_output_spec(inputs), Layer.compute_output_spec(layer, inputs)
    assert (written.shape, written.dtype) == (traced.shape, traced.dtype)


def test_dense_output_spec_still_refuses_a_wrong_input_size():
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    with pytest.raises(ValueError, match=r"expected last dimension 4.*\(None, 5\)"):
        layer(keras.Input(shape=(5,)))


def test_a_dense_stack_builds_without_tracing(monkeypatch):
    def no_trace(*args):
        raise AssertionError("traced")
    monkeypatch.setattr("neurx.layers.layer.infer_output_spec", no_trace)
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(30, activation="relu"),
                              keras.layers.Dense(1)])
    assert model.output_shape == (None, 1)
