"""Bad input at the public boundary gets a clear error naming the argument and the value
(docs/errors.md lists the checks)."""
import re

import numpy as np
import pytest

import neurx as keras
from neurx import layers


@pytest.mark.parametrize("make, message", [
    (lambda: layers.Dense(0), "`units` of Dense must be an integer >= 1. Received: units=0"),
    (lambda: layers.Dense("8"), "`units` of Dense must be an integer >= 1. Received: units='8' "
                                r"\(of type str\)"),
    (lambda: layers.Dense(2.5), "Received: units=2.5"),
    (lambda: layers.Dropout(1.5), "`rate` of Dropout must be a number from 0 to 1. "
                                  "Received: rate=1.5"),
    (lambda: layers.SpatialDropout1D(-0.5), "`rate` of SpatialDropout1D must be"),
    (lambda: keras.Input((0,)), r"`shape` of Input must hold sizes >= 1 .* Received: shape=\(0,\)"),
    (lambda: keras.Input((4, -1)), r"Received: shape=\(4, -1\)"),
    (lambda: keras.Input((4,), batch_size=0), "`batch_size` of Input must be an integer >= 1"),
    (lambda: layers.Reshape((0, 4)), r"`target_shape` of Reshape must hold sizes >= 1 and at "
                                     r"most one -1 .*Received: target_shape=\(0, 4\)"),
    (lambda: layers.Reshape((-1, -1)), "at most one -1"),
    (lambda: layers.BatchNormalization(momentum=1.5), "`momentum` of BatchNormalization must "
                                                      "be a number from 0 to 1"),
    (lambda: layers.BatchNormalization(epsilon=0), "`epsilon` of BatchNormalization must be "
                                                   "a number > 0. Received: epsilon=0"),
    (lambda: layers.LayerNormalization(epsilon=-1e-3), "`epsilon` of LayerNormalization"),
    (lambda: layers.GroupNormalization(epsilon=-1), "`epsilon` of GroupNormalization"),
])
def test_layer_constructors_check_ranges(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_whole_floats_and_numpy_integers_are_accepted_as_in_tf_keras_2():
    assert layers.Dense(8.0).units == 8 and layers.Dense(np.int64(3)).units == 3
    assert keras.Input(shape=(np.int32(5),)).shape == (None, 5)
    assert layers.Reshape((-1, 2)).target_shape == (-1, 2)


@pytest.mark.parametrize("call, message", [
    (lambda: keras.utils.to_categorical([0, 3], 3),
     r"`x` of to_categorical\(\) holds the class index 3, outside \[0, 3\) for num_classes=3"),
    (lambda: keras.utils.to_categorical([-1, 0]), "class indices >= 0. Received the value -1"),
    (lambda: keras.utils.to_categorical([0.5]), "integer class indices. Received the value 0.5"),
    (lambda: keras.utils.to_categorical([0], 0), "`num_classes` of to_categorical"),
    (lambda: keras.utils.pad_sequences([[1, 2]], maxlen=0),
     "`maxlen` of pad_sequences.. must be an integer >= 1. Received: maxlen=0"),
])
def test_utils_check_their_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_to_categorical_refuses_text_labels():
    with pytest.raises(TypeError, match="StringLookup"):
        keras.utils.to_categorical(["cat", "dog"])


def dense_model(units, activation, loss, name="probs"):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(units, activation=activation,
                                                                 name=name)])
    model.compile("sgd", loss)
    return model


@pytest.fixture(scope="module")
def classifier():
    return dense_model(3, "softmax", "sparse_categorical_crossentropy")


X = np.random.RandomState(0).rand(8, 4).astype("float32")


@pytest.mark.parametrize("method, kwargs, message", [
    ("fit", {"batch_size": 0}, "`batch_size` of fit.. must be an integer >= 1. "
                               "Received: batch_size=0"),
    ("fit", {"epochs": -1}, "`epochs` of fit.. must be an integer >= 0"),
    ("fit", {"epochs": 2.5}, "Received: epochs=2.5"),
    ("fit", {"initial_epoch": -1}, "`initial_epoch` of fit"),
    ("fit", {"steps_per_epoch": 0}, "`steps_per_epoch` of fit"),
    ("fit", {"validation_freq": 0}, "`validation_freq` of fit"),
    ("fit", {"validation_batch_size": -4}, "`validation_batch_size` of fit"),
    ("evaluate", {"batch_size": -1}, "`batch_size` of evaluate"),
    ("evaluate", {"steps": 0}, "`steps` of evaluate"),
    ("predict", {"batch_size": "32"}, "`batch_size` of predict.. must be an integer >= 1. "
                                      "Received: batch_size='32' .of type str."),
    ("predict", {"steps": 0}, "`steps` of predict"),
])
def test_fit_evaluate_predict_check_counts(classifier, method, kwargs, message):
    args = (X,) if method == "predict" else (X, np.zeros(8))
    with pytest.raises(ValueError, match=message):
        getattr(classifier, method)(*args, verbose=0, **kwargs)


@pytest.mark.parametrize("labels, message", [
    (np.array([0, 1, 3, 0, 1, 2, 0, 1]), r"Output 'probs' is trained with "
     r"sparse_categorical_crossentropy, whose labels must be class indices in \[0, 3\) \(the "
     r"output has 3 units\). Received the label 3 \(sample 2\)."),
    (np.array([0, 1, 2, 0, 1, 2, 0, -1]), r"Received the label -1 \(sample 7\)"),
    (np.array([0, 1, 2, 0.5, 1, 2, 0, 1]), r"Received the label 0.5 \(sample 3\)"),
    (np.eye(3)[[0, 1, 2, 0, 1, 2, 0, 1]], r"one class index per sample.*Received labels of "
     r"shape \(8, 3\). For one-hot labels use categorical_crossentropy."),
])
def test_sparse_labels_are_checked_against_the_output(classifier, labels, message):
    with pytest.raises(ValueError, match=message):
        classifier.fit(X, labels, verbose=0)
    with pytest.raises(ValueError, match=message):
        classifier.evaluate(X, labels, verbose=0)
    with pytest.raises(ValueError, match="validation"[:0] + message):
        classifier.fit(X, np.zeros(8), validation_data=(X, labels), verbose=0)


def test_ignore_class_labels_are_allowed():
    model = dense_model(3, "softmax", keras.losses.SparseCategoricalCrossentropy(ignore_class=-1))
    model.fit(X, np.array([0, 1, 2, -1, 0, 1, 2, -1]), verbose=0)
    assert np.isfinite(model.evaluate(X, np.array([0, 1, 2, -1, 0, 1, 2, -1]), verbose=0))


def test_binary_and_one_hot_labels_are_checked():
    binary = dense_model(1, "sigmoid", "binary_crossentropy", name="yes")
    with pytest.raises(ValueError, match=r"Output 'yes' is trained with binary_crossentropy, "
                                         r"whose labels must be in \[0, 1\]. Received the "
                                         r"label 2 \(sample 1\)"):
        binary.fit(X, np.array([0, 2, 1, 0, 1, 0, 1, 0]), verbose=0)
    binary.fit(X, np.full(8, 0.25), verbose=0)  # soft labels are fine
    onehot = dense_model(3, "softmax", "categorical_crossentropy")
    with pytest.raises(ValueError, match=re.escape(
            "Output 'probs' is trained with categorical_crossentropy, whose labels must be "
            "one-hot rows as wide as the output (3 classes). Received labels of shape (8, 4).")):
        onehot.fit(X, np.eye(4)[np.arange(8) % 4], verbose=0)


def test_set_weights_names_the_layer_that_owns_the_weight():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2, name="hidden"),
                              layers.Dense(1, name="head")])
    weights = model.get_weights()
    weights[2] = np.zeros((3, 1))
    with pytest.raises(ValueError, match=re.escape(
            "Layer 'head' (Dense) weight 'kernel' has shape (2, 1), but set_weights() (set "
            f"through '{model.name}') received an array of shape (3, 1).")):
        model.set_weights(weights)


def test_dict_keys_are_checked_with_did_you_mean():
    image = keras.Input((4,), name="image")
    meta = keras.Input((2,), name="meta")
    joined = layers.Concatenate()([image, meta])
    model = keras.Model([image, meta], [layers.Dense(3, activation="softmax", name="kind")(joined),
                                        layers.Dense(1, name="score")(joined)])
    model.compile("sgd", {"kind": "sparse_categorical_crossentropy", "score": "mse"})
    x = {"image": X, "meta": X[:, :2]}
    y = {"kind": np.zeros(8), "score": np.zeros(8)}
    with pytest.raises(ValueError, match=r"Missing data for model inputs \['image'\].*Unknown "
                                         r"key 'imag'. Did you mean 'image'\?"):
        model.fit({"imag": X, "meta": X[:, :2]}, y, verbose=0)
    with pytest.raises(ValueError, match=r"Missing targets for outputs \['score'\].*Unknown "
                                         r"key 'scores'. Did you mean 'score'\?"):
        model.fit(x, {"kind": np.zeros(8), "scores": np.zeros(8)}, verbose=0)
    with pytest.raises(ValueError, match=r"Unknown output name\(s\) \['kinds'\] in `loss_weights`"
                                         r".*Did you mean 'kind'\?"):
        model.compile("sgd", "mse", loss_weights={"kinds": 1.0})
    with pytest.raises(ValueError, match="Unknown output name.*in `metrics`.*Did you mean 'score'"):
        model.compile("sgd", "mse", metrics={"scor": "mae"})
    single = dense_model(3, "softmax", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"`sample_weight` has keys \['prob'\], but the model's "
                                         r"outputs are \['probs'\]. Unknown key 'prob'. Did you "
                                         r"mean 'probs'\?"):
        single.fit(X, np.zeros(8), sample_weight={"prob": np.ones(8)}, verbose=0)
    with pytest.raises(ValueError, match=r"`class_weight` has the key 3, which is not a class of "
                                         r"output 'probs' \(its classes are 0 .. 2\)"):
        single.fit(X, np.zeros(8), class_weight={0: 1.0, 3: 2.0}, verbose=0)
    with pytest.raises(ValueError, match="`class_weight` has the key 'cat'.*StringLookup"):
        single.fit(X, np.zeros(8), class_weight={"cat": 1.0}, verbose=0)
    history = single.fit(X, np.zeros(8), sample_weight={"probs": np.ones(8)},
                         class_weight={0: 1.0, 2: 3.0}, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_text_fed_to_a_numeric_input_points_to_string_lookup():
    model = keras.Sequential([keras.Input((1,), name="city"), layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(TypeError, match=r"Input 'city' is numeric \(float32\), but received text "
                                        r".*'Paris'.*StringLookup.*TextVectorization"):
        model.fit(np.array([["Paris"], ["Rome"]]), np.zeros(2), verbose=0)
    with pytest.raises(TypeError, match="Input 'city'.*StringLookup"):
        model.predict(np.array([[b"Paris"]]), verbose=0)
    with pytest.raises(TypeError, match="dtype object.*StringLookup"):
        model.predict(np.array([["Paris"]], dtype=object), verbose=0)


@pytest.mark.parametrize("writer", ["save", "save_weights", "ModelCheckpoint", "CSVLogger",
                                    "TensorBoard", "BackupAndRestore"])
def test_every_file_writer_creates_missing_parent_folders(tmp_path, writer):
    model = dense_model(1, None, "mse")
    folder = tmp_path / "not" / "yet"
    callbacks = {"ModelCheckpoint": lambda: keras.callbacks.ModelCheckpoint(str(folder / "m.keras")),
                 "CSVLogger": lambda: keras.callbacks.CSVLogger(str(folder / "log.csv")),
                 "TensorBoard": lambda: keras.callbacks.TensorBoard(str(folder)),
                 "BackupAndRestore": lambda: keras.callbacks.BackupAndRestore(
                     str(folder), delete_checkpoint=False)}
    if writer == "save":
        model.save(str(folder / "m.keras"))
    elif writer == "save_weights":
        model.save_weights(str(folder / "m.weights.h5"))
    else:
        model.fit(X, np.zeros(8), epochs=1, verbose=0, callbacks=[callbacks[writer]()])
    assert folder.is_dir() and any(folder.iterdir())


class _Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size=4):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, i):
        rows = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[rows], self.y[rows]


@pytest.mark.parametrize("source", ["generator", "PyDataset"])
def test_streamed_labels_are_checked_as_arrays_are(classifier, source):
    labels = np.array([0, 1, 1, 0, 1, 5, 0, 1])   # the bad label is in the second batch
    if source == "generator":
        data = ((X[i:i + 4], labels[i:i + 4]) for i in (0, 4))
    else:
        data = _Batches(X, labels)
    with pytest.raises(ValueError, match=r"Output 'probs' is trained with "
                                         r"sparse_categorical_crossentropy, whose labels must be "
                                         r"class indices in \[0, 3\) .*Received the label 5 "
                                         r"\(sample 1\)."):
        classifier.fit(data, epochs=1, verbose=0)
    binary = dense_model(1, "sigmoid", "binary_crossentropy", name="yes")
    with pytest.raises(ValueError, match=r"Output 'yes' .* in \[0, 1\]. Received the label 5"):
        binary.evaluate(_Batches(X, labels), verbose=0)
    onehot = dense_model(3, "softmax", "categorical_crossentropy")
    with pytest.raises(ValueError, match=r"one-hot rows as wide as the output \(3 classes\)"):
        onehot.fit(_Batches(X, np.eye(4)[labels % 4]), verbose=0)
