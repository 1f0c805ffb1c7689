"""Graphs of layers with the functional API (Deep Learning with Python 7.1.4-7.1.6).

An Inception module, residual connections, a shared LSTM and a model used as a layer.

Notes sections: 7.1.4 층으로 구성된 비순환 유향 그래프 (인셉션 모듈, 잔차 연결), 7.1.5 층 가중치
공유, 7.1.6 층과 모델.

1. An Inception module: four branches with the same stride, concatenated on the channel axis.
2. Residual connections: `layers.add([y, x])` when the shapes match, and a strided 1x1
   convolution on the shortcut when they do not.
3. A Siamese LSTM: one `LSTM` layer object called on two inputs, so both branches share (and
   train) the same weights; the model is trained briefly on random sentence pairs.
4. `applications.Xception(weights=None, include_top=False)` called like a layer on a left and a
   right camera image: one set of weights, two feature maps.

Parts 1, 2 and 4 only build the graphs and print the inferred shapes (no training), as the
notes do; part 3 trains, on random data as the book would.

Run: `python examples/functional_graphs.py --epochs 10`
"""
import argparse

import numpy as np

from neurx import Input, applications, layers
from neurx.models import Model
from neurx.utils import set_random_seed


def inception_module(x):
    # padding='same' (absent in the notes) gives the four branches the same height and width,
    # which concatenating them on the channel axis requires.
    branch_a = layers.Conv2D(128, 1, activation='relu', strides=2)(x)

    branch_b = layers.Conv2D(128, 1, activation='relu')(x)
    branch_b = layers.Conv2D(128, 3, activation='relu', strides=2, padding='same')(branch_b)

    branch_c = layers.AveragePooling2D(3, strides=2, padding='same')(x)
    branch_c = layers.Conv2D(128, 3, activation='relu', padding='same')(branch_c)

    branch_d = layers.Conv2D(128, 1, activation='relu')(x)
    branch_d = layers.Conv2D(128, 3, activation='relu', padding='same')(branch_d)
    branch_d = layers.Conv2D(128, 3, activation='relu', strides=2, padding='same')(branch_d)

    return layers.concatenate([branch_a, branch_b, branch_c, branch_d], axis=-1)


def residual_blocks(x):
    y = layers.Conv2D(128, 3, activation='relu', padding='same')(x)
    y = layers.Conv2D(128, 3, activation='relu', padding='same')(y)
    y = layers.Conv2D(128, 3, activation='relu', padding='same')(y)
    same_size = layers.add([y, x])

    y = layers.Conv2D(128, 3, activation='relu', padding='same')(same_size)
    y = layers.Conv2D(128, 3, activation='relu', padding='same')(y)
    y = layers.MaxPooling2D(2, strides=2)(y)
    residual = layers.Conv2D(128, 1, strides=2, padding='same')(same_size)
    return same_size, layers.add([y, residual])


def siamese_lstm(epochs, num_pairs=128, length=20):
    lstm = layers.LSTM(32)

    left_input = Input(shape=(None, 128))
    left_output = lstm(left_input)
    right_input = Input(shape=(None, 128))
    right_output = lstm(right_input)

    merged = layers.concatenate([left_output, right_output], axis=-1)
    predictions = layers.Dense(1, activation='sigmoid')(merged)
    # The notes pass the LSTM outputs here; a model is built from its inputs.
    model = Model([left_input, right_input], predictions)
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['acc'])

    left_data = np.random.random((num_pairs, length, 128)).astype('float32')
    right_data = np.random.random((num_pairs, length, 128)).astype('float32')
    targets = np.random.randint(0, 2, size=(num_pairs, 1))
    model.fit([left_data, right_data], targets, epochs=epochs, batch_size=64, verbose=0)
    return model, lstm


def main(epochs: int = 1) -> None:
    set_random_seed(42)
    x = Input(shape=(32, 32, 128))
    print("7.1.4 inception module:", x.shape, "->", inception_module(x).shape)
    same_size, downsampled = residual_blocks(x)
    print("7.1.4 residual connections:", same_size.shape, "and", downsampled.shape)

    model, lstm = siamese_lstm(epochs)
    lstm_layers = [layer for layer in model.layers if layer is lstm]
    print(f"7.1.5 Siamese LSTM: {len(lstm_layers)} LSTM layer for two branches, "
          f"{len(lstm.weights)} weight tensors shared")

    xception_base = applications.Xception(weights=None, include_top=False)
    left_input = Input(shape=(250, 250, 3))
    right_input = Input(shape=(250, 250, 3))
    left_features = xception_base(left_input)
    right_features = xception_base(right_input)
    merged_features = layers.concatenate([left_features, right_features], axis=-1)
    print(f"7.1.6 Xception as a layer: {xception_base.count_params():,} weights used twice, "
          f"features {left_features.shape} x 2 -> {merged_features.shape}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1, help="epochs of the Siamese LSTM")
    main(parser.parse_args().epochs)
