"""Multi-input and multi-output models with the functional API (Deep Learning with Python 7.1).

A question-answering model (two inputs) and a three-headed model (three outputs), from the
book's sections 7.1.1-7.1.3.

Notes sections: 7.1.1 함수형 API 소개, 7.1.2 다중 입력 모델, 7.1.3 다중 출력 모델.

1. The same three-layer network written with `Sequential` and with the functional API
   (`Input` tensors passed through layers, then `Model(input_tensor, output_tensor)`).
2. A question-answering model: the reference text and the question go through their own
   `Embedding` and `LSTM`, are concatenated, and a softmax picks a one-word answer. It is
   trained with a list of arrays and then with a dict keyed by the input names.
3. A model reading social-media posts that predicts age (regression), income group (softmax)
   and gender (sigmoid), compiled with one loss per output and `loss_weights`, given as dicts
   keyed by the output names (lists in the order of the outputs work too).

The models are trained on random data, as in the book (the point is the wiring, not the
scores); the three-headed model is built and compiled only, since the notes have no posts.

Run: `python examples/question_answering_multi_io.py --epochs 10` (the book's run).
"""
import argparse

import numpy as np

from neurx import Input, layers
from neurx.models import Model, Sequential
from neurx.utils import set_random_seed, to_categorical


def sequential_and_functional(epochs):
    seq_model = Sequential()
    seq_model.add(layers.Dense(32, activation='relu', input_shape=(64,)))
    seq_model.add(layers.Dense(32, activation='relu'))
    seq_model.add(layers.Dense(10, activation='softmax'))

    input_tensor = Input(shape=(64,))
    x = layers.Dense(32, activation='relu')(input_tensor)
    x = layers.Dense(32, activation='relu')(x)
    output_tensor = layers.Dense(10, activation='softmax')(x)
    model = Model(input_tensor, output_tensor)
    model.summary()

    model.compile(optimizer='rmsprop', loss='categorical_crossentropy')
    x_train = np.random.random((1000, 64))
    y_train = np.random.random((1000, 10))
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=128, verbose=0)
    print(f"7.1.1: {seq_model.count_params()} = {model.count_params()} parameters both ways; "
          f"loss {history.history['loss'][-1]:.2f}")


def question_answering(epochs, num_samples=256, max_length=100):
    text_voca_size = 10000
    question_voca_size = 10000
    answer_voca_size = 500

    text_input = Input(shape=(None,), dtype='int32', name='text')
    embedded_text = layers.Embedding(text_voca_size, 64)(text_input)
    encoded_text = layers.LSTM(32)(embedded_text)

    question_input = Input(shape=(None,), dtype='int32', name='question')
    embedded_question = layers.Embedding(question_voca_size, 32)(question_input)
    encoded_question = layers.LSTM(16)(embedded_question)

    concatenated = layers.concatenate([encoded_text, encoded_question], axis=-1)
    answer = layers.Dense(answer_voca_size, activation='softmax')(concatenated)
    model = Model([text_input, question_input], answer)
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['acc'])

    text = np.random.randint(1, text_voca_size, size=(num_samples, max_length))
    question = np.random.randint(1, question_voca_size, size=(num_samples, max_length))
    answers = to_categorical(np.random.randint(0, answer_voca_size, size=num_samples),
                             answer_voca_size)
    model.fit([text, question], answers, epochs=epochs, batch_size=128, verbose=0)
    history = model.fit({'text': text, 'question': question}, answers, epochs=1,
                        batch_size=128, verbose=0)
    print(f"7.1.2: question answering trained with a list and a dict; loss "
          f"{history.history['loss'][-1]:.3f}")


def three_heads():
    voca_size = 50000
    num_income_groups = 10

    posts_input = Input(shape=(None,), dtype='int32', name='posts')
    embedded_posts = layers.Embedding(voca_size, 256)(posts_input)
    x = layers.Conv1D(128, 5, activation='relu')(embedded_posts)
    x = layers.MaxPooling1D(5)(x)
    x = layers.Conv1D(256, 5, activation='relu')(x)
    x = layers.Conv1D(256, 5, activation='relu')(x)
    x = layers.MaxPooling1D(5)(x)
    x = layers.Conv1D(256, 5, activation='relu')(x)
    x = layers.Conv1D(256, 5, activation='relu')(x)
    x = layers.GlobalMaxPool1D()(x)
    x = layers.Dense(128, activation='relu')(x)

    age_prediction = layers.Dense(1, name='age')(x)
    income_prediction = layers.Dense(num_income_groups, activation='softmax', name='income')(x)
    gender_prediction = layers.Dense(1, activation='sigmoid', name='gender')(x)
    model = Model(posts_input, [age_prediction, income_prediction, gender_prediction])

    # Same as loss=['mse', 'categorical_crossentropy', 'binary_crossentropy'],
    # loss_weights=[0.25, 1., 10.] (lists in the order of the outputs).
    model.compile(optimizer='rmsprop',
                  loss={'age': 'mse', 'income': 'categorical_crossentropy',
                        'gender': 'binary_crossentropy'},
                  loss_weights={'age': 0.25, 'income': 1., 'gender': 10.})
    # With real data: model.fit(posts, [age_targets, income_targets, gender_targets], ...)
    print(f"7.1.3: {model.count_params():,} parameters, outputs",
          {name: tuple(output.shape) for name, output in zip(model.output_names, model.outputs)})


def main(epochs: int = 1) -> None:
    set_random_seed(42)
    sequential_and_functional(epochs)
    question_answering(epochs)
    three_heads()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1, help="training epochs (book: 10)")
    main(parser.parse_args().epochs)
