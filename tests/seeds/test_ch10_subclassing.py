"""Hands-On ML ch. 10: the subclassing API (WideAndDeepModel)."""
import numpy as np

import neurx as keras


class WideAndDeepModel(keras.models.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = keras.layers.Dense(units, activation=activation)
        self.hidden2 = keras.layers.Dense(units, activation=activation)
        self.main_output = keras.layers.Dense(1)
        self.aux_output = keras.layers.Dense(1)

    def call(self, inputs):
        input_A, input_B = inputs
        hidden1 = self.hidden1(input_B)
        hidden2 = self.hidden2(hidden1)
        concat = keras.layers.concatenate([input_A, hidden2])
        main_output = self.main_output(concat)
        aux_output = self.aux_output(hidden2)
        return main_output, aux_output


def test_wide_and_deep_subclass_trains_evaluates_predicts(housing_like, capsys):
    X_train, y_train, X_valid, y_valid, X_test, y_test = housing_like
    model = WideAndDeepModel(30, activation="relu")
    model.compile(loss="mse", loss_weights=[0.9, 0.1], optimizer=keras.optimizers.SGD(lr=1e-3))
    X_train_A, X_train_B = X_train[:, :5], X_train[:, 2:]
    X_valid_A, X_valid_B = X_valid[:, :5], X_valid[:, 2:]
    history = model.fit((X_train_A, X_train_B), (y_train, y_train), epochs=3, verbose=0,
                        validation_data=((X_valid_A, X_valid_B), (y_valid, y_valid)))
    assert list(history.history) == ["loss", "output_1_loss", "output_2_loss",
                                     "val_loss", "val_output_1_loss", "val_output_2_loss"]
    total, main, aux = model.evaluate((X_test[:, :5], X_test[:, 2:]), (y_test, y_test), verbose=0)
    np.testing.assert_allclose(total, 0.9 * main + 0.1 * aux, rtol=1e-4)
    y_pred_main, y_pred_aux = model.predict((X_test[:3, :5], X_test[:3, 2:]), verbose=0)
    assert y_pred_main.shape == (3, 1)
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "wide_and_deep_model"' in out
    assert "dense (Dense)" in out and "Total params: 1,207" in out


class Gated(keras.Model):
    """Python control flow on the training flag, as subclassed models do."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(2)
        self.dropout = keras.layers.Dropout(0.5)

    def call(self, inputs, training=None):
        x = self.dense(inputs)
        if training:
            x = self.dropout(x, training=training)
        return x


def test_training_flag_reaches_call():
    model = Gated()
    x = np.ones((4, 3), "float32")
    np.testing.assert_allclose(model(x), model(x, training=False))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.zeros((4, 2)), epochs=1, verbose=0)
    assert len(model.trainable_weights) == 2
