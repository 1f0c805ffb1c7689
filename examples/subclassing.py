"""A dynamic model with the subclassing API: Wide & Deep on California housing (Hands-On ML ch. 10).

Notes section: 동적 모델 생성: 하위클래스(subclassing) API 활용 (예제, 단점), 모델 저장과 복원의 주의사항.

`WideAndDeepModel` creates its layers in `__init__` and wires them in `call`, returning a main
and an auxiliary output. It trains like any model (two inputs, two targets, `loss_weights`).
Then the notes' caveats:

- `summary()` lists the layers but not how `call` connects them;
- `model.save()` refuses a subclassed model that has no `get_config()` (the error says what to
  do); `save_weights()` / `load_weights()` into a model built the same way always work;
- with `get_config()` and `@keras.saving.register_keras_serializable()`, `save()` and
  `load_model()` work too (`ConfigurableWideAndDeep`, written to `wide_and_deep.keras`).

Needs scikit-learn (`train_test_split`, `StandardScaler`): `pip install ".[sklearn]"`.

Run: `python examples/subclassing.py` (the book's run: `--epochs 20`).
"""
import argparse

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import neurx as keras


class WideAndDeepModel(keras.models.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = keras.layers.Dense(units, activation=activation)
        self.hidden2 = keras.layers.Dense(units, activation=activation)
        self.main_output = keras.layers.Dense(1)
        self.aux_output = keras.layers.Dense(1)

    def call(self, inputs):
        input_A, input_B = inputs
        hidden1 = self.hidden1(input_B)
        hidden2 = self.hidden2(hidden1)
        concat = keras.layers.concatenate([input_A, hidden2])
        main_output = self.main_output(concat)
        aux_output = self.aux_output(hidden2)
        return main_output, aux_output


@keras.saving.register_keras_serializable()
class ConfigurableWideAndDeep(WideAndDeepModel):
    """The same model, saveable: `get_config` returns the constructor's arguments."""

    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(units, activation, **kwargs)
        self.units, self.activation = units, activation

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": self.activation}


def main(epochs: int = 10) -> None:
    keras.utils.set_random_seed(42)
    (X_train_full, y_train_full), (X_test, y_test) = \
        keras.datasets.california_housing.load_data()
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full,
                                                          random_state=42)
    scaler = StandardScaler().fit(X_train)
    X_train, X_valid, X_test = (scaler.transform(X) for X in (X_train, X_valid, X_test))
    X_train_A, X_train_B = X_train[:, :5], X_train[:, 2:]
    X_valid_A, X_valid_B = X_valid[:, :5], X_valid[:, 2:]
    X_test_A, X_test_B = X_test[:, :5], X_test[:, 2:]

    model = WideAndDeepModel(30, activation="relu")
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1],
                  optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    model.fit((X_train_A, X_train_B), (y_train, y_train), epochs=epochs, verbose=0,
              validation_data=((X_valid_A, X_valid_B), (y_valid, y_valid)))
    total_loss, main_loss, aux_loss = model.evaluate((X_test_A, X_test_B), (y_test, y_test),
                                                     verbose=0)
    model.summary()

    try:
        model.save("wide_and_deep_subclassed.keras")
    except NotImplementedError as error:
        print("model.save() refused:", str(error).split(". ")[0] + ".")
    model.save_weights("wide_and_deep.weights.h5")
    restored = WideAndDeepModel(30, activation="relu")
    restored.predict((X_test_A[:1], X_test_B[:1]), verbose=0)  # builds the weights
    restored.load_weights("wide_and_deep.weights.h5")
    same = np.allclose(restored.predict((X_test_A, X_test_B), verbose=0)[0],
                       model.predict((X_test_A, X_test_B), verbose=0)[0], atol=1e-6)
    print("save_weights / load_weights give the same predictions:", same)

    configurable = ConfigurableWideAndDeep(30, activation="relu")
    configurable.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1],
                         optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    configurable.fit((X_train_A, X_train_B), (y_train, y_train), epochs=1, verbose=0)
    configurable.save("wide_and_deep.keras")
    loaded = keras.models.load_model("wide_and_deep.keras")
    print("load_model restored a", type(loaded).__name__)

    print(f"test loss {total_loss:.4f} (main MSE {main_loss:.4f}, auxiliary MSE {aux_loss:.4f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="training epochs (book: 20)")
    main(parser.parse_args().epochs)
