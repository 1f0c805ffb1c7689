"""Labels checked against what each output can produce, on the host, before training.

Where the loss fixes the range of the labels, a label outside it would train to NaN or be
clipped without a word: sparse categorical crossentropy needs class indices in
`[0, units)` of its output (its `ignore_class` aside), binary crossentropy labels in
`[0, 1]`, and categorical crossentropy one-hot rows as wide as its output. The message
names the output, the loss, the offending value and the sample that holds it.

Example:
>>> import numpy as np
>>> from neurx import losses
>>> check_labels(["softmax"], [losses.get("sparse_categorical_crossentropy")],
...              [np.array([0, 2, 3])], [(None, 3)])  # doctest: +ELLIPSIS
Traceback (most recent call last):
ValueError: Output 'softmax' ... class indices in [0, 3) ... Received the label 3 (sample 2).
"""
from __future__ import annotations

import numpy as np

from neurx import validation
from neurx.losses import functions


def check_labels(output_names, losses, y_arrays, y_pred_shapes, class_weight=None) -> None:
    """Checks each output's labels against its loss and output shape (see the module), and
    the keys of `class_weight` against the classes of the (single) output."""
    if class_weight is not None:
        _check_class_weight(class_weight, output_names, y_pred_shapes)
    for name, loss, y, shape in zip(output_names, losses, y_arrays, y_pred_shapes):
        fn = getattr(loss, "fn", None)
        kwargs = getattr(loss, "_fn_kwargs", {})
        if y is not None:
            _check_numeric(name, np.asarray(y))
        if y is None or fn is None or np.asarray(y).dtype.kind not in "biuf":
            continue
        if fn is functions.sparse_categorical_crossentropy:
            _check_class_indices(name, loss.name, np.asarray(y), shape, kwargs)
        elif fn is functions.binary_crossentropy:
            _check_binary(name, loss.name, np.asarray(y))
        elif fn is functions.categorical_crossentropy:
            _check_one_hot_width(name, loss.name, np.asarray(y), shape, kwargs)


def _check_numeric(output, y) -> None:
    if y.dtype.kind not in "US" or not y.size:
        return
    raise TypeError(f"Output '{output}' received text labels (an array of dtype {y.dtype}, "
                    f"e.g. {y.reshape(-1)[0].item()!r}); labels must be numbers. Map class "
                    "names to class indices first, e.g. with keras.layers.StringLookup("
                    "num_oov_indices=0) adapted to the labels.")


def _check_class_indices(output, loss, y, shape, kwargs) -> None:
    units = shape[kwargs.get("axis", -1)] if shape else None
    if shape and y.ndim == len(shape) and y.shape[-1] != 1:
        raise ValueError(f"Output '{output}' is trained with {loss}, whose labels must be "
                         f"one class index per sample (shape {shape[:-1]} or "
                         f"{shape[:-1] + (1,)}). Received labels of shape {y.shape}. For "
                         "one-hot labels use categorical_crossentropy.")
    values = y.reshape(-1)
    ignored = kwargs.get("ignore_class")
    if ignored is not None:
        values = np.where(values == ignored, 0, values)
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if units is not None:
        bad |= values >= units
    if bad.any():
        where = int(np.argmax(bad))
        sample = np.unravel_index(where, y.shape)[0]
        value = y.reshape(-1)[where]
        span = f"[0, {units}) (the output has {units} units)" if units is not None else \
            "integers >= 0"
        raise ValueError(f"Output '{output}' is trained with {loss}, whose labels must be "
                         f"class indices in {span}. Received the label {_show(value)} "
                         f"(sample {sample}).")


def _check_binary(output, loss, y) -> None:
    bad = ~((y >= 0) & (y <= 1))
    if bad.any():
        where = np.unravel_index(int(np.argmax(bad)), y.shape)
        raise ValueError(f"Output '{output}' is trained with {loss}, whose labels must be "
                         f"in [0, 1]. Received the label {_show(y[where])} (sample {where[0]})."
                         " For more than two classes use sparse_categorical_crossentropy "
                         "with a softmax output.")


def _check_one_hot_width(output, loss, y, shape, kwargs) -> None:
    axis = kwargs.get("axis", -1)
    width = shape[axis] if shape else None
    if width is None or y.ndim != len(shape) or y.shape[axis] == width:
        return
    raise ValueError(f"Output '{output}' is trained with {loss}, whose labels must be "
                     f"one-hot rows as wide as the output ({width} classes). Received labels "
                     f"of shape {y.shape}. For integer class indices use "
                     "sparse_categorical_crossentropy.")


def _check_class_weight(class_weight, output_names, y_pred_shapes) -> None:
    if not isinstance(class_weight, dict):
        raise TypeError("`class_weight` must be a dict mapping class indices to weights. "
                        f"Received: class_weight={class_weight!r}")
    if len(output_names) > 1:
        raise ValueError("`class_weight` is only supported for models with a single output; "
                         f"this model has the outputs {list(output_names)}. Pass "
                         "`sample_weight` instead.")
    units = y_pred_shapes[0][-1] if y_pred_shapes and y_pred_shapes[0] else None
    classes = 2 if units == 1 else units
    for key, weight in class_weight.items():
        validation.number_in_range(weight, f"class_weight[{key!r}]")
        whole = isinstance(key, (int, np.integer)) and not isinstance(key, bool)
        if not whole or key < 0 or (classes is not None and key >= classes):
            span = f"0 .. {classes - 1}" if classes is not None else "integers >= 0"
            raise ValueError(f"`class_weight` has the key {key!r}, which is not a class of "
                             f"output '{output_names[0]}' (its classes are {span}). Keys "
                             "are class indices: map class names to indices first (e.g. "
                             "with keras.layers.StringLookup).")


def _show(value) -> str:
    value = value.item() if hasattr(value, "item") else value
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
