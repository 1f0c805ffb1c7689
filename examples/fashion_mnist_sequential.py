"""An image classifier with the Sequential API on Fashion-MNIST (Hands-On ML ch. 10).

Notes section: 케라스 Sequential 클래스 활용: 분류 (패션 MNIST, 모델 선언, 컴파일, 학습 곡선,
모델 성능 테스트, 모델 활용).

Builds Flatten -> Dense(300, relu) -> Dense(100, relu) -> Dense(10, softmax), trains it with
SGD, saves the learning curves (`keras_learning_curves_plot.png`, needs pandas and matplotlib:
`pip install ".[viz]"`), evaluates on the test set and predicts three new images.

The validation set is the first 1/12 of the training images: 5,000 of the 60,000, as in the
book. The book trains for 30 epochs (`--epochs 30`); the default here is shorter.

Run: `python examples/fashion_mnist_sequential.py --epochs 30`
"""
import argparse

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import neurx as keras


def main(epochs: int = 10) -> None:
    fashion_mnist = keras.datasets.fashion_mnist
    (X_train_full, y_train_full), (X_test, y_test) = fashion_mnist.load_data()
    n_valid = len(X_train_full) // 12
    X_valid, X_train = X_train_full[:n_valid] / 255., X_train_full[n_valid:] / 255.
    y_valid, y_train = y_train_full[:n_valid], y_train_full[n_valid:]
    X_test = X_test / 255.
    class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    keras.utils.set_random_seed(42)
    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=[28, 28]),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.summary()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
                  metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid),
                        verbose=2)

    pd.DataFrame(history.history).plot(figsize=(8, 5))
    plt.grid(True)
    plt.gca().set_ylim(0, 1)
    plt.savefig("keras_learning_curves_plot.png")

    test_loss, test_accuracy = model.evaluate(X_test, y_test, verbose=0)
    X_new = X_test[:3]
    y_proba = model.predict(X_new, verbose=0)
    y_pred = np.argmax(y_proba, axis=-1)
    print(y_proba.round(2))
    print("predicted:", [class_names[i] for i in y_pred],
          "actual:", [class_names[i] for i in y_test[:3]])
    print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="training epochs (book: 30)")
    main(parser.parse_args().epochs)
