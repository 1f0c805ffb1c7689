"""혼자 공부하는 머신러닝+딥러닝 7장 (7-1 ~ 7-3) on Fashion-MNIST, as one script.

Notes section: 07 딥러닝을 시작합니다 — 07-1 인공 신경망, 07-2 심층 신경망, 07-3 신경망 모델 훈련.

1. 7-1: one `Dense(10, softmax)` layer on flattened, rescaled images
   (`sparse_categorical_crossentropy`, `metrics='accuracy'`), validated on 20% of the training
   set (`train_test_split`).
2. 7-2: a hidden `Dense(100, sigmoid)` layer (`summary()`: 79,510 parameters), then `Flatten` +
   `Dense(100, relu)` with the `adam` optimizer.
3. 7-3: `model_fn` with `Dropout(0.3)`, `save_weights` / `save` / `load_model` /
   `load_weights`, and the `ModelCheckpoint(save_best_only=True)` +
   `EarlyStopping(patience=2, restore_best_weights=True)` callbacks; the best model is
   evaluated on the test set.

Files written to the current folder: `model-weights.h5`, `model-whole.h5`, `best-model.h5`.
Needs scikit-learn for `train_test_split`: `pip install ".[sklearn]"`.

Run: `python examples/fashion_mnist_hongong_ch7.py` (the book's 7-3 runs: `--epochs 20`; the
run with callbacks always allows up to 20 epochs and stops early).
"""
import argparse

import numpy as np
from sklearn.model_selection import train_test_split

import neurx as keras


def model_fn(a_layer=None):
    model = keras.Sequential()
    model.add(keras.layers.Flatten(input_shape=(28, 28)))
    model.add(keras.layers.Dense(100, activation='relu'))
    if a_layer:
        model.add(a_layer)
    model.add(keras.layers.Dense(10, activation='softmax'))
    return model


def main(epochs: int = 5) -> None:
    keras.utils.set_random_seed(42)
    (train_input, train_target), (test_input, test_target) = \
        keras.datasets.fashion_mnist.load_data()
    print(train_input.shape, train_target.shape)

    # 7-1: a single dense layer on flattened images
    train_scaled = (train_input / 255.0).reshape(-1, 28 * 28)
    train_scaled, val_scaled, train_target_1, val_target_1 = train_test_split(
        train_scaled, train_target, test_size=0.2, random_state=42)
    dense = keras.layers.Dense(10, activation='softmax', input_shape=(784,))
    model = keras.Sequential(dense)
    model.compile(loss='sparse_categorical_crossentropy', metrics='accuracy')
    model.fit(train_scaled, train_target_1, epochs=epochs, verbose=0)
    print("7-1 validation [loss, accuracy]:", model.evaluate(val_scaled, val_target_1, verbose=0))

    # 7-2: a hidden layer; then ReLU, Flatten and adam
    model = keras.Sequential()
    model.add(keras.layers.Dense(100, activation='sigmoid', input_shape=(784,)))
    model.add(keras.layers.Dense(10, activation='softmax'))
    model.summary()

    train_scaled = train_input / 255.0
    train_scaled, val_scaled, train_target, val_target = train_test_split(
        train_scaled, train_target, test_size=0.2, random_state=42)
    model = model_fn()
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics='accuracy')
    history = model.fit(train_scaled, train_target, epochs=epochs, verbose=0,
                        validation_data=(val_scaled, val_target))
    print("7-2 history keys:", list(history.history))

    # 7-3: dropout, saving and loading
    model = model_fn(keras.layers.Dropout(0.3))
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics='accuracy')
    model.fit(train_scaled, train_target, epochs=epochs, verbose=0,
              validation_data=(val_scaled, val_target))
    model.save_weights('model-weights.h5')
    model.save('model-whole.h5')

    model = keras.models.load_model('model-whole.h5')
    print("7-3 load_model [loss, accuracy]:", model.evaluate(val_scaled, val_target, verbose=0))
    model.load_weights('model-weights.h5')
    val_labels = np.argmax(model.predict(val_scaled, verbose=0), axis=-1)
    print("7-3 validation accuracy after load_weights:", np.mean(val_labels == val_target))

    # 7-3: callbacks
    model = model_fn(keras.layers.Dropout(0.3))
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics='accuracy')
    checkpoint_cb = keras.callbacks.ModelCheckpoint('best-model.h5', save_best_only=True)
    early_stopping_cb = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    model.fit(train_scaled, train_target, epochs=20, verbose=0,
              validation_data=(val_scaled, val_target),
              callbacks=[checkpoint_cb, early_stopping_cb])
    print("stopped_epoch:", early_stopping_cb.stopped_epoch)

    model = keras.models.load_model('best-model.h5')
    test_loss, test_accuracy = model.evaluate(test_input / 255.0, test_target, verbose=0)
    print(f"best model on the test set: loss {test_loss:.4f}, accuracy {test_accuracy:.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5,
                        help="epochs of the 7-1 and 7-2 runs and the dropout run (book: 5/20)")
    main(parser.parse_args().epochs)
