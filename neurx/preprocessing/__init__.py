"""Keras 2's `keras.preprocessing` namespace (the helpers the textbooks import from it)."""
from neurx.preprocessing import sequence

__all__ = ["sequence"]
