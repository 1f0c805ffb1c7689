"""The tf.keras 2 side of test_saving_tf_keras_roundtrip.py, run in its own process (TensorFlow
is never imported by the test process): `python tf_keras_side.py NEURX_FOLDER TF_FOLDER`.

1. Loads every `.h5` that neurx wrote in NEURX_FOLDER (inputs and targets beside it in
   `<name>.npz`), predicts, reads the optimizer state, trains one step and predicts again;
   prints the results as one JSON line after `REPORT`.
2. Writes two models of its own to TF_FOLDER, compiled the way the books' tf.keras 2 did
   (classic optimizers with `decay` / nesterov, loss and metric objects, Keras 2 layer
   spellings), trained one step, with the predictions before and after one more step.
"""
import glob
import json
import os
import sys

import numpy as np
import tf_keras as keras


def _one(values):
    return values if len(values) > 1 else values[0]


def _listed(out):
    return [np.asarray(o) for o in (out if isinstance(out, list) else [out])]


def _numbered(prefix, arrays):
    return {f"{prefix}{i}": np.asarray(a) for i, a in enumerate(arrays)}


def load_neurx_files(folder):
    report = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.h5"))):
        name = os.path.basename(path)[:-len(".h5")]
        data = np.load(os.path.join(folder, name + ".npz"))
        xs = [data[k] for k in sorted(k for k in data if k.startswith("x"))]
        ys = [data[k] for k in sorted(k for k in data if k.startswith("y"))]
        model = keras.models.load_model(path)
        predicted = _listed(model.predict(_one(xs), verbose=0))
        state = model.optimizer.get_weights()
        history = model.fit(_one(xs), _one(ys), batch_size=len(xs[0]), epochs=1,
                            shuffle=False, verbose=0).history
        report[name] = {
            "optimizer": type(model.optimizer).__name__,
            "predicted": [p.tolist() for p in predicted],
            "iterations": int(state[0]),
            "first_slot": np.asarray(state[1]).tolist() if len(state) > 1 else None,
            "trained_iterations": int(model.optimizer.iterations.numpy()),
            "loss": float(history["loss"][0]), "log_keys": sorted(history),
            "after_step": [p.tolist() for p in _listed(model.predict(_one(xs), verbose=0))]}
    return report


def _save_trained(folder, name, model, xs, ys):
    def step():
        model.fit(_one(xs), _one(ys), batch_size=len(xs[0]), epochs=1, shuffle=False, verbose=0)
    step()
    model.save(os.path.join(folder, name + ".h5"))
    before = _listed(model.predict(_one(xs), verbose=0))
    step()
    after = _listed(model.predict(_one(xs), verbose=0))
    np.savez(os.path.join(folder, name + ".npz"), **_numbered("x", xs), **_numbered("y", ys),
             **_numbered("before", before), **_numbered("after", after))


def write_tf_keras_files(folder):
    rs = np.random.RandomState(1)
    layers = keras.layers
    conv = keras.Sequential([
        layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 2)),
        layers.BatchNormalization(), layers.LeakyReLU(alpha=0.2),
        layers.DepthwiseConv2D(3, padding="same"), layers.Conv2DTranspose(3, 2, strides=2),
        layers.UpSampling2D(), layers.ZeroPadding2D(1), layers.AveragePooling2D(4),
        layers.Flatten(), layers.Dropout(0.0), layers.Dense(3, activation="softmax")])
    conv.compile(optimizer=keras.optimizers.legacy.Adam(learning_rate=0.01, decay=1e-3),
                 loss="categorical_crossentropy", metrics=["accuracy"])
    _save_trained(folder, "conv_legacy_adam", conv,
                  [rs.normal(size=(6, 8, 8, 2)).astype("float32")],
                  [np.eye(3, dtype="float32")[rs.randint(0, 3, 6)]])
    words = layers.Input((7,))
    seq = layers.Embedding(30, 4, input_length=7)(words)
    seq = layers.Bidirectional(layers.LSTM(3, return_sequences=True))(seq)
    seq = layers.TimeDistributed(layers.Dense(4))(seq)
    seq = layers.SimpleRNN(3, return_sequences=True)(seq)
    text = keras.Model(words, [
        layers.Dense(1, name="score")(layers.GRU(2, reset_after=False)(seq)),
        layers.Dense(2, name="aux")(layers.GlobalMaxPooling1D()(seq))])
    text.compile(optimizer=keras.optimizers.legacy.SGD(learning_rate=0.05, momentum=0.9,
                                                       nesterov=True),
                 loss=[keras.losses.MeanSquaredError(), "mae"], loss_weights=[1.0, 0.5],
                 metrics=[keras.metrics.MeanAbsoluteError()])
    _save_trained(folder, "text_legacy_sgd", text, [rs.randint(0, 30, size=(6, 7))],
                  [rs.normal(size=(6, 1)).astype("float32"),
                   rs.normal(size=(6, 2)).astype("float32")])


if __name__ == "__main__":
    neurx_folder, tf_folder = sys.argv[1], sys.argv[2]
    report = load_neurx_files(neurx_folder)
    write_tf_keras_files(tf_folder)
    print("REPORT" + json.dumps(report))
