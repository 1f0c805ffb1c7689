"""Names Keras 3 (and tf.keras 2) expose in a second place: the same objects in neurx."""
import warnings

import numpy as np
import pytest

import neurx
from neurx.legacy import LegacyArgumentWarning

UTILS_FROM_SAVING = ["CustomObjectScope", "custom_object_scope", "deserialize_keras_object",
                     "get_custom_objects", "get_registered_name", "get_registered_object",
                     "register_keras_serializable", "serialize_keras_object"]
TOP_LEVEL = {"Initializer": "initializers", "Loss": "losses", "Metric": "metrics",
             "Optimizer": "optimizers", "Regularizer": "regularizers"}
PREPROCESSING = ["CategoryEncoding", "Discretization", "IntegerLookup", "Normalization",
                 "Rescaling", "StringLookup", "TextVectorization"]


@pytest.fixture
def keras():
    return pytest.importorskip("keras")


@pytest.mark.parametrize("name", UTILS_FROM_SAVING)
def test_utils_names_are_the_saving_functions_as_in_keras(keras, name):
    assert getattr(keras.utils, name) is getattr(keras.saving, name)
    assert getattr(neurx.utils, name) is getattr(neurx.saving, name)
    assert name in dir(neurx.utils)


def test_utils_clear_session_is_the_backend_one_as_in_keras(keras):
    assert keras.utils.clear_session is keras.backend.clear_session
    assert neurx.utils.clear_session is neurx.backend.clear_session
    assert neurx.layers.Dense(1).name == "dense"
    neurx.utils.clear_session()
    assert neurx.layers.Dense(1).name == "dense"


def test_an_unknown_utils_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="'neurx.utils' has no attribute 'no_such_helper'"):
        neurx.utils.no_such_helper


def test_registering_through_utils_round_trips_a_custom_layer():
    @neurx.utils.register_keras_serializable(package="Aliases")
    class Doubler(neurx.layers.Layer):
        def call(self, inputs):
            return 2 * inputs

    assert neurx.utils.get_registered_name(Doubler) == "Aliases>Doubler"
    assert neurx.utils.get_registered_object("Aliases>Doubler") is Doubler
    config = neurx.utils.serialize_keras_object(Doubler(name="twice"))
    restored = neurx.utils.deserialize_keras_object(config)
    assert isinstance(restored, Doubler) and restored.name == "twice"


def test_custom_object_scope_from_utils(tmp_path):
    class Halver(neurx.layers.Layer):
        def call(self, inputs):
            return inputs / 2

    model = neurx.Sequential([neurx.Input((2,)), Halver()])
    path = str(tmp_path / "halver.keras")
    model.save(path)
    with neurx.utils.custom_object_scope({"Halver": Halver}):
        assert neurx.utils.get_custom_objects() is neurx.saving.get_custom_objects()
        restored = neurx.models.load_model(path)
    with neurx.utils.CustomObjectScope({"Halver": Halver}):
        neurx.models.load_model(path)
    np.testing.assert_array_equal(restored.predict(np.ones((1, 2)), verbose=0), [[0.5, 0.5]])


@pytest.mark.parametrize("name,module", TOP_LEVEL.items())
def test_top_level_base_classes_as_in_keras(keras, name, module):
    assert getattr(keras, name) is getattr(getattr(keras, module), name)
    assert getattr(neurx, name) is getattr(getattr(neurx, module), name)


def test_top_level_loss_subclass_trains():
    class HalfSquared(neurx.Loss):
        def call(self, y_true, y_pred):
            return 0.5 * neurx.ops.mean((y_true - y_pred) ** 2, axis=-1)

    model = neurx.Sequential([neurx.Input((1,)), neurx.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=HalfSquared())
    x = np.ones((8, 1), "float32")
    history = model.fit(x, 3 * x, epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]


def _lambda_model():
    return neurx.Sequential([neurx.Input((2,)), neurx.layers.Lambda(lambda x: x * 3)])


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_enable_unsafe_deserialization_loads_lambdas(ext, tmp_path, monkeypatch):
    monkeypatch.setitem(neurx.config._settings, "unsafe_deserialization", False)
    path = str(tmp_path / f"lambda{ext}")
    _lambda_model().save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        neurx.models.load_model(path)
    neurx.config.enable_unsafe_deserialization()
    assert neurx.config.unsafe_deserialization_enabled()
    restored = neurx.models.load_model(path, safe_mode=True)   # Keras: the global setting wins
    np.testing.assert_array_equal(restored.predict(np.ones((1, 2)), verbose=0), [[3.0, 3.0]])


def test_keras_also_lets_the_global_setting_win(keras, tmp_path):
    path = str(tmp_path / "lambda.keras")
    keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda x: x * 3)]).save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.saving.load_model(path)
    keras.config.enable_unsafe_deserialization()
    try:
        restored = keras.saving.load_model(path, safe_mode=True)
    finally:
        keras.utils.clear_session()   # Keras keeps the setting in its session state
    np.testing.assert_array_equal(restored.predict(np.ones((1, 2)), verbose=0), [[3.0, 3.0]])


@pytest.mark.parametrize("name", PREPROCESSING)
def test_experimental_preprocessing_path_is_the_same_class(name):
    with pytest.warns(LegacyArgumentWarning, match=f"use `keras.layers.{name}`"):
        found = getattr(neurx.layers.experimental.preprocessing, name)
    assert found is getattr(neurx.layers, name)
    assert name in dir(neurx.layers.experimental.preprocessing)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # once per process
        getattr(neurx.layers.experimental.preprocessing, name)


def test_experimental_preprocessing_layer_works_as_in_the_books():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LegacyArgumentWarning)
        layer = neurx.layers.experimental.preprocessing.Normalization()
    layer.adapt(np.array([[1.0], [3.0]], "float32"))
    np.testing.assert_allclose(np.asarray(layer(np.array([[3.0]]))), [[1.0]], rtol=1e-5)


def test_unknown_experimental_preprocessing_name():
    with pytest.raises(AttributeError, match="has no attribute 'RandomFlip'"):
        neurx.layers.experimental.preprocessing.RandomFlip
