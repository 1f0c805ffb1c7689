"""Property: for random Sequential and functional architectures, save -> load gives the
same config, the same weights and the same predictions, in every format."""
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurx as keras
from neurx import layers

FORMATS = st.sampled_from(["m.keras", "m.h5", "m_no_extension", "json"])
SETTINGS = settings(max_examples=8, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@st.composite
def sequential_models(draw):
    width = draw(st.integers(1, 5))
    stack = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            stack.append(layers.Dense(draw(st.integers(1, 6)),
                                      activation=draw(st.sampled_from([None, "relu", "tanh"])),
                                      use_bias=draw(st.booleans())))
        else:
            stack.append(layers.Dropout(draw(st.sampled_from([0.0, 0.25, 0.5]))))
    stack.append(layers.Dense(draw(st.integers(1, 3))))
    return keras.Sequential([layers.InputLayer(input_shape=(width,))] + stack), [width]


@st.composite
def functional_models(draw):
    widths = draw(st.lists(st.integers(1, 4), min_size=1, max_size=2))
    inputs = [layers.Input(shape=(w,)) for w in widths]
    tensors = [layers.concatenate(inputs)] if len(inputs) > 1 else list(inputs)
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(["dense", "dropout", "concatenate", "add"]))
        a = tensors[draw(st.integers(0, len(tensors) - 1))]
        b = tensors[draw(st.integers(0, len(tensors) - 1))]
        if op == "dense":
            tensors.append(layers.Dense(draw(st.integers(1, 5)),
                                        activation=draw(st.sampled_from([None, "relu"])))(a))
        elif op == "dropout":
            tensors.append(layers.Dropout(0.3)(a))
        elif op == "concatenate":
            tensors.append(layers.concatenate([a, b]))
        else:
            tensors.append(layers.add([a, layers.Dense(a.shape[-1])(b)]))
    outputs = [layers.Dense(1)(tensors[-1])]
    if draw(st.booleans()) and len(tensors) > 1:
        outputs.append(layers.Dense(2)(tensors[draw(st.integers(0, len(tensors) - 2))]))
    return keras.Model(inputs, outputs if len(outputs) > 1 else outputs[0]), widths


def _round_trip(model, fmt, folder):
    if fmt == "json":
        restored = keras.models.model_from_json(model.to_json())
        restored.set_weights(model.get_weights())
        return restored
    path = str(folder / fmt)
    with warnings.catch_warnings():      # the note that a name without extension gets
        warnings.filterwarnings("ignore", message="Saved model to .* in the Keras format")
        model.save(path)
    return keras.models.load_model(path)


def _check(model, widths, fmt, folder):
    restored = _round_trip(model, fmt, folder)
    assert restored.get_config() == model.get_config()
    for a, b in zip(model.get_weights(), restored.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    x = [np.random.RandomState(w).normal(size=(3, w)).astype("float32") for w in widths]
    x = x if len(x) > 1 else x[0]
    want, got = model(x), restored(x)
    for a, b in zip(want if isinstance(want, list) else [want],
                    got if isinstance(got, list) else [got], strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@SETTINGS
@given(built=sequential_models(), fmt=FORMATS)
def test_sequential_round_trip_property(built, fmt, tmp_path, capsys):
    _check(*built, fmt, tmp_path)


@SETTINGS
@given(built=functional_models(), fmt=FORMATS)
def test_functional_round_trip_property(built, fmt, tmp_path, capsys):
    _check(*built, fmt, tmp_path)
