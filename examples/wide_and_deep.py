"""Wide & Deep networks with the functional API on California housing (Hands-On ML ch. 10).

Notes section: 케라스 함수형 API 활용 — 와이드&딥 신경망: 활용 1 (one input, a short path
through `concatenate`), 활용 2 (two inputs: features 0-4 take the wide path, features 2-7 the
deep path), 활용 3 (a main and an auxiliary output, `loss_weights=[0.9, 0.1]`).

Each model is trained with SGD on the standardized features and evaluated on the test set;
the multi-output model's `evaluate` returns the total loss and one loss per output.

Needs scikit-learn (`train_test_split`, `StandardScaler`): `pip install ".[sklearn]"`.

Run: `python examples/wide_and_deep.py` (the book's runs: `--epochs 20`).
"""
import argparse

from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import neurx as keras


def load_housing():
    (X_train_full, y_train_full), (X_test, y_test) = \
        keras.datasets.california_housing.load_data()
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full,
                                                          random_state=42)
    scaler = StandardScaler().fit(X_train)
    return ((scaler.transform(X_train), y_train), (scaler.transform(X_valid), y_valid),
            (scaler.transform(X_test), y_test))


def main(epochs: int = 10) -> None:
    keras.utils.set_random_seed(42)
    (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = load_housing()

    # 1. one input, a deep path and a wide path joined by concatenate
    input_ = keras.layers.Input(shape=X_train.shape[1:])
    hidden1 = keras.layers.Dense(30, activation="relu")(input_)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    concat = keras.layers.concatenate([input_, hidden2])
    output = keras.layers.Dense(1)(concat)
    model = keras.models.Model(inputs=[input_], outputs=[output])
    model.compile(loss="mean_squared_error", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid), verbose=0)
    print(f"1 input : test MSE {model.evaluate(X_test, y_test, verbose=0):.4f}")

    # 2. two inputs
    input_A = keras.layers.Input(shape=[5], name="wide_input")
    input_B = keras.layers.Input(shape=[6], name="deep_input")
    hidden1 = keras.layers.Dense(30, activation="relu")(input_B)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    concat = keras.layers.concatenate([input_A, hidden2])
    output = keras.layers.Dense(1, name="output")(concat)
    model = keras.models.Model(inputs=[input_A, input_B], outputs=[output])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))

    X_train_A, X_train_B = X_train[:, :5], X_train[:, 2:]
    X_valid_A, X_valid_B = X_valid[:, :5], X_valid[:, 2:]
    X_test_A, X_test_B = X_test[:, :5], X_test[:, 2:]
    X_new_A, X_new_B = X_test_A[:3], X_test_B[:3]
    model.fit((X_train_A, X_train_B), y_train, epochs=epochs,
              validation_data=((X_valid_A, X_valid_B), y_valid), verbose=0)
    mse_test = model.evaluate((X_test_A, X_test_B), y_test, verbose=0)
    y_pred = model.predict((X_new_A, X_new_B), verbose=0)
    print(f"2 inputs: test MSE {mse_test:.4f}, predictions for 3 new districts "
          f"{' '.join(f'{v:.2f}' for v in y_pred.ravel())}")

    # 3. two inputs, a main and an auxiliary output
    aux_output = keras.layers.Dense(1, name="aux_output")(hidden2)
    model = keras.models.Model(inputs=[input_A, input_B], outputs=[output, aux_output])
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1],
                  optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    model.fit([X_train_A, X_train_B], [y_train, y_train], epochs=epochs,
              validation_data=([X_valid_A, X_valid_B], [y_valid, y_valid]), verbose=0)
    total_loss, main_loss, aux_loss = model.evaluate([X_test_A, X_test_B], [y_test, y_test],
                                                     verbose=0)
    y_pred_main, y_pred_aux = model.predict([X_new_A, X_new_B], verbose=0)
    print(f"2 outputs: test loss {total_loss:.4f} (main MSE {main_loss:.4f}, "
          f"auxiliary MSE {aux_loss:.4f}); predictions {y_pred_main.shape} and {y_pred_aux.shape}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="training epochs (book: 20)")
    main(parser.parse_args().epochs)
