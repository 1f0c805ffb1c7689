"""Callbacks: checkpoints, early stopping, a custom callback, and the learning rate on plateaus.

Notes sections: Hands-On ML ch. 10 콜백함수 활용 (ModelCheckpoint, EarlyStopping, 사용자정의
콜백함수) and Deep Learning with Python 7.2.1 콜백을 사용하여 모델의 훈련 과정 제어하기
(EarlyStopping on `val_acc`, ModelCheckpoint on `val_loss`, ReduceLROnPlateau).

1. California housing regression (Hands-On ML): `ModelCheckpoint("my_keras_model.h5")` saves
   every epoch; with `save_best_only=True` only the best validation loss is kept and reloaded;
   `EarlyStopping(patience=10, restore_best_weights=True)` ends a long run early; a
   `PrintValTrainRatioCallback` prints val_loss / loss after each epoch.
2. IMDB sentiment on multi-hot word vectors (Deep Learning with Python): the book's
   `callbacks_list` with `metrics=['acc']`, watching `val_acc` and `val_loss`, and
   `ReduceLROnPlateau`, whose learning rate per epoch is in `history.history["lr"]`.

Files written to the current folder: `my_keras_model.h5`, `my_model.h5`.
Needs scikit-learn (`train_test_split`, `StandardScaler`): `pip install ".[sklearn]"`.

Run: `python examples/callbacks_and_checkpoints.py` (the book's runs: `--epochs 100`).
"""
import argparse

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import neurx as keras


class PrintValTrainRatioCallback(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs):
        print("\nval/train: {:.2f}".format(logs["val_loss"] / logs["loss"]))


def housing_callbacks(epochs: int) -> None:
    (X_train_full, y_train_full), (X_test, y_test) = \
        keras.datasets.california_housing.load_data()
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full,
                                                          random_state=42)
    scaler = StandardScaler().fit(X_train)
    X_train, X_valid, X_test = (scaler.transform(X) for X in (X_train, X_valid, X_test))

    model = keras.models.Sequential([
        keras.layers.Dense(30, activation="relu", input_shape=[8]),
        keras.layers.Dense(1),
    ])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))

    checkpoint_cb = keras.callbacks.ModelCheckpoint("my_keras_model.h5", save_best_only=True)
    model.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid), verbose=0,
              callbacks=[checkpoint_cb])
    model = keras.models.load_model("my_keras_model.h5")  # the best model so far

    early_stopping_cb = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
    history = model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid),
                        verbose=0, callbacks=[checkpoint_cb, early_stopping_cb])
    print(f"housing: trained {len(history.history['loss'])} of {epochs} epochs, "
          f"best val_loss {min(history.history['val_loss']):.4f}")

    val_train_ratio_cb = PrintValTrainRatioCallback()
    model.fit(X_train, y_train, epochs=1, validation_data=(X_valid, y_valid), verbose=0,
              callbacks=[val_train_ratio_cb])
    print(f"housing: test MSE {model.evaluate(X_test, y_test, verbose=0):.4f}")


def vectorize_sequences(sequences, dimension):
    """Multi-hot rows: 1 at the index of each word a review contains."""
    results = np.zeros((len(sequences), dimension), dtype="float32")
    for i, sequence in enumerate(sequences):
        results[i, sequence] = 1.0
    return results


def imdb_callbacks(epochs: int, num_words: int = 1000) -> None:
    (train_data, y), (test_data, y_test) = keras.datasets.imdb.load_data(num_words=num_words)
    x, x_test = vectorize_sequences(train_data, num_words), vectorize_sequences(test_data,
                                                                              num_words)
    n_val = len(x) // 5
    x_val, y_val, x, y = x[:n_val], y[:n_val], x[n_val:], y[n_val:]

    model = keras.models.Sequential([
        keras.layers.Dense(16, activation="relu", input_shape=(num_words,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    callbacks_list = [
        keras.callbacks.EarlyStopping(monitor="val_acc", patience=1),
        keras.callbacks.ModelCheckpoint(filepath="my_model.h5", monitor="val_loss",
                                        save_best_only=True),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=10),
    ]
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    history = model.fit(x, y, epochs=epochs, batch_size=32, callbacks=callbacks_list,
                        validation_data=(x_val, y_val), verbose=0)
    best = keras.models.load_model("my_model.h5")
    test_loss, test_acc = best.evaluate(x_test, y_test, verbose=0)
    rates = " ".join(f"{lr:g}" for lr in history.history["lr"])
    print(f"imdb: {len(history.history['loss'])} epochs (learning rates {rates}), "
          f"best model's test accuracy {test_acc:.3f}")


def main(epochs: int = 20) -> None:
    keras.utils.set_random_seed(42)
    housing_callbacks(epochs)
    imdb_callbacks(epochs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20, help="maximum epochs (book: 100)")
    main(parser.parse_args().epochs)
