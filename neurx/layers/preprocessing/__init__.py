"""Preprocessing layers: statistics and vocabularies learned with `adapt()` on the host.

Numeric layers (Normalization, Rescaling, Discretization, CategoryEncoding,
IntegerLookup) run inside models and `jit`. String layers (StringLookup,
TextVectorization) process strings on the host in `__call__`: apply them to the
data first, then fit a model on their numeric output.
"""
from neurx.layers.preprocessing.category_encoding import CategoryEncoding
from neurx.layers.preprocessing.discretization import Discretization
from neurx.layers.preprocessing.integer_lookup import IntegerLookup
from neurx.layers.preprocessing.normalization import Normalization
from neurx.layers.preprocessing.rescaling import Rescaling
from neurx.layers.preprocessing.string_lookup import StringLookup
from neurx.layers.preprocessing.text_vectorization import TextVectorization

__all__ = ["CategoryEncoding", "Discretization", "IntegerLookup", "Normalization",
           "Rescaling", "StringLookup", "TextVectorization"]
