"""What the fuzz suite needs to build and call each layer of the compatibility table: a
valid value for each required argument (by argument name) and an input of the right rank
(by the layer's family)."""
from __future__ import annotations

import inspect
import pathlib
import re

import numpy as np

import neurx as keras

PAGE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "compatibility.md"
ROW = re.compile(r"^\| `(keras\.[\w.]+)` \| (supported|differs|not yet) \|", re.M)

# a valid value for each required constructor argument, by name
REQUIRED = {
    "units": 3, "filters": 2, "kernel_size": 2, "rate": 0.5, "stddev": 0.1, "n": 2,
    "target_shape": (3, 2), "dims": (2, 1), "input_dim": 5, "output_dim": 2, "cropping": 1,
    "padding": 1, "size": 2, "pool_size": 2, "axis": -1, "activation": "relu",
    "function": lambda x: x * 2, "layer": None, "cell": None, "num_heads": 2, "key_dim": 2,
    "max_tokens": 5, "num_bins": 3, "factor": 0.1, "height": 4, "width": 4, "scale": 1 / 255,
    "height_factor": 0.1, "width_factor": 0.1, "mode": "horizontal", "groups": 1,
    "shape": (3,), "depth_multiplier": 1, "num_tokens": 4, "bin_boundaries": [0.5],
}

# input shapes by family: the first pattern that matches the class name wins
INPUTS = [
    (r"3D(Transpose)?$", (2, 4, 4, 4, 2)),
    (r"1D(Transpose)?$|LSTM|GRU|RNN|Masking|Attention|Permute", (2, 5, 6)),
    (r"2D(Transpose)?$|Image|Resizing|Crop|Flip|Rotation|Zoom|Translation|Contrast|Rescaling",
     (2, 6, 6, 3)),
    (r"Embedding|Lookup|Hashing|Discretization|CategoryEncoding|IntegerLookup", (2, 4)),
]
DEFAULT_INPUT = (2, 6)


# table layers the suite does not draw for, and why (every other table layer is fuzzed)
NOT_FUZZED = {
    **{n: "merges a list of inputs" for n in ("Add", "Average", "Concatenate", "Dot", "Maximum",
                                               "Minimum", "Multiply", "Subtract")},
    **{n: "wraps another layer or cell given as an object" for n in (
        "Bidirectional", "RNN", "StackedRNNCells", "TimeDistributed")},
    **{n: "a cell, called with states by its RNN" for n in ("GRUCell", "LSTMCell",
                                                           "SimpleRNNCell")},
    **{n: "takes text (strings)" for n in ("StringLookup", "TextVectorization")},
    "InputLayer": "fuzzed through keras.Input",
    "Layer": "the base class: no arguments of its own",
    "CategoryEncoding": "needs num_tokens matched to its integer input",
    "Discretization": "needs num_bins or bin_boundaries",
    "GroupNormalization": "needs groups dividing the channel count",
}


def table_layers() -> list[str]:
    """The `keras.layers` classes the compatibility table marks supported (or differs)."""
    return sorted(name.rsplit(".", 1)[1] for name, status in ROW.findall(PAGE.read_text())
                  if name.startswith("keras.layers.") and status != "not yet"
                  and inspect.isclass(getattr(keras.layers, name.rsplit(".", 1)[1], None)))


def input_shape(name: str) -> tuple:
    return next((shape for pattern, shape in INPUTS if re.search(pattern, name)), DEFAULT_INPUT)


def required_arguments(cls) -> dict:
    """Valid values for the arguments `cls` requires; KeyError when one is unknown."""
    parameters = inspect.signature(cls.__init__).parameters.values()
    return {p.name: REQUIRED[p.name] for p in parameters if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"}


def optional_arguments(cls) -> list[str]:
    """The constructor's arguments with defaults (what the fuzz suite draws wrong values for)."""
    parameters = inspect.signature(cls.__init__).parameters.values()
    return [p.name for p in parameters if p.default is not inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            and p.name not in ("name", "dtype", "trainable", "seed")]


def sample_input(name: str) -> np.ndarray:
    shape = input_shape(name)
    integer = re.search(r"Embedding|Lookup|Hashing|CategoryEncoding", name)
    rs = np.random.RandomState(0)
    return rs.randint(0, 3, shape) if integer else rs.rand(*shape).astype("float32")
