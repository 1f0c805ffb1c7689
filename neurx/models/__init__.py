"""Model classes (`neurx.models`, as `keras.models`)."""
from neurx.models.model import Functional, Model
from neurx.models.sequential import Sequential
