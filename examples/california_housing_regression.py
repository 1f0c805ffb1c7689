"""A regression MLP with the Sequential API on California housing (Hands-On ML ch. 10).

Notes section: 케라스 Sequential 클래스 활용: 회귀 (캘리포니아 주택가격 예측, 모델 생성, 훈련 및 평가).

One hidden layer of 30 ReLU units and one output unit without activation, trained with SGD on
the mean squared error. `keras.datasets.california_housing.load_data()` returns the book's 8
features and the target in $100,000; the validation set is split off with
`train_test_split` and the features are standardized with `StandardScaler`, as in the book.
Without a network connection the copy shipped with neurx is used (with a warning).

Needs scikit-learn: `pip install ".[sklearn]"`.

Run: `python examples/california_housing_regression.py` (the book's run: `--epochs 20`).
"""
import argparse

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import neurx as keras


def main(epochs: int = 20) -> None:
    (X_train_full, y_train_full), (X_test, y_test) = \
        keras.datasets.california_housing.load_data()
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full,
                                                          random_state=42)
    scaler = StandardScaler()
    X_train = scaler.fit_transform(X_train)
    X_valid = scaler.transform(X_valid)
    X_test = scaler.transform(X_test)

    keras.utils.set_random_seed(42)
    model = keras.models.Sequential([
        keras.layers.Dense(30, activation="relu", input_shape=X_train.shape[1:]),
        keras.layers.Dense(1),
    ])
    model.compile(loss="mean_squared_error",
                  optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    history = model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid),
                        verbose=0)
    mse_test = model.evaluate(X_test, y_test, verbose=0)
    X_new = X_test[:3]
    y_pred = model.predict(X_new, verbose=0)

    baseline = np.mean((y_test - y_train.mean()) ** 2)
    print("validation MSE by epoch:", " ".join(f"{v:.3f}" for v in history.history["val_loss"]))
    print("predictions:", " ".join(f"{v:.2f}" for v in y_pred.ravel()),
          "| actual:", " ".join(f"{v:.2f}" for v in y_test[:3]), "(x $100,000)")
    print(f"test MSE {mse_test:.4f} (predict-the-mean baseline: {baseline:.4f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20, help="training epochs (book: 20)")
    main(parser.parse_args().epochs)
