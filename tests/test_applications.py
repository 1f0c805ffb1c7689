"""Keras Applications: architectures (parameter counts, layer names), Keras 2-layout h5
weight loading, the weights cache and offline errors, preprocessing and class names."""
import json
import urllib.error

import h5py
import keras as real_keras
import numpy as np
import pytest
from shared_files import KERAS_FILES  # noqa: E402

import neurx as keras
from neurx import applications, layers
from neurx.applications import imagenet_utils
from neurx.applications.weights import load_h5_weights
from neurx.saving.model_config import model_layers
from neurx.support import file_utils

rs = np.random.RandomState(0)


@pytest.fixture
def models_cache(tmp_path, monkeypatch):
    """An empty models cache and no network: downloads fail as they do offline."""
    monkeypatch.setenv("NEURX_HOME", str(tmp_path / "neurx"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")
    monkeypatch.setattr(file_utils, "_urlopen", offline)
    folder = tmp_path / "neurx" / "models"
    folder.mkdir(parents=True)
    return folder


# --------------------------------------------------------------------------- architectures
@pytest.mark.slow
@pytest.mark.parametrize("name,count", [("Xception", 22910480), ("InceptionV3", 23851784),
                                        ("ResNet50", 25636712), ("VGG16", 138357544),
                                        ("MobileNetV2", 3538984)])
def test_parameter_counts_match_keras(name, count):
    model = getattr(applications, name)(weights=None)
    assert model.count_params() == count
    assert model.output_shape == (None, 1000)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Xception", "InceptionV3", "ResNet50", "MobileNetV2"])
def test_layer_names_order_and_weight_shapes_match_keras(name):
    real_keras.backend.clear_session()
    theirs = getattr(real_keras.applications, name)(weights=None, include_top=False)
    ours = getattr(applications, name)(weights=None, include_top=False)
    assert ours.name == theirs.name
    assert [l.name for l in model_layers(ours)] == [l.name for l in theirs.layers]
    for a, b in zip(model_layers(ours), theirs.layers):
        assert [w.shape for w in a.weights] == [tuple(w.shape) for w in b.weights], a.name


def test_small_builds_have_keras_names_and_shapes():
    model = applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None,
                                     include_top=False, pooling="avg")
    assert model.name == "mobilenetv2_0.35_96" and model.output_shape == (None, 1280)
    assert model.count_params() == 410208  # Keras 3: the same
    names = [l.name for l in model.layers]
    assert {"Conv1", "bn_Conv1", "expanded_conv_depthwise", "block_16_project_BN",
            "Conv_1_bn", "out_relu"} <= set(names)
    assert model.get_layer("block_1_pad").padding == ((0, 1), (0, 1))


def test_input_tensor_is_used_and_source_inputs_found():
    image = keras.Input(shape=(64, 64, 3))
    scaled = layers.Rescaling(1 / 127.5, offset=-1)(image)
    model = applications.VGG16(weights=None, include_top=False, input_tensor=scaled,
                               pooling="max")
    assert model.inputs[0] is image if isinstance(model.inputs, list) else model.inputs is image
    assert model.output_shape == (None, 512)
    assert model.layers[-1].name.startswith("global_max_pooling2d")


@pytest.mark.parametrize("kwargs,match", [
    ({"weights": "imagenette"}, r"`weights` argument.*Received: weights='imagenette'"),
    ({"weights": "imagenet", "classes": 10}, r"`classes` must be 1000.*Received: classes=10"),
    ({"weights": None, "input_shape": (None, None, 3)}, "static `input_shape`"),
    ({"weights": None, "include_top": False, "input_shape": (20, 20, 3)},
     "at least 32x32.*Received: input_shape=\\(20, 20, 3\\)"),
    ({"weights": None, "include_top": False, "pooling": "mean"}, "`pooling`.*'mean'"),
    ({"weights": "imagenet", "classifier_activation": "relu"}, "classifier_activation"),
    ({"weights": None, "input_tensor": np.zeros((1, 32, 32, 3))}, "`input_tensor`.*symbolic"),
])
def test_argument_errors_are_explained(kwargs, match):
    with pytest.raises(ValueError, match=match):
        applications.VGG16(**kwargs)


# --------------------------------------------------------------------------- weight files
def _write_keras2_h5(model, path):
    """The layout of Keras Applications' files: `<layer>/<layer>/<weight>:0`, Keras's order."""
    with h5py.File(path, "w") as f:
        ordered = model_layers(model)
        f.attrs["layer_names"] = [l.name.encode() for l in ordered]
        for layer in ordered:
            group = f.create_group(layer.name)
            names = [f"{layer.name}/{w.name}:0".encode() for w in layer.weights]
            group.attrs["weight_names"] = names
            for name, value in zip(names, layer.get_weights()):
                group[name.decode()] = value


def _randomize(model):
    model.set_weights([rs.normal(scale=0.2, size=w.shape).astype("float32") +
                       (1.0 if "variance" in w.name else 0.0) for w in model.weights])


def test_imagenet_weights_come_from_the_models_cache(models_cache):
    kwargs = dict(input_shape=(96, 96, 3), alpha=0.35, include_top=False)
    source = applications.MobileNetV2(weights=None, **kwargs)
    _randomize(source)
    path = models_cache / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    _write_keras2_h5(source, path)
    expected = {l.name: l.get_weights() for l in source.layers if l.weights}
    for weights in ("imagenet", str(path)):
        model = applications.MobileNetV2(weights=weights, **kwargs)
        loaded = [l for l in model.layers if l.weights]
        assert len(loaded) == len(expected) == 104
        for layer in loaded:
            for got, want in zip(layer.get_weights(), expected[layer.name], strict=True):
                np.testing.assert_array_equal(got, want)


def test_missing_imagenet_weights_offline_name_file_and_folder(models_cache):
    with pytest.raises(OSError, match=r"vgg16_weights_tf_dim_ordering_tf_kernels_notop\.h5"
                                      r".*storage\.googleapis\.com.*" +
                                      str(models_cache).replace("/", ".")):
        applications.VGG16(include_top=False, weights="imagenet")


def _mini_inception(lib):
    """Unnamed conv/BN pairs in branches (as InceptionV3), plus a named residual path."""
    L = lib.layers
    inputs = lib.Input(shape=(12, 12, 3))

    def conv_bn(x, filters, k, strides=1, padding="same"):
        x = L.Conv2D(filters, k, strides=strides, padding=padding, use_bias=False)(x)
        return L.Activation("relu")(L.BatchNormalization(scale=False)(x))

    a = conv_bn(inputs, 4, 1)
    b = conv_bn(conv_bn(inputs, 3, 1), 4, 3)
    c = conv_bn(L.AveragePooling2D(3, strides=1, padding="same")(inputs), 4, 1)
    x = L.concatenate([a, b, c], name="mixed0")
    shortcut = L.Conv2D(12, 1, name="shortcut")(inputs)
    x = L.add([x, shortcut])
    x = L.SeparableConv2D(6, 3, strides=2, name="sep")(x)
    x = L.GlobalAveragePooling2D(name="avg_pool")(x)
    return lib.Model(inputs, L.Dense(5, name="predictions")(x))


def test_keras_saved_h5_loads_in_keras_layer_order(tmp_path):
    real_keras.backend.clear_session()
    theirs = _mini_inception(real_keras)
    theirs.set_weights([rs.normal(scale=0.3, size=w.shape).astype("float32") +
                        (1.0 if "variance" in w.name else 0.0) for w in theirs.weights])
    path = str(tmp_path / "mini.h5")
    theirs.save(path)
    keras.backend.clear_session()
    keras.layers.Conv2D(1, 1)  # our automatic names now differ from the file's
    ours = _mini_inception(keras)
    load_h5_weights(ours, path)
    x = rs.normal(size=(3, 12, 12, 3)).astype("float32")
    np.testing.assert_allclose(ours(x), theirs(x, training=False), rtol=1e-5, atol=1e-5)


def test_weight_file_mismatches_are_explained(tmp_path):
    source = keras.Sequential([layers.Conv2D(4, 3, input_shape=(8, 8, 3), name="c1"),
                               layers.Flatten(), layers.Dense(2, name="d1")])
    path = str(tmp_path / "w.h5")
    _write_keras2_h5(source, path)
    other = keras.Sequential([layers.Conv2D(5, 3, input_shape=(8, 8, 3), name="c1"),
                              layers.Flatten(), layers.Dense(2, name="d1")])
    with pytest.raises(ValueError, match=r"layer 'c1' \(Conv2D\).*\(3, 3, 3, 5\).*"
                                         r"file's layer 'c1' has \[\(3, 3, 3, 4\)"):
        load_h5_weights(other, path)
    fewer = keras.Sequential([layers.Flatten(input_shape=(8, 8, 3)), layers.Dense(2)])
    with pytest.raises(ValueError, match="file has weights for 2 layers.*model has 1"):
        load_h5_weights(fewer, path)
    before = other.get_weights()
    with pytest.warns(UserWarning, match="skip_mismatch"):   # Keras warns on skipped layers too
        load_h5_weights(other, path, by_name=True, skip_mismatch=True)  # both layers differ
    assert all(np.array_equal(a, b) for a, b in zip(before, other.get_weights()))


# --------------------------------------------------------------------------- zoo files
def _rebuild(model_config):
    """A neurx model from a Keras 3 model config, by hand (no load_model yet)."""
    def make(layer_config):
        cls = getattr(layers, layer_config["class_name"])
        cfg = {k: v for k, v in layer_config["config"].items() if k != "quantization_config"}
        return cls.from_config(cfg)

    config = model_config["config"]
    if model_config["class_name"] == "Sequential":
        first = config["layers"][0]["config"]
        batch_shape = first.get("batch_shape") or first["batch_input_shape"]  # Keras 3 / 2
        return keras.Sequential([keras.Input(batch_shape=batch_shape)] +
                                [make(l) for l in config["layers"][1:]])
    tensors = {}
    for layer_config in config["layers"]:
        if layer_config["class_name"] == "InputLayer":
            c = layer_config["config"]
            tensors[c["name"]] = keras.Input(batch_shape=c["batch_shape"], name=c["name"])
            continue
        layer = make(layer_config)
        (node,) = layer_config["inbound_nodes"]

        def resolve(arg):
            if isinstance(arg, dict) and arg.get("class_name") == "__keras_tensor__":
                return tensors[arg["config"]["keras_history"][0]]
            if isinstance(arg, list):
                return [resolve(a) for a in arg]
            return arg
        tensors[layer.name] = layer(*resolve(node["args"]), **node["kwargs"])
    return keras.Model(tensors[config["input_layers"][0]], tensors[config["output_layers"][0]])


@pytest.mark.parametrize("stem", ["zoo/residual", "zoo/sepconv_bn", "zoo/imdb_conv1d",
                                  "best-cnn-model"])
def test_saved_files_load_and_reproduce_golden_outputs(stem):
    """Keras 3.15's .h5 files, and the Fashion CNN of ch. 8 saved by Keras 2.11."""
    with h5py.File(f"{KERAS_FILES}/{stem}.h5", "r") as f:
        model_config = json.loads(f.attrs["model_config"])
    model = _rebuild(model_config)
    load_h5_weights(model, f"{KERAS_FILES}/{stem}.h5")
    golden = dict(np.load(f"{KERAS_FILES}/{stem}.golden.npz"))
    if "h5_format" in golden:
        golden = {"x0": golden["x"], "y0": golden["h5_format"]}
    for i in range(len([k for k in golden if k.startswith("x")])):
        out = model.predict(golden[f"x{i}"], verbose=0)
        np.testing.assert_allclose(out, golden[f"y{i}"], rtol=1e-5, atol=1e-5)


# --------------------------------------------------------------------------- pre/post-processing
@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format,shape", [("channels_last", (2, 4, 5, 3)),
                                               ("channels_first", (2, 3, 4, 5)),
                                               ("channels_last", (4, 5, 3)),
                                               ("channels_first", (3, 4, 5))])
def test_preprocess_input_matches_keras(mode, data_format, shape):
    from keras.src.applications import imagenet_utils as keras_utils
    x = rs.uniform(0, 255, size=shape).astype("float32")
    expected = keras_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    ours = imagenet_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-5)
    on_device = imagenet_utils.preprocess_input(keras.ops.convert_to_tensor(x),
                                                data_format=data_format, mode=mode)
    np.testing.assert_allclose(np.asarray(on_device), expected, rtol=1e-6, atol=1e-4)


def test_model_modules_preprocess_in_their_family_style():
    x = np.full((1, 2, 2, 3), 255.0, "float32")
    assert applications.xception.preprocess_input(x.copy()).max() == 1.0
    assert applications.inception_v3.preprocess_input(x.copy()).max() == 1.0
    assert applications.mobilenet_v2.preprocess_input(x.copy()).max() == 1.0
    caffe = np.array([255 - 103.939, 255 - 116.779, 255 - 123.68], "float32")
    np.testing.assert_allclose(applications.vgg16.preprocess_input(x.copy())[0, 0, 0], caffe,
                               rtol=1e-6)
    np.testing.assert_allclose(applications.resnet50.preprocess_input(x.copy())[0, 0, 0],
                               caffe, rtol=1e-6)
    ints = applications.vgg16.preprocess_input(np.zeros((1, 1, 1, 3), "uint8"))
    assert ints.dtype == np.float32
    with pytest.raises(ValueError, match="mode.*Received: mode='keras'"):
        imagenet_utils.preprocess_input(x, mode="keras")


def test_decode_predictions_reads_the_cached_class_index(models_cache, monkeypatch):
    from keras.src.applications import imagenet_utils as keras_utils
    index = {str(i): [f"n{i:08d}", f"label_{i}"] for i in range(1000)}
    (models_cache / "imagenet_class_index.json").write_text(json.dumps(index))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", None)  # a stand-in, not Keras's file
    monkeypatch.setattr(imagenet_utils, "_class_index", None)
    monkeypatch.setattr(keras_utils, "CLASS_INDEX", index)
    preds = rs.dirichlet(np.ones(1000), size=3).astype("float32")
    ours = applications.resnet50.decode_predictions(preds, top=3)
    theirs = keras_utils.decode_predictions(preds, top=3)
    assert [[t[:2] for t in row] for row in ours] == [[t[:2] for t in row] for row in theirs]
    np.testing.assert_allclose([[t[2] for t in row] for row in ours],
                               [[t[2] for t in row] for row in theirs])
    with pytest.raises(ValueError, match=r"\(samples, 1000\).*\(3, 10\)"):
        imagenet_utils.decode_predictions(np.zeros((3, 10)))


def test_decode_predictions_offline_names_the_class_index_file(models_cache, monkeypatch):
    monkeypatch.setattr(imagenet_utils, "_class_index", None)
    with pytest.raises(OSError, match="imagenet_class_index.json.*" +
                                      str(models_cache).replace("/", ".")):
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))


def test_frozen_base_fine_tuning_setup_trains_the_head():
    base = applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, weights=None,
                                    include_top=False, pooling="avg")
    base.trainable = False
    model = keras.Sequential([keras.Input(shape=(32, 32, 3)), base, layers.Dense(3)])
    frozen = [w.copy() for w in base.get_weights()]
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = rs.uniform(-1, 1, size=(16, 32, 32, 3)).astype("float32")
    model.fit(x, rs.randint(0, 3, size=16), epochs=1, batch_size=8, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(frozen, base.get_weights()))
    assert len(model.trainable_weights) == 2
