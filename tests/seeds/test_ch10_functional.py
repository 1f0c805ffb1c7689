"""Hands-On ML ch. 10 (notes 000/003): wide & deep, multi-input, multi-output models."""
import numpy as np
import pytest

import neurx as keras


def test_wide_and_deep_single_input(housing_like):
    X_train, y_train, X_valid, y_valid, X_test, y_test = housing_like
    input_ = keras.layers.Input(shape=X_train.shape[1:])
    hidden1 = keras.layers.Dense(30, activation="relu")(input_)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    concat = keras.layers.concatenate([input_, hidden2])
    output = keras.layers.Dense(1)(concat)
    model = keras.models.Model(inputs=[input_], outputs=[output])
    assert model.count_params() == 270 + 930 + 39
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(lr=1e-3))
    history = model.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid), verbose=0)
    assert list(history.history) == ["loss", "val_loss"]
    assert model.predict(X_test[:3], verbose=0).shape == (3, 1)


def _two_input_model():
    input_A = keras.layers.Input(shape=[5], name="wide_input")
    input_B = keras.layers.Input(shape=[6], name="deep_input")
    hidden1 = keras.layers.Dense(30, activation="relu")(input_B)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    concat = keras.layers.concatenate([input_A, hidden2])
    output = keras.layers.Dense(1, name="output")(concat)
    return keras.Model(inputs=[input_A, input_B], outputs=[output]), hidden2, input_A


def test_wide_and_deep_two_inputs(housing_like):
    X_train, y_train, X_valid, y_valid, X_test, y_test = housing_like
    model, _, _ = _two_input_model()
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(lr=1e-3))
    X_train_A, X_train_B = X_train[:, :5], X_train[:, 2:]
    X_valid_A, X_valid_B = X_valid[:, :5], X_valid[:, 2:]
    X_test_A, X_test_B = X_test[:, :5], X_test[:, 2:]
    X_new_A, X_new_B = X_test_A[:3], X_test_B[:3]
    history = model.fit((X_train_A, X_train_B), y_train, epochs=3,
                        validation_data=((X_valid_A, X_valid_B), y_valid), verbose=0)
    mse_test = model.evaluate((X_test_A, X_test_B), y_test, verbose=0)
    y_pred = model.predict((X_new_A, X_new_B), verbose=0)
    assert y_pred.shape == (3, 1) and np.isfinite(mse_test)
    by_list = model.predict([X_new_A, X_new_B], verbose=0)
    by_dict = model.predict({"wide_input": X_new_A, "deep_input": X_new_B}, verbose=0)
    np.testing.assert_allclose(by_list, y_pred)
    np.testing.assert_allclose(by_dict, y_pred)
    assert len(history.history["loss"]) == 3


def test_two_outputs_with_loss_weights(housing_like):
    X_train, y_train, X_valid, y_valid, _, _ = housing_like
    model_in, hidden2, input_A = _two_input_model()
    output = model_in.get_layer("output").output
    aux_output = keras.layers.Dense(1, name="aux_output")(hidden2)
    model = keras.Model(inputs=model_in.inputs, outputs=[output, aux_output])
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1],
                  optimizer=keras.optimizers.SGD(lr=1e-3))
    X_train_A, X_train_B = X_train[:, :5], X_train[:, 2:]
    X_valid_A, X_valid_B = X_valid[:, :5], X_valid[:, 2:]
    history = model.fit([X_train_A, X_train_B], [y_train, y_train], epochs=2, verbose=0,
                        validation_data=([X_valid_A, X_valid_B], [y_valid, y_valid]))
    assert list(history.history) == ["loss", "output_loss", "aux_output_loss",
                                     "val_loss", "val_output_loss", "val_aux_output_loss"]
    h = history.history
    np.testing.assert_allclose(h["loss"][-1], 0.9 * h["output_loss"][-1] + 0.1 * h["aux_output_loss"][-1],
                               rtol=1e-4)
    total_loss, main_loss, aux_loss = model.evaluate([X_valid_A, X_valid_B], [y_valid, y_valid], verbose=0)
    np.testing.assert_allclose(total_loss, h["val_loss"][-1], rtol=1e-5)
    y_pred_main, y_pred_aux = model.predict([X_valid_A[:3], X_valid_B[:3]], verbose=0)
    assert y_pred_main.shape == (3, 1) and y_pred_aux.shape == (3, 1)
    as_dict = model.evaluate([X_valid_A, X_valid_B], {"output": y_valid, "aux_output": y_valid},
                             verbose=0, return_dict=True)
    assert set(as_dict) == {"loss", "output_loss", "aux_output_loss"}


def test_single_loss_string_applies_to_every_output(housing_like):
    X_train, y_train = housing_like[:2]
    inp = keras.Input(shape=(8,))
    a = keras.layers.Dense(1, name="a")(inp)
    b = keras.layers.Dense(1, name="b")(inp)
    model = keras.Model(inp, [a, b])
    model.compile(loss="mse", loss_weights={"a": 1.0, "b": 0.5}, optimizer="sgd")
    logs = model.evaluate(X_train, [y_train, y_train], verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], logs["a_loss"] + 0.5 * logs["b_loss"], rtol=1e-5)


def test_dlwp_post_model_three_outputs():
    posts_input = keras.Input(shape=(20,), name="posts")
    x = keras.layers.Dense(16, activation="relu")(posts_input)
    age = keras.layers.Dense(1, name="age")(x)
    income = keras.layers.Dense(10, activation="softmax", name="income")(x)
    gender = keras.layers.Dense(1, activation="sigmoid", name="gender")(x)
    model = keras.Model(posts_input, [age, income, gender])
    model.compile(optimizer="rmsprop",
                  loss={"age": "mse", "income": "categorical_crossentropy", "gender": "binary_crossentropy"},
                  loss_weights={"age": 0.25, "income": 1.0, "gender": 10.0},
                  metrics={"income": ["acc"], "gender": "acc"})
    rs = np.random.RandomState(0)
    xs = rs.normal(size=(64, 20)).astype("float32")
    age_t = rs.normal(size=(64, 1))
    income_t = keras.utils.to_categorical(rs.randint(0, 10, 64), 10) if hasattr(keras.utils, "to_categorical") \
        else np.eye(10)[rs.randint(0, 10, 64)]
    gender_t = rs.randint(0, 2, (64, 1))
    history = model.fit(xs, {"age": age_t, "income": income_t, "gender": gender_t}, epochs=2,
                        batch_size=16, verbose=0)
    assert list(history.history) == ["loss", "age_loss", "income_loss", "gender_loss",
                                     "income_acc", "gender_acc"]


def test_shared_layer_and_model_as_layer():
    shared = keras.layers.Dense(4, name="shared")
    left, right = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    merged = keras.layers.concatenate([shared(left), shared(right)])
    siamese = keras.Model([left, right], merged)
    assert len(siamese.weights) == 2
    x = np.ones((2, 3), "float32")
    out = siamese.predict([x, x], verbose=0)
    np.testing.assert_allclose(out[:, :4], out[:, 4:])

    inner = keras.Sequential([keras.layers.Dense(5, input_shape=(3,))])
    outer_in = keras.Input(shape=(3,))
    outer = keras.Model(outer_in, keras.layers.Dense(1)(inner(outer_in)))
    assert outer.count_params() == 20 + 6
    y1, y2 = siamese([x, x]), inner(x)
    assert y1.shape == (2, 8) and y2.shape == (2, 5)


def test_residual_and_inception_style_dag():
    x_in = keras.Input(shape=(16,))
    a = keras.layers.Dense(16, activation="relu")(x_in)
    b = keras.layers.Dense(16, activation="relu")(a)
    y = keras.layers.add([b, x_in])
    branches = [keras.layers.Dense(4)(y) for _ in range(3)]
    out = keras.layers.Dense(1)(keras.layers.concatenate(branches, axis=-1))
    model = keras.Model(x_in, out)
    model.compile(optimizer="adam", loss="mse")
    rs = np.random.RandomState(0)
    model.fit(rs.normal(size=(32, 16)), rs.normal(size=(32, 1)), epochs=1, verbose=0)
    assert model.predict(np.zeros((2, 16)), verbose=0).shape == (2, 1)


def test_non_input_tensor_as_model_input_is_a_clear_error():
    inp = keras.Input(shape=(3,))
    left_output = keras.layers.Dense(2)(inp)
    right_output = keras.layers.Dense(2)(inp)
    with pytest.raises(ValueError, match="must be tensors returned by keras.Input"):
        keras.Model([left_output, right_output], keras.layers.add([left_output, right_output]))
