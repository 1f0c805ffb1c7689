"""Notebooks in real Jupyter kernels (nbclient starts an ipykernel process per notebook).

The kernel specs are installed into a temporary prefix that JUPYTER_PATH puts first, so the
kernels run this Python with this checkout of neurx. Each kernel start costs seconds: there are
two, the `neurx` kernel running the notes' chapter-10 code unchanged and the plain `python3`
kernel with `%load_ext neurx`.
"""
import re

import nbformat
import numpy as np
import pytest
from dataset_fakes import write_idx_pair
from ipykernel.kernelspec import install as install_ipykernel_spec
from nbclient import NotebookClient

from neurx.cli import main


@pytest.fixture
def jupyter_prefix(tmp_path, monkeypatch):
    prefix = tmp_path / "jupyter-env"
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    return str(prefix)


def _execute(cells, kernel_name, folder) -> list[list]:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, kernel_name=kernel_name, timeout=300,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return [cell.outputs for cell in notebook.cells]


def _shown(outputs, name="stdout") -> list[str]:
    """The stream's lines as a notebook shows them: each `\\r` starts the line again (Keras
    redraws its bar with `\\b...\\r`)."""
    text = "".join(o.text for o in outputs if o.output_type == "stream" and o.name == name)
    return [line.rsplit("\r", 1)[-1] for line in text.split("\n")]


def _result(outputs) -> str:
    return next(o.data["text/plain"] for o in outputs if o.output_type == "execute_result")


CHAPTER_10 = [
    """import os
import numpy as np
import tensorflow as tf
from tensorflow import keras
print(tf.keras is keras, keras.__name__)
fashion_mnist = keras.datasets.fashion_mnist
(X_train_full, y_train_full), (X_test, y_test) = fashion_mnist.load_data()
X_valid, X_train = X_train_full[:100] / 255., X_train_full[100:] / 255.
y_valid, y_train = y_train_full[:100], y_train_full[100:]
X_test = X_test / 255.
X_train.shape""",
    """model = keras.models.Sequential()
model.add(keras.layers.Flatten(input_shape=[28, 28]))
model.add(keras.layers.Dense(300, activation="relu"))
model.add(keras.layers.Dense(100, activation="relu"))
model.add(keras.layers.Dense(10, activation="softmax"))
model.summary()""",
    """model.compile(loss="sparse_categorical_crossentropy",
              optimizer=keras.optimizers.SGD(learning_rate=0.05), metrics=["accuracy"])
checkpoint_cb = keras.callbacks.ModelCheckpoint("my_keras_model.h5", save_best_only=True)
early_stopping_cb = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
run_logdir = os.path.join(os.curdir, "my_logs", "run_1")
tensorboard_cb = keras.callbacks.TensorBoard(run_logdir)
history = model.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid),
                    callbacks=[checkpoint_cb, early_stopping_cb, tensorboard_cb])""",
    "%load_ext tensorboard",
    "history.history.keys()",
    "model.evaluate(X_test, y_test)",
    """X_new = X_test[:3]
y_proba = model.predict(X_new)
y_proba.round(2).shape""",
    """model = keras.models.load_model("my_keras_model.h5")  # the best epoch's checkpoint
best = min(history.history["val_loss"])
np.isclose(model.evaluate(X_valid, y_valid, verbose=0)[0], best, rtol=1e-4)""",
]


def test_neurx_kernel_runs_the_chapter_10_notebook_unchanged(tmp_path, jupyter_prefix,
                                                             monkeypatch):
    monkeypatch.setenv("NEURX_HOME", str(tmp_path / "neurx-home"))
    rng = np.random.RandomState(0)
    centers = rng.randint(0, 256, size=(10, 28, 28))
    for split, n in (("train", 600), ("t10k", 200)):   # Fashion-MNIST's files, small
        labels = rng.randint(0, 10, n)
        images = np.clip(centers[labels] + rng.randint(-40, 41, (n, 28, 28)), 0, 255)
        write_idx_pair(str(tmp_path / "neurx-home" / "datasets" / "fashion-mnist"), split,
                       images, labels)
    assert main(["kernel", "install", "--prefix", jupyter_prefix]) == 0   # as a reader would

    data, summary, fit, tensorboard, keys, evaluate, predict, reload = _execute(
        CHAPTER_10, "neurx", tmp_path)

    assert _shown(data) == ["True neurx", ""] and _result(data) == "(500, 28, 28)"
    shown = _shown(summary)
    assert shown[0] == 'Model: "sequential"'
    assert " flatten (Flatten)           (None, 784)               0         " in shown
    assert "Total params: 266,610" in shown
    epochs = _shown(fit)
    assert epochs[0::2][:3] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    for line in epochs[1::2][:3]:   # one line per epoch once each bar is done
        assert re.fullmatch(r"16/16 \[=+\] - \d+s \d+[mu]?s/step - loss: \d\.\d{4} - accuracy: "
                            r"\d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}", line)
    for split in ("train", "validation"):
        assert list((tmp_path / "my_logs" / "run_1" / split).glob("events.out.tfevents.*"))
    assert tensorboard == []   # %load_ext tensorboard loads quietly beside neurx
    assert _result(keys) == "dict_keys(['loss', 'accuracy', 'val_loss', 'val_accuracy'])"
    assert re.fullmatch(r"7/7 \[=+\] - .* - loss: \d\.\d{4} - accuracy: \d\.\d{4}",
                        _shown(evaluate)[0])
    loss, accuracy = eval(_result(evaluate))
    assert accuracy > 0.5 and loss > 0
    assert _shown(predict)[0].startswith("1/1 [==============================] - ")
    assert _result(predict) == "(3, 10)"
    assert _result(reload) in ("True", "np.True_")
    assert (tmp_path / "my_keras_model.h5").exists()   # the kernel ran in the notebook's folder


def test_load_ext_neurx_in_the_plain_python3_kernel(tmp_path, jupyter_prefix):
    install_ipykernel_spec(prefix=jupyter_prefix)    # ipykernel's own spec for this Python
    cells = [
        "%load_ext neurx",
        """import tensorflow as tf
from tensorflow import keras
import numpy as np
x = np.random.RandomState(0).normal(size=(64, 3)).astype("float32")
model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=[3]),
                          keras.layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
history = model.fit(x, x.sum(axis=1), epochs=2, batch_size=8)""",
        'keras.utils.plot_model(model, "model.png", show_shapes=True)',
    ]
    loaded, fit, plot = _execute(cells, "python3", tmp_path)
    assert _shown(loaded)[0] == ("neurx: `import keras` and `import tensorflow` give neurx in "
                                 "this kernel.")
    text = "".join(o.text for o in fit if o.output_type == "stream" and o.name == "stdout")
    assert "\r" in text      # the bar is redrawn in place, as Keras does under ipykernel
    shown = _shown(fit)
    assert shown[0::2][:2] == ["Epoch 1/2", "Epoch 2/2"]
    for line in shown[1::2][:2]:
        assert re.fullmatch(r"8/8 \[=+\] - \d+s \d+[mu]?s/step - loss: \d+\.\d{4}", line)
    image = next(o for o in plot if o.output_type == "execute_result")
    assert image.data["image/png"] and (tmp_path / "model.png").exists()
