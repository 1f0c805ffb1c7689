"""The notes' workloads: shapes, training settings, synthetic data and the models.

What it owns: one `Workload` record per benchmark (rows, epochs, batch size, the
layers neurx needs for it), the synthetic data of the notes' shapes (seeded NumPy,
identical in every framework), and the model builders written once against the
Keras API, so that the same code builds the model in neurx and in the real Keras.
The hand-written JAX versions of the same models are in `scan_baselines.py`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Workload:
    """One benchmark: what the notes train, and how much of it the harness times."""

    name: str
    description: str
    rows: int               # training rows in a full run; for the conv and LSTM models fewer
                            # than the notes' (a 2-core budget), the same in every framework
    quick_rows: int         # training rows with `--quick`
    epochs: int             # timed epochs (after one warm-up epoch that compiles)
    quick_epochs: int
    batch_size: int
    layers: tuple[str, ...]  # the `keras.layers` names the model uses


WORKLOADS = {w.name: w for w in [
    Workload("fashion_mlp", "Fashion MLP 784-300-100-10, SGD, batch 32",
             55_000, 2_000, 1, 1, 32, ("Flatten", "Dense")),
    Workload("housing", "Housing MLP 8-30-1, SGD(1e-3), mse, batch 32",
             11_610, 1_000, 20, 2, 32, ("Dense",)),
    Workload("wide_deep", "Wide & deep (inputs 5 + 6), SGD(1e-3), mse, batch 32",
             11_610, 1_000, 20, 2, 32, ("Dense", "Concatenate")),
    Workload("imdb_conv1d", "IMDB Conv1D, seq 500, rmsprop, batch 128",
             640, 256, 1, 1, 128,
             ("Embedding", "Conv1D", "MaxPooling1D", "GlobalMaxPooling1D", "Dense")),
    Workload("qa_lstm", "QA two-LSTM (text 100, question 20), rmsprop, batch 128",
             2_560, 256, 1, 1, 128, ("Embedding", "LSTM", "Concatenate", "Dense")),
    Workload("fashion_cnn", "Fashion CNN Conv2D 32/64 + pooling + Dense, adam, batch 32",
             3_200, 512, 1, 1, 32,
             ("Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dropout")),
]}

EVAL_ROWS = 10_000       # the Fashion MLP test set for `evaluate` / `predict`
QUICK_EVAL_ROWS = 1_000
VOCAB, IMDB_LEN, QA_TEXT_LEN, QA_QUESTION_LEN, QA_ANSWERS = 10_000, 500, 100, 20, 500


def make_data(name: str, rows: int, seed: int = 0):
    """Synthetic `(x, y)` of the workload's shapes; `x` is a list for two-input models."""
    rs = np.random.RandomState(seed)
    if name in ("fashion_mlp", "fashion_cnn"):
        x = rs.uniform(size=(rows, 28, 28)).astype("float32")
        if name == "fashion_cnn":
            x = x[..., None]
        return x, rs.randint(0, 10, size=rows).astype("int32")
    if name in ("housing", "wide_deep"):
        x = rs.normal(size=(rows, 8)).astype("float32")
        w = rs.normal(size=8).astype("float32")
        y = (x @ w + 0.1 * rs.normal(size=rows)).astype("float32")[:, None]
        return ([x[:, :5], x[:, 2:]] if name == "wide_deep" else x), y
    if name == "imdb_conv1d":
        x = rs.randint(1, VOCAB, size=(rows, IMDB_LEN)).astype("int32")
        return x, rs.randint(0, 2, size=(rows, 1)).astype("float32")
    if name == "qa_lstm":
        text = rs.randint(1, VOCAB, size=(rows, QA_TEXT_LEN)).astype("int32")
        question = rs.randint(1, VOCAB, size=(rows, QA_QUESTION_LEN)).astype("int32")
        return [text, question], rs.randint(0, QA_ANSWERS, size=rows).astype("int32")
    raise ValueError(f"Unknown workload {name!r}; known: {sorted(WORKLOADS)}.")


def missing_layers(keras, name: str) -> list[str]:
    """The layers the workload needs that `keras.layers` does not have (yet)."""
    return [layer for layer in WORKLOADS[name].layers if not hasattr(keras.layers, layer)]


def build_model(keras, name: str):
    """The workload's model, compiled, in the given Keras-API module (neurx or keras)."""
    layers = keras.layers
    if name == "fashion_mlp":
        model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(),
                                  layers.Dense(300, activation="relu"),
                                  layers.Dense(100, activation="relu"),
                                  layers.Dense(10, activation="softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    elif name == "housing":
        model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(30, activation="relu"),
                                  layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e-3), loss="mse")
    elif name == "wide_deep":
        input_a = keras.Input(shape=(5,), name="wide_input")
        input_b = keras.Input(shape=(6,), name="deep_input")
        hidden1 = layers.Dense(30, activation="relu")(input_b)
        hidden2 = layers.Dense(30, activation="relu")(hidden1)
        concat = layers.concatenate([input_a, hidden2])
        output = layers.Dense(1, name="output")(concat)
        model = keras.Model(inputs=[input_a, input_b], outputs=[output])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e-3), loss="mse")
    elif name == "imdb_conv1d":
        model = keras.Sequential([keras.Input(shape=(IMDB_LEN,), dtype="int32"),
                                  layers.Embedding(VOCAB, 128),
                                  layers.Conv1D(32, 7, activation="relu"),
                                  layers.MaxPooling1D(5),
                                  layers.Conv1D(32, 7, activation="relu"),
                                  layers.GlobalMaxPooling1D(),
                                  layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    elif name == "qa_lstm":
        text_input = keras.Input(shape=(QA_TEXT_LEN,), dtype="int32", name="text")
        encoded_text = layers.LSTM(32)(layers.Embedding(VOCAB, 64)(text_input))
        question_input = keras.Input(shape=(QA_QUESTION_LEN,), dtype="int32", name="question")
        encoded_question = layers.LSTM(16)(layers.Embedding(VOCAB, 32)(question_input))
        concatenated = layers.concatenate([encoded_text, encoded_question], axis=-1)
        answer = layers.Dense(QA_ANSWERS, activation="softmax")(concatenated)
        model = keras.Model([text_input, question_input], answer)
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                      metrics=["acc"])
    elif name == "fashion_cnn":
        model = keras.Sequential([
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, kernel_size=3, activation="relu", padding="same"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, kernel_size=3, activation="relu", padding="same"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(100, activation="relu"),
            layers.Dropout(0.4),
            layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    else:
        raise ValueError(f"Unknown workload {name!r}; known: {sorted(WORKLOADS)}.")
    return model
