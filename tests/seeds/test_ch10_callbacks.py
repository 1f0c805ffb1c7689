"""Notes 000/001: callbacks during fit (custom ratio printer, EarlyStopping, ReduceLROnPlateau)."""
import numpy as np

import neurx as keras


def _housing_model():
    model = keras.models.Sequential([keras.layers.Dense(30, activation="relu", input_shape=[8]),
                                     keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(lr=1e-3))
    return model


def test_print_val_train_ratio_callback(housing_like, capsys):
    X_train, y_train, X_valid, y_valid = housing_like[:4]

    class PrintValTrainRatioCallback(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs):
            print("\nval/train: {:.2f}".format(logs["val_loss"] / logs["loss"]))

    val_train_ratio_cb = PrintValTrainRatioCallback()
    model = _housing_model()
    history = model.fit(X_train, y_train, epochs=1, validation_data=(X_valid, y_valid),
                        callbacks=[val_train_ratio_cb], verbose=0)
    out = capsys.readouterr().out
    ratio = history.history["val_loss"][0] / history.history["loss"][0]
    assert f"val/train: {ratio:.2f}" in out


def test_early_stopping_restores_best_weights_and_reports_stopped_epoch(fashion_like):
    x, y = fashion_like
    y = np.random.RandomState(0).permutation(y)    # noise labels: validation loss soon rises
    train_scaled, val_scaled = x[:400], x[400:]
    train_target, val_target = y[:400], y[400:]

    def model_fn(a_layer=None):
        model = keras.Sequential()
        model.add(keras.layers.Flatten(input_shape=(28, 28)))
        model.add(keras.layers.Dense(100, activation="relu"))
        if a_layer:
            model.add(a_layer)
        model.add(keras.layers.Dense(10, activation="softmax"))
        return model

    model = model_fn(keras.layers.Dropout(0.3))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics="accuracy")
    early_stopping_cb = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    history = model.fit(train_scaled, train_target, epochs=40, verbose=0,
                        validation_data=(val_scaled, val_target), callbacks=[early_stopping_cb])
    val_losses = history.history["val_loss"]
    best_epoch = int(np.argmin(val_losses))
    assert len(val_losses) < 40
    assert early_stopping_cb.stopped_epoch == len(val_losses) - 1
    assert len(val_losses) - 1 - best_epoch == 2
    restored = model.evaluate(val_scaled, val_target, verbose=0)[0]
    np.testing.assert_allclose(restored, val_losses[best_epoch], rtol=1e-5)


def test_reduce_lr_on_plateau_logs_the_rate(housing_like):
    X_train, y_train, X_valid, y_valid = housing_like[:4]
    model = _housing_model()
    model.optimizer.learning_rate = 1e-6
    lr_cb = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0)
    history = model.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid),
                        callbacks=[lr_cb], verbose=0)
    # Keras logs the rate the epoch ran with, then reduces it (first epoch always improves).
    assert np.allclose(history.history["lr"], [1e-6, 1e-6, 5e-7])
    assert abs(float(model.optimizer.learning_rate) - 2.5e-7) < 1e-12
