"""The perceptron on iris, then a multilayer perceptron (Hands-On ML ch. 10, "퍼셉트론 소개").

Notes section: 퍼셉트론 / 사이킷런의 퍼셉트론 모델 / 다층 퍼셉트론(MLP)과 역전파.

1. `neurx.perceptron.Perceptron` (scikit-learn's interface, trained with the perceptron rule
   `w <- w + eta (y - y_hat) x`) separates setosa from the other irises with petal length and
   width, and finds the same weights as scikit-learn's `Perceptron`.
2. The trained perceptron is one threshold logic unit (TLU): a `Dense(1)` layer with the
   `heaviside` step as activation, given the perceptron's weights, predicts the same classes.
3. A multilayer perceptron (two hidden ReLU layers, softmax output) trained by backpropagation
   classifies all three species.

Needs scikit-learn (the iris data ships with it): `pip install ".[sklearn]"`.

Run: `python examples/perceptron_iris.py` (add `--epochs 100` for a longer MLP run).
"""
import argparse

import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import Perceptron as SklearnPerceptron
from sklearn.model_selection import train_test_split

import neurx as keras
from neurx.perceptron import Perceptron


def main(epochs: int = 50) -> None:
    iris = load_iris()
    X = iris.data[:, (2, 3)]  # petal length, petal width
    y = (iris.target == 0).astype(int)  # the notes' `np.int` no longer exists in NumPy

    per_clf = Perceptron(max_iter=1000, tol=1e-3, random_state=42)
    per_clf.fit(X, y)
    y_pred = per_clf.predict([[2, 0.5]])
    print(f"Perceptron: coef_={per_clf.coef_.round(2).tolist()}, "
          f"intercept_={per_clf.intercept_.round(2).tolist()}, predict([[2, 0.5]])={y_pred}")

    reference = SklearnPerceptron(max_iter=1000, tol=1e-3, random_state=42).fit(X, y)
    print("same weights as scikit-learn:", np.allclose(per_clf.coef_, reference.coef_))

    tlu = keras.models.Sequential([keras.Input(shape=(2,)),
                                   keras.layers.Dense(1, activation="heaviside")])
    tlu.set_weights([per_clf.coef_.T, per_clf.intercept_])
    tlu_pred = tlu.predict(X, verbose=0).ravel().astype(int)
    print("TLU layer agrees with the perceptron:", bool(np.all(tlu_pred == per_clf.predict(X))))

    X_train, X_test, y_train, y_test = train_test_split(
        iris.data, iris.target, test_size=0.2, stratify=iris.target, random_state=42)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    X_train, X_test = (X_train - mean) / std, (X_test - mean) / std

    keras.utils.set_random_seed(42)
    mlp = keras.models.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])
    mlp.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                metrics=["accuracy"])
    mlp.fit(X_train, y_train, epochs=epochs, batch_size=16, verbose=0)
    loss, accuracy = mlp.evaluate(X_test, y_test, verbose=0)
    print(f"MLP on the three species: test accuracy {accuracy:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=50, help="MLP training epochs")
    main(parser.parse_args().epochs)
