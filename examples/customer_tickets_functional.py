"""A multi-input, multi-output model with the functional API (Deep Learning with Python, ch. 7).

Notes section: 7.1 Sequential 모델을 넘어서: 케라스의 함수형 API — 다중 입력 모델, 다중 출력 모델
(the customer support ticket model of the book's 2nd edition, the same ideas as the notes'
question-answering and social-media models).

A ticket has a title and a body (multi-hot vectors over a 10,000-word vocabulary) and tags;
the model predicts its priority (a sigmoid score, mean squared error) and the department that
should handle it (softmax over 4 departments, categorical crossentropy). It is trained with
lists of arrays in the order of `inputs` / `outputs`, then compiled and trained again with
dicts keyed by the input and output names. Finally the intermediate features are reused for
a third output (`difficulty`) in a new model that shares the trained layers.

The data are random, as in the book: the point is the wiring, not the scores.

Run: `python examples/customer_tickets_functional.py --epochs 10`
"""
import argparse

import numpy as np

import neurx as keras
from neurx import layers

vocabulary_size = 10000
num_tags = 100
num_departments = 4


def build_model():
    title = keras.Input(shape=(vocabulary_size,), name="title")
    text_body = keras.Input(shape=(vocabulary_size,), name="text_body")
    tags = keras.Input(shape=(num_tags,), name="tags")

    features = layers.Concatenate()([title, text_body, tags])
    features = layers.Dense(64, activation="relu")(features)

    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(num_departments, activation="softmax", name="department")(features)
    return keras.Model(inputs=[title, text_body, tags], outputs=[priority, department])


def main(epochs: int = 1, num_samples: int = 256) -> None:
    keras.utils.set_random_seed(42)
    title_data = np.random.randint(0, 2, size=(num_samples, vocabulary_size))
    text_body_data = np.random.randint(0, 2, size=(num_samples, vocabulary_size))
    tags_data = np.random.randint(0, 2, size=(num_samples, num_tags))
    priority_data = np.random.random(size=(num_samples, 1))
    department_data = keras.utils.to_categorical(
        np.random.randint(0, num_departments, size=num_samples), num_departments)

    model = build_model()
    model.summary()
    model.compile(optimizer="rmsprop",
                  loss=["mean_squared_error", "categorical_crossentropy"],
                  metrics=[["mean_absolute_error"], ["accuracy"]])
    model.fit([title_data, text_body_data, tags_data], [priority_data, department_data],
              epochs=epochs, verbose=0)
    results = model.evaluate([title_data, text_body_data, tags_data],
                             [priority_data, department_data], verbose=0)
    print("evaluate (lists):", ", ".join(f"{name} {value:.4f}"
                                         for name, value in zip(model.metrics_names, results)))
    priority_preds, department_preds = model.predict(
        [title_data, text_body_data, tags_data], verbose=0)
    print("predictions:", priority_preds.shape, department_preds.shape)

    model.compile(optimizer="rmsprop",
                  loss={"priority": "mean_squared_error",
                        "department": "categorical_crossentropy"},
                  metrics={"priority": ["mean_absolute_error"], "department": ["accuracy"]})
    inputs = {"title": title_data, "text_body": text_body_data, "tags": tags_data}
    targets = {"priority": priority_data, "department": department_data}
    history = model.fit(inputs, targets, epochs=epochs, verbose=0)
    print("history keys (dicts):", list(history.history))

    features = model.layers[4].output  # the Dense(64) layer's output
    difficulty = layers.Dense(3, activation="softmax", name="difficulty")(features)
    new_model = keras.Model(inputs=model.inputs,
                            outputs=[model.outputs[0], model.outputs[1], difficulty])
    outputs = new_model.predict(inputs, verbose=0)
    print("new model shares", len(new_model.layers) - 1, "layers with the old one and outputs",
          [o.shape for o in outputs])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1, help="training epochs (book: 1)")
    main(parser.parse_args().epochs)
