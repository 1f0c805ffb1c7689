"""Custom losses, metrics and a custom train_step in the stateless form of Keras 3's JAX guide."""
import jax
import numpy as np
import pytest

import neurx as keras


class HuberLoss(keras.losses.Loss):
    def __init__(self, threshold=1.0, **kwargs):
        self.threshold = threshold
        super().__init__(**kwargs)

    def call(self, y_true, y_pred):
        error = y_true - y_pred
        is_small_error = keras.ops.abs(error) < self.threshold
        squared_loss = keras.ops.square(error) / 2
        linear_loss = self.threshold * keras.ops.abs(error) - self.threshold ** 2 / 2
        return keras.ops.where(is_small_error, squared_loss, linear_loss)


class HuberMetric(keras.metrics.Metric):
    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)
        self.threshold = threshold
        self.total = self.add_weight(name="total", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = keras.ops.abs(y_true - y_pred)
        metric = keras.ops.where(error < self.threshold, keras.ops.square(error) / 2,
                                 self.threshold * error - self.threshold ** 2 / 2)
        self.total.assign_add(keras.ops.sum(metric))
        self.count.assign_add(keras.ops.cast(keras.ops.size(y_true), "float32"))

    def result(self):
        return self.total / self.count


def test_custom_loss_and_metric_classes_and_functions(housing_like):
    x, y = housing_like[:2]
    y = y.reshape(-1, 1)

    def my_mae(y_true, y_pred):
        return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)

    model = keras.Sequential([keras.layers.Dense(1, input_shape=(8,))])
    model.compile(optimizer="sgd", loss=HuberLoss(2.0), metrics=[HuberMetric(2.0, name="huber"), my_mae])
    history = model.fit(x, y, epochs=2, batch_size=50, verbose=0)
    assert list(history.history) == ["loss", "huber", "my_mae"]
    np.testing.assert_allclose(history.history["loss"], history.history["huber"], rtol=1e-5)


class CustomModel(keras.Model):
    def compute_loss_and_updates(self, trainable_variables, non_trainable_variables, x, y,
                                 training=False):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=training)
        loss = self.compute_loss(x, y, y_pred)
        return loss, (y_pred, non_trainable_variables)

    def train_step(self, state, data):
        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
        x, y = data
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (loss, (y_pred, non_trainable_variables)), grads = grad_fn(
            trainable_variables, non_trainable_variables, x, y, training=True)
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        new_metrics_vars, logs = [], {}
        for metric in self.metrics:
            this_metric_vars = metrics_variables[len(new_metrics_vars):
                                                 len(new_metrics_vars) + len(metric.variables)]
            if metric.name == "loss":
                this_metric_vars = metric.stateless_update_state(this_metric_vars, loss)
            else:
                this_metric_vars = metric.stateless_update_state(this_metric_vars, y, y_pred)
            logs[metric.name] = metric.stateless_result(this_metric_vars)
            new_metrics_vars += this_metric_vars
        state = (trainable_variables, non_trainable_variables, optimizer_variables, new_metrics_vars)
        return logs, state


def test_custom_train_step_from_the_keras_jax_guide():
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    rs = np.random.RandomState(0)
    x, y = rs.random((256, 32)).astype("float32"), rs.random((256, 1)).astype("float32")
    history = model.fit(x, y, epochs=3, batch_size=64, verbose=0)
    assert list(history.history) == ["loss", "mae"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.optimizer.iterations == 12
    standard = keras.Model(inputs, outputs)
    standard.compile(optimizer="adam", loss="mse", metrics=["mae"])
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), standard.evaluate(x, y, verbose=0),
                               rtol=1e-6)


def test_stateless_call_does_not_touch_the_layers():
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    before = model.get_weights()
    out, non_trainable = model.stateless_call([np.zeros((3, 2)), np.ones(2)], [], np.ones((4, 3)))
    np.testing.assert_allclose(out, np.ones((4, 2)))
    assert non_trainable == []
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_backend_helpers_and_legacy_lr():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    with pytest.warns(UserWarning, match="learning_rate"):
        model.compile(optimizer=keras.optimizers.SGD(lr=0.5), loss="mse")
    assert abs(float(model.optimizer.learning_rate) - 0.5) < 1e-7
    keras.backend.set_value(model.optimizer.learning_rate, 0.25)
    assert abs(keras.backend.get_value(model.optimizer.learning_rate) - 0.25) < 1e-7
    assert keras.backend.epsilon() == 1e-7 and keras.backend.floatx() == "float32"
    keras.backend.clear_session()
    assert keras.layers.Dense(1).name == "dense"
