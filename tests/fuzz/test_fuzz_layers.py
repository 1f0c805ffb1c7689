"""Each layer of the compatibility table, built with one wrong argument (wrong type,
out-of-range number, wrong shape): it raises a clear error naming the argument, or it
builds, runs on a valid input and gives finite outputs."""
import math

import pytest
from checks import CLEAR_ERRORS, assert_clear, assert_finite, quietly, wrong_values
from fuzz_layer_cases import (
    NOT_FUZZED,
    optional_arguments,
    required_arguments,
    sample_input,
    table_layers,
)
from hypothesis import given
from hypothesis import strategies as st

import neurx as keras

FUZZED = [name for name in table_layers() if name not in NOT_FUZZED]


def test_every_table_layer_is_fuzzed_or_says_why_not():
    assert not set(NOT_FUZZED) - set(table_layers())  # no stale entries
    assert len(FUZZED) >= 80


@pytest.mark.parametrize("name", FUZZED)
@given(data=st.data())
def test_a_wrong_argument_is_refused_clearly_or_works(name, data):
    required = required_arguments(getattr(keras.layers, name))
    argument = data.draw(st.sampled_from(sorted(required) +
                                         optional_arguments(getattr(keras.layers, name))),
                         label="argument")
    check_wrong_argument(name, argument, data.draw(wrong_values, label="value"))


# what the slow profile found, kept as examples of the default run
@pytest.mark.parametrize("name, argument, value", [
    ("Conv3D", "dilation_rate", 1000),          # a dilated window larger than the input
    ("Conv3DTranspose", "strides", 1000),       # an output of ~1 TiB: XLA aborted the process
    ("Conv3DTranspose", "kernel_size", 1000),   # a kernel of ~15 GiB: NumPy's MemoryError
    ("UpSampling3D", "size", 1000),
    ("ZeroPadding3D", "padding", 1000),
    ("BatchNormalization", "moving_variance_initializer", None),   # glorot draws: NaN
    ("IntegerLookup", "oov_token", None),
    ("IntegerLookup", "vocabulary", math.nan),
    ("IntegerLookup", "vocabulary", {}),
    ("IntegerLookup", "output_mode", []),       # unhashable: a TypeError inside a dict lookup
    ("Lambda", "arguments", "x"),               # failed only when called
    ("Normalization", "axis", (-2, 0)),         # the same axis twice
    ("Permute", "dims", 0),
    ("Permute", "dims", ()),                    # accepted, then a rank error without `dims`
    ("Permute", "dims", (1,)),
    ("Rescaling", "scale", math.nan),           # NaN outputs
    ("Rescaling", "scale", (-2, -2)),           # JAX's broadcasting error
    ("Softmax", "axis", 1000),
    ("Softmax", "axis", (-2, 0)),
    ("UnitNormalization", "axis", (1, -1)),
])
def test_what_the_slow_profile_found(name, argument, value):
    check_wrong_argument(name, argument, value)


def check_wrong_argument(name, argument, value):
    """The property: the layer refuses `argument=value` clearly, or builds, runs on a valid
    input and gives finite outputs."""
    cls = getattr(keras.layers, name)
    required = required_arguments(cls)
    where = f"{name}({argument}={value!r})"
    try:
        layer = quietly(cls, **{**required, argument: value})
    except CLEAR_ERRORS as error:
        assert_clear(error, argument, where)
        return
    try:
        outputs = quietly(layer, sample_input(name))
    except CLEAR_ERRORS as error:  # accepted, then refused when the input shows it is wrong
        assert_clear(error, argument, where + " called")
        return
    assert_finite(outputs, where)
