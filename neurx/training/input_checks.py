"""Text fed to a numeric model input: a clear error naming the input, before any tracing.

Example:
>>> import numpy as np
>>> from neurx import Input, Model, layers
>>> review = Input((1,), name="review")
>>> graph = Model(review, layers.Dense(1)(review))._graph
>>> check_numeric_inputs(graph, [np.array([["good"], ["bad"]])])  # doctest: +ELLIPSIS
Traceback (most recent call last):
TypeError: Input 'review' is numeric (float32), but received text (...'good'). ...StringLookup...
"""
from __future__ import annotations

import numpy as np


def check_numeric_inputs(graph, arrays) -> None:
    """Raises TypeError for a string or bytes array fed to an input whose dtype is numeric
    (`graph`: the model's functional graph, or None for a subclassed model, whose inputs
    are taken as numeric and called `x`)."""
    inputs = graph.flat_inputs if graph is not None else []
    names = [t.name for t in inputs] if inputs else ["x"] * len(arrays)
    dtypes = [t.dtype for t in inputs] if inputs else ["float32"] * len(arrays)
    for name, dtype, array in zip(names, dtypes, arrays):
        if np.asarray(array).dtype.kind not in "US" or _is_text(dtype):
            continue
        example = array.reshape(-1)[0] if array.size else ""
        raise TypeError(f"Input '{name}' is numeric ({dtype}), but received text (an array of "
                        f"dtype {array.dtype}, e.g. {example.item()!r}). Turn text into "
                        "numbers first: keras.layers.StringLookup for categories, "
                        "keras.layers.TextVectorization for sentences.")


def _is_text(dtype) -> bool:
    return dtype is not None and str(dtype) in ("string", "str", "bytes", "object")
