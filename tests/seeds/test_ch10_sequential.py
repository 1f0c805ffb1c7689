"""Hands-On ML ch. 10 (notes 000 and 003): Sequential classification and regression."""
import numpy as np

import neurx as keras


def test_fashion_mlp_built_with_add_and_list(fashion_like):
    model = keras.models.Sequential()
    model.add(keras.layers.Flatten(input_shape=[28, 28]))
    model.add(keras.layers.Dense(300, activation="relu"))
    model.add(keras.layers.Dense(100, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    assert model.count_params() == 266_610
    assert [l.name for l in model.layers] == ["flatten", "dense", "dense_1", "dense_2"]

    same = keras.models.Sequential([
        keras.layers.Flatten(input_shape=[28, 28]),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax")
    ])
    assert same.count_params() == model.count_params()
    hidden1 = same.layers[1]
    weights, biases = hidden1.get_weights()
    assert weights.shape == (784, 300) and biases.shape == (300,)
    assert same.get_layer(hidden1.name) is hidden1


def test_fashion_compile_fit_evaluate_predict(fashion_like):
    x, y = fashion_like
    X_valid, X_train = x[:100], x[100:]
    y_valid, y_train = y[:100], y[100:]
    model = keras.models.Sequential(
        [keras.layers.Flatten(input_shape=[28, 28]),
         keras.layers.Dense(300, activation="relu"),
         keras.layers.Dense(100, activation="relu"),
         keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=5, validation_data=(X_valid, y_valid), verbose=0)
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert history.epoch == [0, 1, 2, 3, 4]
    assert history.params["epochs"] == 5 and history.params["steps"] == 13
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, acc = model.evaluate(X_valid, y_valid, verbose=0)
    assert abs(loss - history.history["val_loss"][-1]) < 1e-5
    y_proba = model.predict(X_valid[:3], verbose=0)
    assert y_proba.shape == (3, 10)
    np.testing.assert_allclose(y_proba.sum(axis=1), 1, rtol=1e-5)
    assert y_proba.round(2).dtype == np.float32


def test_housing_regression_with_legacy_lr(housing_like):
    X_train, y_train, X_valid, y_valid, X_test, y_test = housing_like
    model = keras.models.Sequential([
        keras.layers.Dense(30, activation="relu", input_shape=X_train.shape[1:]),
        keras.layers.Dense(1)
    ])
    model.compile(loss="mean_squared_error", optimizer=keras.optimizers.SGD(lr=1e-3))
    history = model.fit(X_train, y_train, epochs=20, validation_data=(X_valid, y_valid), verbose=0)
    mse_test = model.evaluate(X_test, y_test, verbose=0)
    assert isinstance(mse_test, float)
    assert history.history["val_loss"][-1] < history.history["val_loss"][0]
    y_pred = model.predict(X_test[:3], verbose=0)
    assert y_pred.shape == (3, 1)


def test_korean_book_sequential_forms(fashion_like):
    x, y = fashion_like
    train_scaled = x.reshape(-1, 28 * 28)
    dense = keras.layers.Dense(10, activation="softmax", input_shape=(784,))
    model = keras.Sequential(dense)
    model.compile(loss="sparse_categorical_crossentropy", metrics="accuracy")
    history = model.fit(train_scaled, y, epochs=2, verbose=0)
    assert list(history.history.keys()) == ["loss", "accuracy"]

    dense1 = keras.layers.Dense(100, activation="sigmoid", input_shape=(784,))
    dense2 = keras.layers.Dense(10, activation="softmax")
    model = keras.Sequential([dense1, dense2])
    assert model.count_params() == 79_510
    named = keras.Sequential([keras.layers.Dense(100, activation="sigmoid", input_shape=(784,), name="hidden"),
                              keras.layers.Dense(10, activation="softmax", name="output")],
                             name="패션 MNIST 모델")
    assert named.name == "패션 MNIST 모델" and named.layers[0].name == "hidden"


def test_summary_matches_the_notes(capsys):
    dense1 = keras.layers.Dense(100, activation="sigmoid", input_shape=(784,))
    dense2 = keras.layers.Dense(10, activation="softmax")
    model = keras.Sequential([dense1, dense2])
    model.summary()
    out = capsys.readouterr().out
    expected = """Model: "sequential"
_________________________________________________________________
 Layer (type)                Output Shape              Param #   
=================================================================
 dense (Dense)               (None, 100)               78500     
                                                                 
 dense_1 (Dense)             (None, 10)                1010      
                                                                 
=================================================================
Total params: 79,510
Trainable params: 79,510
Non-trainable params: 0
_________________________________________________________________
"""
    assert out == expected


def test_model_fn_with_dropout_and_history_curves(fashion_like):
    x, y = fashion_like

    def model_fn(a_layer=None):
        model = keras.Sequential()
        model.add(keras.layers.Flatten(input_shape=(28, 28)))
        model.add(keras.layers.Dense(100, activation="relu"))
        if a_layer:
            model.add(a_layer)
        model.add(keras.layers.Dense(10, activation="softmax"))
        return model

    model = model_fn(keras.layers.Dropout(0.3))
    assert [type(l).__name__ for l in model.layers] == ["Flatten", "Dense", "Dropout", "Dense"]
    assert model.count_params() == 79_510
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics="accuracy")
    history = model.fit(x[:400], y[:400], epochs=3, verbose=0, validation_data=(x[400:], y[400:]))
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert len(history.history["val_loss"]) == 3
