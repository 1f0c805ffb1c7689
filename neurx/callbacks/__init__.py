"""Callbacks: hooks into `fit`, `evaluate` and `predict` (`keras.callbacks`).

The protocol the trainer calls lives in `neurx.training`: the `Callback` base and
`CallbackWarning` (`training.callback`), `CallbackList` (`training.callback_list`), and the
callbacks every `fit` adds, `History` and `ProgbarLogger`; `LearningRateFinder` is the
trainer's learning-rate sweep (`training.lr_finder`). This package adds the optional
callbacks: `monitor` (mode and improvement rules shared by `early_stopping` and `reduce_lr`),
`schedulers`, `lambda_callback`, `terminate_on_nan`, `csv_logger`, `model_checkpoint`,
`backup_and_restore`, `tensorboard`. Callbacks only use the model object they are given;
they import nothing from `neurx.models`.
"""
from neurx.callbacks.backup_and_restore import BackupAndRestore
from neurx.callbacks.csv_logger import CSVLogger
from neurx.callbacks.early_stopping import EarlyStopping
from neurx.callbacks.lambda_callback import LambdaCallback
from neurx.callbacks.model_checkpoint import ModelCheckpoint
from neurx.callbacks.monitor import MonitorCallback
from neurx.callbacks.reduce_lr import ReduceLROnPlateau
from neurx.callbacks.schedulers import LearningRateScheduler
from neurx.callbacks.tensorboard import TensorBoard
from neurx.callbacks.terminate_on_nan import TerminateOnNaN
from neurx.training.callback import Callback, CallbackWarning
from neurx.training.callback_list import CallbackList
from neurx.training.history import History
from neurx.training.lr_finder import LearningRateFinder
from neurx.training.progbar_logger import ProgbarLogger

__all__ = [
    "Callback", "CallbackList", "CallbackWarning", "CSVLogger", "EarlyStopping", "History",
    "LambdaCallback", "LearningRateScheduler", "MonitorCallback", "ProgbarLogger",
    "ReduceLROnPlateau", "TerminateOnNaN",
    "TensorBoard", "LearningRateFinder",
    "ModelCheckpoint", "BackupAndRestore",
]
