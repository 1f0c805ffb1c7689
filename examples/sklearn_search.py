"""Randomized hyperparameter search with scikit-learn and `KerasRegressor` (Hands-On ML ch. 10).

Notes section: 신경망 하이퍼파라미터 세부조정 — 그리드탐색/랜덤탐색 활용 (케라스 모델 생성함수,
KerasRegressor 클래스, 랜덤탐색 활용 예제).

`build_model(n_hidden, n_neurons, learning_rate)` builds and compiles a regression MLP;
`keras.wrappers.scikit_learn.KerasRegressor` makes it a scikit-learn estimator (`fit`, `score`
= -MSE, `predict`), and `RandomizedSearchCV` samples the number of hidden layers, of neurons
and the learning rate (log-uniform, `scipy.stats.reciprocal`) with k-fold cross-validation,
early stopping on the validation set. The best parameters, score and model come out as in
scikit-learn.

The book searches `n_iter=10` configurations with `cv=3` and 100 epochs each; the defaults
here are much smaller so the script runs in seconds.

Needs scikit-learn and scipy: `pip install ".[sklearn]"`.

Run: `python examples/sklearn_search.py --n-iter 10 --cv 3 --epochs 100` (the book's search).
"""
import argparse

import numpy as np
from scipy.stats import reciprocal
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler

import neurx as keras


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for layer in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    model.compile(loss="mse", optimizer=optimizer)
    return model


def main(epochs: int = 10, n_iter: int = 2, cv: int = 2) -> None:
    keras.utils.set_random_seed(42)
    (X_train_full, y_train_full), (X_test, y_test) = \
        keras.datasets.california_housing.load_data()
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full,
                                                          random_state=42)
    scaler = StandardScaler().fit(X_train)
    X_train, X_valid, X_test = (scaler.transform(X) for X in (X_train, X_valid, X_test))

    keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model, verbose=0)
    keras_reg.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid),
                  callbacks=[keras.callbacks.EarlyStopping(patience=10)])
    mse_test = -keras_reg.score(X_test, y_test)
    y_pred = keras_reg.predict(X_test[:3])
    print(f"default build_model: test MSE {mse_test:.4f}, predictions "
          f"{' '.join(f'{v:.2f}' for v in y_pred)}")

    param_distribs = {
        "n_hidden": [0, 1, 2, 3],
        "n_neurons": np.arange(1, 100),
        "learning_rate": reciprocal(3e-4, 3e-2),
    }
    rnd_search_cv = RandomizedSearchCV(keras_reg, param_distribs, n_iter=n_iter, cv=cv,
                                       random_state=42)
    rnd_search_cv.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid),
                      callbacks=[keras.callbacks.EarlyStopping(patience=10)])
    print("best parameters:", {name: (round(float(value), 5) if name == "learning_rate"
                                      else int(value))
                               for name, value in rnd_search_cv.best_params_.items()})
    print(f"best cross-validation score (-MSE): {rnd_search_cv.best_score_:.4f}")
    model = rnd_search_cv.best_estimator_.model
    print(f"best model: test MSE {model.evaluate(X_test, y_test, verbose=0):.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="epochs per fit (book: 100)")
    parser.add_argument("--n-iter", type=int, default=2, help="configurations (book: 10)")
    parser.add_argument("--cv", type=int, default=2, help="cross-validation folds (book: 3)")
    args = parser.parse_args()
    main(args.epochs, args.n_iter, args.cv)
