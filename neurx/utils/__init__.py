"""Utilities (`keras.utils`)."""
from neurx.callbacks.lr_finder import find_learning_rate
from neurx.utils.file_utils import get_file
from neurx.utils.learning_curves import plot_history, plot_learning_rate_finder
from neurx.utils.numerical import normalize, to_categorical
from neurx.utils.model_visualization import model_to_dot, plot_model
from neurx.utils.progbar import Progbar
from neurx.utils.py_dataset import PyDataset, Sequence
from neurx.utils.random_seed import set_random_seed
from neurx.utils.sequence import pad_sequences
