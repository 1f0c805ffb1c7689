"""`pad_sequences`: lists of sequences of different lengths to one NumPy array."""
from __future__ import annotations

import numpy as np

from neurx import validation

_SIDES = ("pre", "post")


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0) -> np.ndarray:
    """Pads (or truncates) sequences to a common length, as `keras.utils.pad_sequences`.

    Args:
        sequences: a list of sequences (lists or arrays; items may be arrays too,
            all of one shape).
        maxlen: the output length; by default the longest sequence's length.
        dtype: the output dtype (`object` or a string dtype for text).
        padding: "pre" or "post": where to add `value` to short sequences.
        truncating: "pre" or "post": where to cut long sequences.
        value: the padding value.

    Returns: a NumPy array of shape `(len(sequences), maxlen) + item_shape`.

    Example:
    >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
    array([[0, 0, 1],
           [0, 2, 3],
           [4, 5, 6]], dtype=int32)
    >>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2, padding="post", truncating="post")
    array([[1, 0],
           [2, 3],
           [4, 5]], dtype=int32)
    """
    if not hasattr(sequences, "__len__") or isinstance(sequences, (str, bytes)):
        raise ValueError("`sequences` must be a list of sequences. Received: "
                         f"{type(sequences).__name__}")
    if padding not in _SIDES:
        raise ValueError(f'Padding type "{padding}" not understood: expected "pre" or '
                         f'"post". Received: padding={padding!r}')
    if truncating not in _SIDES:
        raise ValueError(f'Truncating type "{truncating}" not understood: expected "pre" or '
                         f'"post". Received: truncating={truncating!r}')
    lengths, item_shape = [], None
    for index, sequence in enumerate(sequences):
        try:
            lengths.append(len(sequence))
        except TypeError as error:
            raise ValueError("`sequences` must be a list of iterables. Found non-iterable "
                             f"at position {index}: {sequence!r}") from error
        if item_shape is None and len(sequence):
            item_shape = np.asarray(sequence).shape[1:]
    item_shape = item_shape or ()
    maxlen = max(lengths, default=0) if maxlen is None else \
        validation.whole_number(maxlen, "maxlen", "pad_sequences()")
    try:
        text_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    except TypeError:
        raise TypeError("`dtype` of pad_sequences() must be a NumPy dtype such as 'int32', "
                        f"'float32' or object. Received: dtype={dtype!r}") from None
    if isinstance(value, str) and dtype is not object and not text_dtype:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: "
                         f"{type(value)}. Use `dtype=object` for variable length strings.")
    if not isinstance(value, str) and (np.ndim(value) != 0 or isinstance(value, bool) or
                                       np.asarray(value).dtype.kind not in "biuf"):
        raise ValueError("`value` of pad_sequences() must be a number (or a string with a text "
                         f"`dtype`). Received: value={value!r}")
    out = np.full((len(lengths), maxlen) + tuple(item_shape), value, dtype=dtype)
    for index, sequence in enumerate(sequences):
        if not len(sequence) or maxlen == 0:
            continue
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        try:
            kept = np.asarray(kept, dtype=dtype)
        except (TypeError, ValueError) as error:
            raise ValueError(f"`sequences` holds items that are not {np.dtype(dtype)} at "
                             f"position {index}: {error}. Pass `dtype=object` (or a string "
                             "dtype) for text.") from None
        if kept.shape[1:] != tuple(item_shape):
            raise ValueError(f"Shape of sample {kept.shape[1:]} of sequence at position "
                             f"{index} is different from expected shape {tuple(item_shape)}.")
        if padding == "post":
            out[index, :len(kept)] = kept
        else:
            out[index, maxlen - len(kept):] = kept
    return out
