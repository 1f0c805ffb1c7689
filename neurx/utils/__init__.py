"""Utilities (`keras.utils`)."""
from neurx.utils.numerical import normalize, to_categorical
from neurx.utils.progbar import Progbar
from neurx.utils.py_dataset import PyDataset, Sequence
from neurx.utils.random_seed import set_random_seed
