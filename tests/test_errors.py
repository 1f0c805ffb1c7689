"""Bad input at the public boundary gets a clear error naming the argument and the value
(docs/errors.md lists the checks)."""
import re

import keras as real_keras  # the real Keras 3 (KERAS_BACKEND=jax, tests/conftest.py)
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


WRITERS = ["save", "save_weights", "ModelCheckpoint", "CSVLogger", "TensorBoard",
           "BackupAndRestore"]


def write_into(folder, writer):
    """Writes a small model's files into `folder` through `writer`."""
    model = dense_model(1, None, "mse")
    if writer == "save":
        return model.save(str(folder / "m.keras"))
    if writer == "save_weights":
        return model.save_weights(str(folder / "m.weights.h5"))
    callback = {"ModelCheckpoint": lambda: keras.callbacks.ModelCheckpoint(str(folder / "m.keras")),
                "CSVLogger": lambda: keras.callbacks.CSVLogger(str(folder / "log.csv")),
                "TensorBoard": lambda: keras.callbacks.TensorBoard(str(folder)),
                "BackupAndRestore": lambda: keras.callbacks.BackupAndRestore(
                    str(folder), delete_checkpoint=False)}[writer]()
    model.fit(X, np.zeros(8), epochs=1, verbose=0, callbacks=[callback])


@pytest.mark.parametrize("writer", WRITERS)
def test_every_file_writer_creates_missing_parent_folders(tmp_path, writer):
    folder = tmp_path / "not" / "yet"
    write_into(folder, writer)
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


def _two_output_results(library, outputs_as, sample_weight):
    rs = np.random.RandomState(3)
    x = rs.rand(12, 4).astype("float32")
    y = {"kind": rs.randint(0, 3, 12), "score": rs.rand(12, 1).astype("float32")}
    inputs = library.Input((4,), name="x")
    kind = library.layers.Dense(3, activation="softmax", name="kind")(inputs)
    score = library.layers.Dense(1, name="score")(inputs)
    outputs = {"kind": kind, "score": score} if outputs_as == "dict" else [kind, score]
    model = library.Model(inputs, outputs)
    model.set_weights([w.astype("float32") for w in
                       (rs.normal(size=(4, 3)), np.zeros(3), rs.normal(size=(4, 1)), np.ones(1))])
    model.compile("sgd", {"kind": "sparse_categorical_crossentropy", "score": "mse"},
                  loss_weights={"kind": 1.0, "score": 0.5},
                  weighted_metrics={"kind": ["sparse_categorical_accuracy"], "score": ["mae"]})
    targets = y if outputs_as == "dict" else [y["kind"], y["score"]]
    return model.evaluate(x, targets, sample_weight=sample_weight, batch_size=5, verbose=0,
                          return_dict=True)


@pytest.mark.parametrize("outputs_as", ["dict", pytest.param("list", marks=pytest.mark.slow)])
def test_per_output_sample_weights_weigh_each_output_as_in_keras(outputs_as):
    rs = np.random.RandomState(4)
    weights = {"kind": rs.rand(12).astype("float32"), "score": rs.rand(12).astype("float32")}
    weights["kind"][[2, 7]] = 0.0
    given = weights if outputs_as == "dict" else [weights["kind"], weights["score"]]
    ours = _two_output_results(keras, outputs_as, given)
    theirs = _two_output_results(real_keras, outputs_as, given)
    assert set(ours) == set(theirs)
    for name in theirs:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-5, err_msg=name)
    unweighted = _two_output_results(keras, outputs_as, None)
    assert ours["kind_loss"] != unweighted["kind_loss"]


def test_per_output_sample_weight_keys_and_lengths_are_checked():
    image = keras.Input((4,), name="image")
    model = keras.Model(image, [layers.Dense(3, activation="softmax", name="kind")(image),
                                layers.Dense(1, name="score")(image)])
    model.compile("sgd", {"kind": "sparse_categorical_crossentropy", "score": "mse"})
    y = {"kind": np.zeros(8), "score": np.zeros(8)}
    with pytest.raises(ValueError, match=r"`sample_weight` has keys \['kinds'\], but the model's "
                                         r"outputs are \['kind', 'score'\]. Unknown key 'kinds'. "
                                         r"Did you mean 'kind'\?"):
        model.fit(X, y, sample_weight={"kinds": np.ones(8)}, verbose=0)
    with pytest.raises(ValueError, match="is a list of 3 arrays, but the model has 2 outputs"):
        model.fit(X, y, sample_weight=[np.ones(8)] * 3, verbose=0)
    with pytest.raises(ValueError, match=r"different numbers of samples \{'kind': 8, 'score': 6\}"):
        model.fit(X, y, sample_weight={"kind": np.ones(8), "score": np.ones(6)}, verbose=0)
    with pytest.raises(TypeError, match=r"`sample_weight\['score'\]` must be an array of numbers"):
        model.fit(X, y, sample_weight={"score": np.ones((8, 2))}, verbose=0)
    # an output left out of the dict weighs 1, as in tf.keras 2
    only_score = model.evaluate(X, y, sample_weight={"score": np.ones(8)}, verbose=0)
    np.testing.assert_allclose(only_score, model.evaluate(X, y, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("compile_kwargs, message", [
    ({"loss": {"kinds": "mse", "score": "mse"}},
     r"Unknown output name\(s\) \['kinds'\] in `loss`. The model's outputs are \['kind', "
     r"'score'\]. Did you mean 'kind'\?"),
    ({"loss": "mse", "weighted_metrics": {"scor": ["mae"]}},
     r"Unknown output name\(s\) \['scor'\] in `weighted_metrics`.*Did you mean 'score'\?"),
    ({"loss": ["mse"] * 3}, r"`loss` has 3 entries but the model has 2 outputs"),
    ({"loss": "mse", "metrics": [["mae"]] * 3}, r"`metrics` has 3 entries"),
    ({"loss": "mse", "loss_weights": [1.0]}, r"`loss_weights` has 1 entries"),
])
def test_per_output_compile_arguments_name_the_outputs(compile_kwargs, message):
    image = keras.Input((4,), name="image")
    model = keras.Model(image, [layers.Dense(3, activation="softmax", name="kind")(image),
                                layers.Dense(1, name="score")(image)])
    with pytest.raises(ValueError, match=message):
        model.compile("sgd", **compile_kwargs)


def test_loss_weights_must_be_numbers_and_subclassed_outputs_are_checked_at_fit():
    single = keras.Sequential([keras.Input((4,)), layers.Dense(1, name="out")])
    with pytest.raises(TypeError, match="The `loss_weights` entry of output 'out' must be a "
                                        "number. Received: 'heavy'"):
        single.compile("sgd", "mse", loss_weights={"out": "heavy"})

    class Scorer(keras.Model):
        def __init__(self):
            super().__init__()
            self.head = layers.Dense(1)

        def call(self, x):
            return self.head(x)
    scorer = Scorer()
    scorer.compile("sgd", {"outputs": "mse"})   # outputs unknown until the model is called
    with pytest.raises(ValueError, match=r"\['outputs'\] in `loss`. The model's outputs are "
                                         r"\['output'\]. Did you mean 'output'\?"):
        scorer.fit(X, np.zeros(8), verbose=0)


def _hidden_head(hidden_units, use_bias=True):
    features = keras.Input((3,), name="features")
    hidden = layers.Dense(hidden_units, name="hidden", use_bias=use_bias)(features)
    return keras.Model(features, layers.Dense(2, name="head")(hidden), name="net")


def test_set_weights_with_a_wrong_count_names_where_the_arrays_stop_fitting():
    model = _hidden_head(4)
    weights = model.get_weights()
    with pytest.raises(ValueError, match=re.escape(
            "Layer 'net' expects 4 weights, but set_weights() received 3. The first 3 arrays "
            "fit; missing: layer 'head' weight 'bias' of shape (2,).")):
        model.set_weights(weights[:3])
    with pytest.raises(ValueError, match=re.escape(
            "received 5. Layer 'head' (Dense) weight 'kernel' has shape (4, 2), but "
            "set_weights() (set through 'net') received an array of shape (4,).")):
        model.set_weights(weights[:2] + [np.ones(4)] + weights[2:])


@pytest.mark.parametrize("file_name", ["m.weights.h5", "m.keras", "m.h5"])
def test_load_weights_names_the_layer_whose_weights_do_not_fit(tmp_path, file_name):
    saved = _hidden_head(4)
    path = str(tmp_path / file_name)
    saved.save_weights(path) if file_name.endswith(".weights.h5") else saved.save(path)
    with pytest.raises(ValueError, match=r"Cannot load weights from .*layer 'hidden' \(Dense\).*"
                                         r"\(3, 5\).*\(3, 4\)"):
        _hidden_head(5).load_weights(path)
    with pytest.raises(ValueError, match=r"Cannot load weights from .*layer 'hidden' \(Dense\)"):
        _hidden_head(4, use_bias=False).load_weights(path)


def test_data_of_the_wrong_width_names_the_input_and_the_layer_it_feeds():
    model = _hidden_head(4)
    with pytest.raises(ValueError, match=re.escape(
            "Input 'features' of model 'net' is incompatible with the data: the model expects "
            "shape (None, 3), but received data of shape (2, 4). The input feeds layer 'hidden' "
            "(Dense).")):
        model.predict(np.ones((2, 4)), verbose=0)
    with pytest.raises(ValueError, match=re.escape(
            "Input of layer 'hidden' (Dense) is incompatible with the layer: expected last "
            "dimension 3 (kernel shape (3, 4)), but received input of shape (2, 4).")):
        model(np.ones((2, 4), "float32"))
    built_on_data = keras.Sequential([layers.Dense(4, name="first"), layers.Dense(1)])
    built_on_data.predict(np.ones((2, 3)), verbose=0)
    with pytest.raises(ValueError, match=r"received data of shape \(2, 5\). The input feeds "
                                         r"layer 'first' \(Dense\)."):
        built_on_data.predict(np.ones((2, 5)), verbose=0)


@pytest.mark.parametrize("make, message", [
    (lambda: keras.optimizers.Adam(learning_rate=-0.1),
     "`learning_rate` of Adam must be a number >= 0. Received: learning_rate=-0.1"),
    (lambda: keras.optimizers.Adam(beta_1=1.5), r"`beta_1` of Adam must be a number in \[0, 1\)"),
    (lambda: keras.optimizers.Nadam(beta_2=1.0), r"`beta_2` of Nadam must be a number in \[0, 1\)"),
    (lambda: keras.optimizers.Adam(epsilon=-1), "`epsilon` of Adam must be a number >= 0"),
    (lambda: keras.optimizers.RMSprop(rho=2), "`rho` of RMSprop must be a number from 0 to 1"),
    (lambda: keras.optimizers.Adagrad(initial_accumulator_value=-1),
     "`initial_accumulator_value` of Adagrad"),
    (lambda: keras.optimizers.SGD(clipnorm=-1), "`clipnorm` of SGD must be a number > 0 or None"),
    (lambda: keras.losses.CategoricalCrossentropy(label_smoothing=2),
     "`label_smoothing` of CategoricalCrossentropy must be a number from 0 to 1"),
    (lambda: keras.losses.Huber(delta=-1), "`delta` of Huber must be a number > 0"),
    (lambda: keras.metrics.TopKCategoricalAccuracy(k=0),
     "`k` of TopKCategoricalAccuracy must be an integer >= 1. Received: k=0"),
    (lambda: keras.metrics.Precision(top_k=0), "`top_k` of Precision must be an integer >= 1"),
    (lambda: keras.metrics.Recall(class_id=-1), "`class_id` of Recall must be an integer >= 0"),
    (lambda: keras.initializers.RandomNormal(stddev=-1), "`stddev` of RandomNormal must be a "
                                                         "number >= 0"),
    (lambda: keras.initializers.RandomUniform(2, 1), "`maxval` of RandomUniform must be a number "
                                                     ">= 2. Received: maxval=1"),
    (lambda: keras.initializers.Orthogonal(gain="x"), "`gain` of Orthogonal must be a number. "
                                                      "Received: gain='x' .of type str."),
    (lambda: keras.constraints.MaxNorm(-1), "`max_value` of MaxNorm must be a number >= 0"),
    (lambda: keras.constraints.MinMaxNorm(rate=2), "`rate` of MinMaxNorm"),
    (lambda: keras.callbacks.EarlyStopping(patience=-1), "`patience` of EarlyStopping must be "
                                                         "an integer >= 0"),
    (lambda: keras.callbacks.ReduceLROnPlateau(factor=0), r"`factor` of ReduceLROnPlateau must "
                                                          r"be a number in \(0, 1\)"),
    (lambda: keras.callbacks.ReduceLROnPlateau(cooldown=-1), "`cooldown` of ReduceLROnPlateau"),
    (lambda: keras.callbacks.CSVLogger("log.csv", separator=3), "`separator` of CSVLogger must "
                                                                "be one character"),
    (lambda: keras.utils.set_random_seed(-1), "`seed` of set_random_seed.. must be an integer "
                                              "from 0 to 4294967295. Received: seed=-1"),
    (lambda: keras.utils.set_random_seed("x"), "Received: seed='x'"),
    (lambda: layers.Concatenate(axis="a"), "`axis` of Concatenate must be an integer"),
    (lambda: layers.Dot(axes=(1, 2, 3)), "`axes` of Dot must be an integer or a pair"),
    (lambda: layers.TextVectorization(max_tokens=0), "`max_tokens` of TextVectorization"),
    (lambda: layers.TextVectorization(output_sequence_length=0),
     "`output_sequence_length` of TextVectorization must be an integer >= 1"),
    (lambda: layers.TextVectorization(ngrams=0), "`ngrams` of TextVectorization"),
    (lambda: layers.ELU(alpha="x"), "`alpha` of ELU must be a number. Received"),
])
def test_optimizers_losses_metrics_initializers_and_callbacks_check_ranges(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_input_dtypes_are_checked_and_text_dtypes_point_to_string_lookup():
    with pytest.raises(TypeError, match="`dtype` of Input must be a numeric dtype such as "
                                        "'float32' or 'int32'. Received: dtype='floot32'. Did "
                                        "you mean 'float32'?"):
        keras.Input((4,), dtype="floot32")
    with pytest.raises(TypeError, match="`dtype` of Input must be numeric.*StringLookup.*"
                                        "TextVectorization"):
        keras.Input((1,), dtype="string")
    assert keras.Input((2,), dtype=np.int64).dtype == "int64"


def test_text_labels_and_non_numeric_class_weights_are_refused(classifier):
    with pytest.raises(TypeError, match="Output 'probs' received text labels .*'cat'.*"
                                        "StringLookup"):
        classifier.fit(X, np.array(["cat", "dog"] * 4), verbose=0)
    with pytest.raises(TypeError, match="Output 'probs' received text labels"):
        classifier.train_on_batch(X, np.array(["cat", "dog"] * 4))
    with pytest.raises(ValueError, match="`class_weight.0.` must be a number. Received: "
                                         "class_weight.0.='a'"):
        classifier.fit(X, np.zeros(8), class_weight={0: "a"}, verbose=0)


def test_merge_shape_errors_name_the_layer_and_the_symbolic_shapes():
    with pytest.raises(ValueError, match=re.escape(
            "Layer 'plus' (Add) needs inputs of matching shapes. Received shapes "
            "[(None, 4), (None, 5)]")):
        layers.Add(name="plus")([keras.Input((4,)), keras.Input((5,))])
    with pytest.raises(ValueError, match=re.escape(
            "Layer 'score' (Dot) multiplies axis 1 of its first input with axis 1 of its "
            "second, which must have the same size. Received shapes (None, 4) and (None, 5)")):
        layers.Dot(axes=1, name="score")([keras.Input((4,)), keras.Input((5,))])


@pytest.mark.parametrize("writer", WRITERS)
def test_every_file_writer_names_the_file_in_the_way_of_a_folder(tmp_path, writer):
    blocker = tmp_path / "notes"
    blocker.write_text("")
    folder = blocker / "runs"
    with pytest.raises(NotADirectoryError, match=f"Cannot write '{re.escape(str(folder))}.*': "
                                                 f"'{re.escape(str(blocker))}' is a file, not "
                                                 "a folder"):
        write_into(folder, writer)


def test_model_from_json_refuses_text_that_is_not_json():
    with pytest.raises(ValueError, match=r"model_from_json\(\) needs the JSON text that "
                                         r"model.to_json\(\) returns"):
        keras.models.model_from_json("{bad")


def test_normalization_checks_its_statistics_against_the_input():
    adapted = layers.Normalization(name="norm")
    adapted.adapt(np.ones((4, 3)))
    with pytest.raises(ValueError, match=re.escape(
            "Input of Normalization layer 'norm' has shape (2, 5), but its statistics (adapted "
            "or given) have shape (1, 3) for axis=(-1,).")):
        adapted(np.ones((2, 5)))
    with pytest.raises(ValueError, match="`variance` of Normalization must hold numbers >= 0"):
        layers.Normalization(mean=0.0, variance=-1.0)


def test_a_loss_that_cannot_compare_labels_and_predictions_names_the_output():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2, name="out")])
    model.compile("sgd", "mse")
    with pytest.raises(TypeError, match=re.escape(
            "The loss of output 'out' (mse) cannot compare labels of shape (None, 3) with "
            "predictions of shape (None, 2)")):
        model.fit(X, np.ones((8, 3)), verbose=0)


def test_layers_called_on_text_and_models_fed_no_samples_say_so(classifier):
    with pytest.raises(TypeError, match=r"Layer 'words' \(Embedding\) computes on numbers, but "
                                        r"received text .*StringLookup"):
        layers.Embedding(5, 2, name="words")(np.array([["cat"]]))
    with pytest.raises(ValueError, match=r"Expected input data to be non-empty: `x` holds 0 "
                                         r"samples \(shapes \[\(0, 4\)\]\)"):
        classifier.predict(np.zeros((0, 4)), verbose=0)


def test_layer_names_are_strings_and_unique_within_a_model():
    with pytest.raises(TypeError, match="`name` of Dense must be a string. Received: name=3"):
        layers.Dense(3, name=3)
    with pytest.raises(ValueError, match="unique names. Name 'hidden' is already the name of a "
                                         "layer in model"):
        keras.Sequential([keras.Input((2,)), layers.Dense(3, name="hidden"),
                          layers.Dense(3, name="hidden")])
    features = keras.Input((2,))
    hidden = layers.Dense(3, name="hidden")(features)
    with pytest.raises(ValueError, match="The name 'hidden' is used 2 times in the model"):
        keras.Model(features, layers.Dense(1, name="hidden")(hidden))


def test_single_output_lists_of_loss_and_loss_weights_are_one_per_output():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1, name="out")])
    model.compile("sgd", ["mse"], loss_weights=[0.5])
    assert model.evaluate(X, np.zeros(8), verbose=0) == pytest.approx(
        0.5 * np.mean(model.predict(X, verbose=0) ** 2), rel=1e-5)
    with pytest.raises(ValueError, match=r"`loss` has 2 entries but the model has 1 outputs"):
        model.compile("sgd", ["mse", "mae"])


@pytest.mark.parametrize("call, error, message", [
    (lambda model: model.compile("sgd", "mse", steps_per_execution=0), ValueError,
     "`steps_per_execution` of compile.. must be an integer >= 1"),
    (lambda model: model.summary(positions=[0.5, 0.2]), ValueError,
     r"`positions` of summary.. must hold 3 increasing column ends"),
    (lambda model: model.layers[0].set_weights(None), TypeError,
     "set_weights.. of layer 'probs' takes a list of NumPy arrays"),
    (lambda model: model.get_layer(), ValueError, "Provide either a layer name or layer index"),
    (lambda model: keras.models.clone_model(3), TypeError, "clone_model.. takes a Model"),
    (lambda model: keras.models.model_from_json(model.to_json(), custom_objects=3), TypeError,
     "`custom_objects` of model_from_json.. must be a dict"),
    (lambda model: layers.Layer(name="scale").add_weight(shape=(-1,)), ValueError,
     r"`shape` of add_weight.. in layer 'scale' must hold sizes >= 0"),
    (lambda model: keras.utils.pad_sequences([[1]], dtype="floot"), TypeError,
     "`dtype` of pad_sequences.. must be a NumPy dtype"),
    (lambda model: keras.backend.set_floatx("float31"), ValueError, "Unknown `floatx` value"),
    (lambda model: keras.backend.set_epsilon(-1), ValueError, "`epsilon` must be a number >= 0"),
])
def test_model_and_backend_helpers_check_their_arguments(classifier, call, error, message):
    with pytest.raises(error, match=message):
        call(classifier)


def test_a_misspelt_monitor_gets_did_you_mean():
    model = dense_model(1, None, "mse")
    data = (X, np.zeros(8))
    with pytest.raises(ValueError, match=r"The logs hold \['loss', 'val_loss'\]. Did you mean "
                                         r"'val_loss'\?"):
        model.fit(*data, validation_data=data, verbose=0,
                  callbacks=[keras.callbacks.EarlyStopping(monitor="val_los")])
    with pytest.warns(keras.callbacks.CallbackWarning, match="Did you mean 'val_loss'"):
        model.fit(*data, validation_data=data, verbose=0,
                  callbacks=[keras.callbacks.ReduceLROnPlateau(monitor="val_los", mode="min")])


def test_category_encoding_dropout_and_discretization_check_their_inputs():
    with pytest.raises(ValueError, match=re.escape(
            "CategoryEncoding layer 'colors' received index 5, outside [0, 3) for num_tokens=3")):
        layers.CategoryEncoding(3, name="colors")(np.array([[0, 5]]))
    encoded = keras.Sequential([keras.Input((2,), dtype="int32"),
                                layers.CategoryEncoding(3, output_mode="multi_hot", name="hot")])
    with pytest.raises(ValueError, match="CategoryEncoding layer 'hot' received index 3"):
        encoded.predict(np.array([[0, 3]]), verbose=0)   # checked on the host, before the step
    with pytest.raises(ValueError, match=re.escape(
            "`noise_shape` of Dropout layer 'drop' must hold, for each axis of the input, None, "
            "1 or the input's size. Received: noise_shape=(1, 5) for an input of shape (2, 3)")):
        layers.Dropout(0.5, noise_shape=(1, 5), name="drop")(np.ones((2, 3)), training=True)
    with pytest.raises(ValueError, match="`bin_boundaries` of Discretization must be sorted"):
        layers.Discretization(bin_boundaries=[3.0, 1.0])
