"""The property every fuzzed call must have: success, or a clear neurx error naming the
argument (never an error raised inside JAX or NumPy first, never a silent NaN)."""
from __future__ import annotations

import math
import os
import traceback
import warnings

import numpy as np
from hypothesis import strategies as st

import neurx

NEURX_DIR = os.path.dirname(os.path.abspath(neurx.__file__))
CLEAR_ERRORS = (ValueError, TypeError, KeyError)

# wrong types, out-of-range numbers and wrong shapes, for any argument
wrong_values = st.one_of(
    st.sampled_from(["x", "", None, [], {}, (), True, object()]),
    st.integers(-3, 0),
    st.sampled_from([-1.5, 0.0, 0.5, 1.5, 2.5, math.nan, math.inf, -math.inf, 1000]),
    st.tuples(st.integers(-2, 3)),
    st.tuples(st.integers(-2, 3), st.integers(-2, 3)),
)


def quietly(call, /, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)


def _family(argument: str) -> str:
    """`kernel_initializer` -> "initializer": errors of the object families name those."""
    return argument.rsplit("_", 1)[-1]


def assert_clear(error: BaseException, argument: str, where: str) -> None:
    """`error` is a ValueError/TypeError/KeyError raised in neurx's code, naming `argument`."""
    frames = traceback.extract_tb(error.__traceback__)
    origin = frames[-1].filename if frames else ""
    summary = f"{where} with a wrong `{argument}` raised {type(error).__name__}: {error}"
    assert isinstance(error, CLEAR_ERRORS), summary
    assert origin.startswith(NEURX_DIR), f"{summary}\n(raised in {origin}, not in neurx)"
    message = str(error)
    assert argument in message or _family(argument) in message, \
        f"{summary}\n(the message does not name `{argument}`)"


def assert_finite(outputs, where: str) -> None:
    for array in outputs if isinstance(outputs, (list, tuple)) else [outputs]:
        values = np.asarray(array)
        if values.dtype.kind == "f":
            assert np.isfinite(values).all(), f"{where} produced NaN or inf from finite input"
