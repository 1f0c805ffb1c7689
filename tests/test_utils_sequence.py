"""`pad_sequences` against Keras's, under both import paths."""
import itertools

import numpy as np
import pytest
from keras.utils import pad_sequences as keras_pad_sequences

import neurx as keras
from neurx.preprocessing.sequence import pad_sequences as legacy_pad_sequences

SEQUENCES = [[1], [2, 3], [4, 5, 6, 7], [], [8, 9, 10]]


@pytest.mark.parametrize("padding,truncating,maxlen",
                         list(itertools.product(["pre", "post"], ["pre", "post"], [None, 1, 3, 6])))
def test_matches_keras(padding, truncating, maxlen):
    ours = keras.utils.pad_sequences(SEQUENCES, maxlen=maxlen, padding=padding,
                                     truncating=truncating, value=-1)
    theirs = keras_pad_sequences(SEQUENCES, maxlen=maxlen, padding=padding,
                                 truncating=truncating, value=-1)
    np.testing.assert_array_equal(ours, theirs)
    assert ours.dtype == theirs.dtype == np.int32


def test_dtypes_arrays_items_and_legacy_path():
    assert legacy_pad_sequences is keras.utils.pad_sequences
    floats = keras.preprocessing.sequence.pad_sequences([[0.5], [1.5, 2.5]], dtype="float32",
                                                        value=9.0)
    np.testing.assert_array_equal(floats, [[9.0, 0.5], [1.5, 2.5]])
    vectors = [np.ones((2, 3)), np.full((1, 3), 2.0)]
    ours = keras.utils.pad_sequences(vectors, dtype="float32", padding="post")
    np.testing.assert_array_equal(ours, keras_pad_sequences(vectors, dtype="float32",
                                                            padding="post"))
    assert ours.shape == (2, 2, 3)
    words = keras.utils.pad_sequences([["a"], ["b", "c"]], dtype=object, value="<pad>")
    assert words.tolist() == [["<pad>", "a"], ["b", "c"]]
    arrays = keras.utils.pad_sequences((np.arange(3), np.arange(5)), maxlen=4)
    assert arrays.tolist() == [[0, 0, 1, 2], [1, 2, 3, 4]]


def test_errors():
    with pytest.raises(ValueError, match='Padding type "middle".*"pre" or "post"'):
        keras.utils.pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match='Truncating type "both"'):
        keras.utils.pad_sequences([[1]], truncating="both")
    with pytest.raises(ValueError, match="non-iterable at position 1: 5"):
        keras.utils.pad_sequences([[1], 5])
    with pytest.raises(ValueError, match="dtype=object"):
        keras.utils.pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match="position 1 is different from expected shape \\(3,\\)"):
        keras.utils.pad_sequences([np.ones((1, 3)), np.ones((1, 4))])
