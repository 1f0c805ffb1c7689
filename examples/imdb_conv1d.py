"""A 1D convnet on IMDB reviews, logged to TensorBoard (Deep Learning with Python, 7.2.2).

Notes section: 7.2.2 텐서보드 소개: 텐서플로우 시각화 프레임워크.

Loads the reviews as word indices (`imdb.load_data(num_words=2000)`), pads them to 100 words
(`sequence.pad_sequences`), and trains Embedding -> Conv1D -> MaxPooling1D -> Conv1D ->
GlobalMaxPool1D -> Dense on the sentiment, with 20% of the training reviews held out
(`validation_split=0.2`). The `TensorBoard` callback writes the learning curves, a histogram of
every weight each epoch (`histogram_freq=1`) and the embedding matrix for the Projector
(`embeddings_freq=1`) into `my_log_dir/` in the current folder:

    tensorboard --logdir=my_log_dir

Needs the `tensorboard` package: `pip install ".[viz]"`.

Run: `python examples/imdb_conv1d.py` (20 epochs, as in the book).
"""
import argparse
import os

import neurx as keras
from neurx import callbacks, layers
from neurx.datasets import imdb
from neurx.models import Sequential
from neurx.preprocessing import sequence

max_features = 2000
max_len = 100


def main(epochs: int = 20) -> None:
    keras.utils.set_random_seed(42)
    (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=max_features)
    x_train = sequence.pad_sequences(x_train, maxlen=max_len)
    x_test = sequence.pad_sequences(x_test, maxlen=max_len)

    model = Sequential()
    model.add(layers.Embedding(max_features, 128, input_length=max_len, name='embed'))
    model.add(layers.Conv1D(32, 7, activation='relu'))
    model.add(layers.MaxPooling1D(5))
    model.add(layers.Conv1D(32, 7, activation='relu'))
    model.add(layers.GlobalMaxPool1D())
    # The notes' listing ends with Dense(1); binary crossentropy expects a probability.
    model.add(layers.Dense(1, activation='sigmoid'))
    model.summary()
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['acc'])

    log_directory_path = os.getcwd() + os.sep + 'my_log_dir'
    callbacks_value = [
        callbacks.TensorBoard(
            log_dir=log_directory_path,
            histogram_freq=1,
            embeddings_freq=1,
        )
    ]
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=128,
                        validation_split=0.2, callbacks=callbacks_value, verbose=2)

    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
    print("log folders:", sorted(os.listdir(log_directory_path)))
    print(f"best val_acc {max(history.history['val_acc']):.3f}; test accuracy {test_acc:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20, help="training epochs (book: 20)")
    main(parser.parse_args().epochs)
