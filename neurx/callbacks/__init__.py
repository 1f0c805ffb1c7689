"""Callbacks: hooks into `fit`, `evaluate` and `predict` (`keras.callbacks`).

What each part owns: `callback` (the `Callback` base and `CallbackWarning`),
`callback_list` (`CallbackList`, the trainer's single entry point), `history`,
`progbar_logger` (the text comes from `neurx.utils.progbar`), `monitor` (mode
and improvement rules shared by `early_stopping` and `reduce_lr`),
`schedulers`, `lambda_callback`, `terminate_on_nan`, `csv_logger`.
Callbacks only use the model object they are given; they import nothing from
`neurx.models` or `neurx.training`.
"""
from neurx.callbacks.backup_and_restore import BackupAndRestore
from neurx.callbacks.callback import Callback, CallbackWarning
from neurx.callbacks.callback_list import CallbackList
from neurx.callbacks.csv_logger import CSVLogger
from neurx.callbacks.early_stopping import EarlyStopping
from neurx.callbacks.history import History
from neurx.callbacks.lambda_callback import LambdaCallback
from neurx.callbacks.lr_finder import LearningRateFinder
from neurx.callbacks.model_checkpoint import ModelCheckpoint
from neurx.callbacks.monitor import MonitorCallback
from neurx.callbacks.progbar_logger import ProgbarLogger
from neurx.callbacks.reduce_lr import ReduceLROnPlateau
from neurx.callbacks.schedulers import LearningRateScheduler
from neurx.callbacks.tensorboard import TensorBoard
from neurx.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "Callback", "CallbackList", "CallbackWarning", "CSVLogger", "EarlyStopping", "History",
    "LambdaCallback", "LearningRateScheduler", "MonitorCallback", "ProgbarLogger",
    "ReduceLROnPlateau", "TerminateOnNaN",
    "TensorBoard", "LearningRateFinder",
    "ModelCheckpoint", "BackupAndRestore",
]
