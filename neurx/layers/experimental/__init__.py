"""tf.keras 2's `keras.layers.experimental` namespace (only its `preprocessing` part).

Example:
>>> import neurx as keras
>>> keras.layers.experimental.preprocessing.__name__
'neurx.layers.experimental.preprocessing'
"""
from neurx.layers.experimental import preprocessing
