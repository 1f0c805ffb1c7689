"""`keras.Input`, the `keras.utils` array functions and the arguments of fit / evaluate /
predict, each called with one wrong argument: a clear error naming it, or a working result."""
import math

import numpy as np
import pytest
from checks import CLEAR_ERRORS, assert_clear, assert_finite, quietly, wrong_values
from hypothesis import given
from hypothesis import strategies as st

import neurx as keras

small_wrong_values = wrong_values.filter(
    lambda v: not (isinstance(v, (int, float)) and not isinstance(v, bool) and
                   math.isfinite(v) and v > 50))


def refused_clearly_or_works(call, argument, where):
    try:
        result = quietly(call)
    except CLEAR_ERRORS as error:
        assert_clear(error, argument, where)
        return None
    return result


@given(argument=st.sampled_from(["shape", "batch_size", "name"]), value=wrong_values)
def test_input(argument, value):
    kwargs = {"shape": (3,), argument: value}
    tensor = refused_clearly_or_works(lambda: keras.Input(**kwargs), argument,
                                      f"Input({argument}={value!r})")
    if tensor is not None:
        model = keras.Model(tensor, keras.layers.Activation("relu")(tensor))
        assert_finite(model.predict(np.ones((2,) + tuple(tensor.shape[1:])), verbose=0),
                      f"Input({argument}={value!r})")


UTILS = {
    "to_categorical": (keras.utils.to_categorical, {"x": [0, 2, 1], "num_classes": 3}),
    "pad_sequences": (keras.utils.pad_sequences, {"sequences": [[1, 2], [3]], "maxlen": 3,
                                                  "padding": "pre", "truncating": "pre",
                                                  "value": 0.0}),
    "normalize": (keras.utils.normalize, {"x": [[3.0, 4.0]], "axis": -1, "order": 2}),
}


@pytest.mark.parametrize("function", sorted(UTILS))
@given(data=st.data())
def test_utils(function, data):
    call, valid = UTILS[function]
    argument = data.draw(st.sampled_from(sorted(valid)), label="argument")
    value = data.draw(small_wrong_values, label="value")
    where = f"{function}({argument}={value!r})"
    result = refused_clearly_or_works(lambda: call(**{**valid, argument: value}), argument,
                                      where)
    if result is not None and function != "pad_sequences":
        assert_finite(result, where)


@pytest.fixture(scope="module")
def classifier():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    return model


X = np.random.RandomState(0).rand(8, 4).astype("float32")
Y = np.arange(8) % 3
METHOD_ARGUMENTS = {
    "fit": ["batch_size", "epochs", "initial_epoch", "steps_per_epoch", "validation_split",
            "validation_freq", "validation_batch_size", "verbose", "class_weight",
            "sample_weight"],
    "evaluate": ["batch_size", "steps", "verbose", "sample_weight"],
    "predict": ["batch_size", "steps", "verbose"],
}


@pytest.mark.parametrize("method", sorted(METHOD_ARGUMENTS))
@given(data=st.data())
def test_fit_evaluate_predict(classifier, method, data):
    argument = data.draw(st.sampled_from(METHOD_ARGUMENTS[method]), label="argument")
    value = data.draw(small_wrong_values, label="value")
    args = (X,) if method == "predict" else (X, Y)
    kwargs = {"verbose": 0, argument: value}
    if method == "fit" and argument == "validation_freq":
        kwargs["validation_split"] = 0.25
    where = f"{method}({argument}={value!r})"
    result = refused_clearly_or_works(lambda: getattr(classifier, method)(*args, **kwargs),
                                      argument, where)
    if result is not None:
        assert_finite(result.history.get("loss", []) if method == "fit" else result, where)
