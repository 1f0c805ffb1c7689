"""TensorBoard logs without TensorFlow: two training runs side by side (Hands-On ML ch. 10).

Notes section: 텐서보드 활용 (사용방식, 로그 디렉토리 구조, 예제).

Trains the California housing regression MLP twice, with two learning rates, each run logging
through `keras.callbacks.TensorBoard(run_logdir)` into its own subfolder of `my_logs/`
(`run_<date>-<time>_<label>`, with `train/` and `validation/` event files). The script prints
the folder tree; open the runs with

    tensorboard --logdir=./my_logs --port=6006

and http://localhost:6006 to compare the learning curves.

Needs the `tensorboard` package and scikit-learn: `pip install ".[viz,sklearn]"`.

Run: `python examples/tensorboard_logs.py` (the book's run: `--epochs 30`).
"""
import argparse
import os
import time

from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import neurx as keras

root_logdir = os.path.join(os.getcwd(), "my_logs")


def get_run_logdir(label):
    run_id = time.strftime("run_%Y_%m_%d-%H_%M_%S")
    return os.path.join(root_logdir, f"{run_id}_{label}")


def print_tree(folder):
    for path, _, files in sorted(os.walk(folder)):
        depth = os.path.relpath(path, folder).count(os.sep) + (path != folder)
        print("    " * depth + os.path.basename(path) + "/")
        for name in sorted(files):
            print("    " * (depth + 1) + name)


def main(epochs: int = 10) -> None:
    keras.utils.set_random_seed(42)
    (X_train_full, y_train_full), (X_test, y_test) = \
        keras.datasets.california_housing.load_data()
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full,
                                                          random_state=42)
    scaler = StandardScaler().fit(X_train)
    X_train, X_valid = scaler.transform(X_train), scaler.transform(X_valid)

    for learning_rate in (1e-3, 5e-3):
        model = keras.models.Sequential([
            keras.layers.Dense(30, activation="relu", input_shape=[8]),
            keras.layers.Dense(1),
        ])
        model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
        run_logdir = get_run_logdir(f"lr_{learning_rate:g}")
        tensorboard_cb = keras.callbacks.TensorBoard(run_logdir)
        history = model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid),
                            callbacks=[tensorboard_cb], verbose=0)
        print(f"learning rate {learning_rate:g}: final val_loss "
              f"{history.history['val_loss'][-1]:.4f}")

    print_tree(root_logdir)
    print("View them with: tensorboard --logdir=./my_logs --port=6006")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="training epochs (book: 30)")
    main(parser.parse_args().epochs)
