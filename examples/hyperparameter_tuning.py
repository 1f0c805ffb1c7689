"""Hyperparameter search with `neurx.tuners` (KerasTuner's interface on optuna).

Notes sections: Hands-On ML 10.3 신경망 하이퍼파라미터 튜닝 ("더 좋은 기법": Keras Tuner,
Hyperband, 베이지안 최적화) and Deep Learning with Python 7.3.2 하이퍼파라미터 최적화 (choose
hyperparameters automatically, build, train, measure on validation data, repeat; finally
measure on the test data).

`build_model(hp)` declares the search space with `hp.Int` / `hp.Float(sampling="log")` as in
KerasTuner: the number of hidden layers, of neurons, and the learning rate. `RandomSearch`
(or `--tuner hyperband` / `--tuner bayesian`) runs the trials, keeps each trial's best epoch
(`tuning/housing/`), and gives back the best hyperparameters and the best model, which is then
evaluated on the test set. `tuner.search(..., workers=2)` would run two trials at a time.

Needs optuna and scikit-learn: `pip install ".[tune,sklearn]"`.

Run: `python examples/hyperparameter_tuning.py --max-trials 10 --epochs 30`
"""
import argparse

from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import neurx as keras
from neurx import tuners as kt


def build_model(hp):
    model = keras.Sequential([keras.layers.Input(shape=(8,))])
    for _ in range(hp.Int("n_hidden", 0, 3)):
        model.add(keras.layers.Dense(hp.Int("n_neurons", 1, 100), activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(
        hp.Float("learning_rate", 3e-4, 3e-2, sampling="log")))
    return model


def make_tuner(kind: str, max_trials: int, epochs: int):
    common = dict(objective="val_loss", directory="tuning", project_name="housing",
                  overwrite=True, seed=42)
    if kind == "hyperband":
        return kt.Hyperband(build_model, max_epochs=epochs, **common)
    if kind == "bayesian":
        return kt.BayesianOptimization(build_model, max_trials=max_trials, **common)
    return kt.RandomSearch(build_model, max_trials=max_trials, **common)


def main(epochs: int = 10, max_trials: int = 3, kind: str = "random") -> None:
    keras.utils.set_random_seed(42)
    (X_train_full, y_train_full), (X_test, y_test) = \
        keras.datasets.california_housing.load_data()
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full,
                                                          random_state=42)
    scaler = StandardScaler().fit(X_train)
    X_train, X_valid, X_test = (scaler.transform(X) for X in (X_train, X_valid, X_test))

    tuner = make_tuner(kind, max_trials, epochs)
    tuner.search(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid),
                 callbacks=[keras.callbacks.EarlyStopping(patience=5)], verbose=0)
    tuner.results_summary(num_trials=3)

    best_hp = tuner.get_best_hyperparameters(1)[0]
    best_model = tuner.get_best_models(1)[0]
    print("best hyperparameters:", best_hp.values)
    print(f"best model: test MSE {best_model.evaluate(X_test, y_test, verbose=0):.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="epochs per trial")
    parser.add_argument("--max-trials", type=int, default=3, help="trials to run")
    parser.add_argument("--tuner", choices=["random", "hyperband", "bayesian"], default="random")
    args = parser.parse_args()
    main(args.epochs, args.max_trials, args.tuner)
