"""Model classes (`neurx.models`, as `keras.models`)."""
from neurx.models.model import Functional, Model
from neurx.models.sequential import Sequential
from neurx.saving import clone_model, load_model, model_from_json, save_model
