"""A depthwise-separable convnet with batch normalization (Deep Learning with Python 7.3.1).

Notes section: 7.3.1 고급 구조 패턴 (배치 정규화, 깊이별 분리 합성곱).

The notes' lightweight image classifier: pairs of `SeparableConv2D` layers (a spatial
convolution per input channel, then a 1x1 convolution mixing the channels) between
`MaxPooling2D` layers, `GlobalAveragePooling2D`, and a softmax over 10 classes. As the notes
suggest, a `BatchNormalization` layer follows each convolution pair and the dense layer. The
script compares the parameter count with the same network built from `Conv2D` layers and
runs it on CIFAR-10's 32x32 test images (the notes use 64x64 inputs: `--size 64` upsamples to
that). The notes only build and compile this model, so training is opt-in: `--epochs N` trains
on the CIFAR-10 training images and evaluates on the test images (slow-ish on a CPU: the
gradients of separable convolutions are the expensive part).

Run: `python examples/separable_conv_batchnorm.py` (add `--epochs 10` to train)
"""
import argparse

import numpy as np

import neurx as keras
from neurx import layers
from neurx.models import Sequential


def build_model(conv, height, width, channels, num_classes):
    model = Sequential()
    model.add(keras.Input(shape=(height, width, channels)))
    model.add(conv(32, 3, activation='relu'))
    model.add(conv(64, 3, activation='relu'))
    model.add(layers.BatchNormalization())
    model.add(layers.MaxPooling2D(2))

    model.add(conv(64, 3, activation='relu'))
    model.add(conv(128, 3, activation='relu'))
    model.add(layers.BatchNormalization())
    model.add(layers.MaxPooling2D(2))

    model.add(conv(64, 3, activation='relu'))
    model.add(conv(128, 3, activation='relu'))
    model.add(layers.GlobalAveragePooling2D())

    model.add(layers.Dense(32, activation='relu'))
    model.add(layers.BatchNormalization())
    model.add(layers.Dense(num_classes, activation='softmax'))
    return model


def main(epochs: int = 0, size: int = 32) -> None:
    keras.utils.set_random_seed(42)
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    if size != 32:
        x_train, x_test = (np.repeat(np.repeat(x, size // 32, axis=1), size // 32, axis=2)
                           for x in (x_train, x_test))
    y_train, y_test = (keras.utils.to_categorical(y, 10) for y in (y_train, y_test))

    height, width, channels, num_classes = size, size, 3, 10
    model = build_model(layers.SeparableConv2D, height, width, channels, num_classes)
    plain = build_model(layers.Conv2D, height, width, channels, num_classes)
    print(f"parameters: {model.count_params():,} with SeparableConv2D, "
          f"{plain.count_params():,} with Conv2D")

    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
    y_proba = model.predict(x_test[:8], verbose=0)
    print(f"predictions for 8 test images: shape {y_proba.shape}, "
          f"rows sum to {y_proba.sum(axis=1).mean():.3f}")
    if epochs:
        model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=2)
        test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
        print(f"test accuracy {test_accuracy:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=0,
                        help="training epochs (default 0: build and predict only, as the notes)")
    parser.add_argument("--size", type=int, default=32, choices=[32, 64],
                        help="image height and width (the notes: 64)")
    args = parser.parse_args()
    main(args.epochs, args.size)
