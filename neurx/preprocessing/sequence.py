"""Keras 2's `keras.preprocessing.sequence` module: `pad_sequences`.

>>> pad_sequences([[7, 8, 9]], maxlen=2)
array([[8, 9]], dtype=int32)
"""
from neurx.support.sequence import pad_sequences

__all__ = ["pad_sequences"]
