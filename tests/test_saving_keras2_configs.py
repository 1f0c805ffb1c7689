"""tf.keras 2 config spellings that the tf-keras zoo's files do not all hold (tf.keras 2.0 to
2.21 wrote them; the entries below are copied from tf-keras's `get_config()` output)."""
import numpy as np
import pytest

import neurx
from neurx.saving.compile_config import compile_from_config
from neurx.saving.keras_zip import build_model


def _input(name, shape):
    return {"class_name": "InputLayer", "name": name, "inbound_nodes": [],
            "config": {"batch_input_shape": [None, *shape], "dtype": "float32",
                       "sparse": False, "ragged": False, "name": name}}


def test_model_class_name_and_dtype_policies_as_names_and_dicts():
    dense = {"name": "d", "units": 2, "dtype": {"class_name": "Policy",
                                                "config": {"name": "mixed_float16"}}}
    lstm = {"name": "l", "units": 3, "dtype": "float32", "time_major": False,
            "implementation": 1, "unroll": False, "zero_output_for_mask": False}
    depthwise = {"name": "dw", "kernel_size": [3], "groups": 1, "depth_multiplier": 1,
                 "dtype": "float32", "padding": "same"}
    config = {"class_name": "Model", "config": {
        "name": "m", "layers": [
            _input("i", (4, 5)),
            {"class_name": "DepthwiseConv1D", "name": "dw", "config": depthwise,
             "inbound_nodes": [[["i", 0, 0, {}]]]},
            {"class_name": "LSTM", "name": "l", "config": lstm,
             "inbound_nodes": [[["dw", 0, 0, {}]]]},
            {"class_name": "Dense", "name": "d", "config": dense,
             "inbound_nodes": [[["l", 0, 0, {}]]]}],
        "input_layers": [["i", 0, 0]], "output_layers": [["d", 0, 0]]}}
    model = build_model(config, "a tf.keras 2.3 config")
    assert model.output_shape == (None, 2) and model.layers[-1].dtype == "float32"
    assert model.get_layer("l").cell.implementation == 1
    assert model.predict(np.ones((1, 4, 5)), verbose=0).shape == (1, 2)


def test_classic_optimizer_with_lr_and_decay_and_keras2_loss_objects():
    model = neurx.Sequential([neurx.layers.Dense(3, input_shape=(2,))])
    compile_from_config(model, {
        "loss": {"class_name": "CategoricalCrossentropy", "config": {
            "reduction": "auto", "name": "categorical_crossentropy", "from_logits": False,
            "label_smoothing": 0, "fn": "categorical_crossentropy"}},
        "metrics": ["acc"], "weighted_metrics": None, "loss_weights": None,
        "optimizer_config": {"class_name": "SGD", "config": {
            "name": "SGD", "lr": 0.05, "decay": 0.01, "momentum": 0.9, "nesterov": False}}})
    assert model.optimizer.get_config()["decay"] == pytest.approx(0.01)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05)
    x, y = np.ones((4, 2)), np.eye(3)[[0, 1, 2, 0]]
    logs = model.fit(x, y, epochs=1, verbose=0).history
    assert set(logs) == {"loss", "acc"}
