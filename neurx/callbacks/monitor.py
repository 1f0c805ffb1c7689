"""`MonitorCallback`: the shared base of callbacks that watch one logged quantity
(`EarlyStopping`, `ReduceLROnPlateau`, checkpoints): the `mode` it should go in,
and whether a new value improves on a reference by at least `min_delta`.

How `mode="auto"` decides, as Keras 3: `loss` (with or without `val_`) goes
down; otherwise a metric object of the model with that name and a
`_direction` of "up"/"down" decides; failing that, the known Keras metric
names below decide; failing that, a `ValueError` asks for `mode=`.
"""
from __future__ import annotations

import operator
import re
import warnings

from neurx import validation
from neurx.naming import did_you_mean
from neurx.training.callback import Callback, CallbackWarning

# Names of the Keras metrics (and their string aliases) by direction.
_UP = {
    "accuracy", "acc", "binary_accuracy", "categorical_accuracy",
    "sparse_categorical_accuracy", "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy", "auc", "precision", "recall", "f1_score",
    "fbeta_score", "iou", "mean_iou", "binary_iou", "one_hot_iou", "one_hot_mean_iou",
    "r2_score", "cosine_similarity", "true_positives", "true_negatives",
    "precision_at_recall", "recall_at_precision", "sensitivity_at_specificity",
    "specificity_at_sensitivity", "pearson_correlation", "concordance_correlation",
}
_DOWN = {
    "loss", "mse", "mae", "mape", "msle", "mean_squared_error", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
    "root_mean_squared_error", "logcosh", "log_cosh", "log_cosh_error",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "binary_focal_crossentropy", "categorical_focal_crossentropy",
    "kl_divergence", "kld", "kullback_leibler_divergence", "poisson", "hinge",
    "squared_hinge", "categorical_hinge", "false_positives", "false_negatives",
}


def _model_metrics(model, depth: int = 0):
    """The model's metric objects, opening containers that hold `.metrics`."""
    try:
        metrics = list(getattr(model, "metrics", None) or [])
    except Exception:  # a model not built yet may refuse to list its metrics
        return []
    found = []
    for metric in metrics:
        inner = getattr(metric, "metrics", None)
        if depth < 3 and isinstance(inner, (list, tuple)) and inner is not metrics:
            found.extend(_model_metrics(metric, depth + 1))
        else:
            found.append(metric)
    return found


def metric_direction(model, monitor: str) -> str | None:
    """'up', 'down' or None (unknown) for a logged quantity, as Keras 3 decides.

    >>> metric_direction(None, "val_loss"), metric_direction(None, "val_accuracy")
    ('down', 'up')
    >>> metric_direction(None, "my_score") is None
    True
    """
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss" or name.endswith("_loss"):
        return "down"
    for metric in _model_metrics(model):
        direction = getattr(metric, "_direction", None)
        if getattr(metric, "name", None) == name and direction in ("up", "down"):
            return direction
    base = re.sub(r"_\d+$", "", name)  # `auc_1`, `precision_2`: repeated names
    for candidate in (name, base):
        if candidate in _UP:
            return "up"
        if candidate in _DOWN:
            return "down"
    if "accuracy" in base or base.endswith("_acc"):  # e.g. `dense_1_accuracy`
        return "up"
    return None


class MonitorCallback(Callback):
    """Base class of callbacks that monitor a logged quantity for improvement.

    Args:
        monitor: Quantity to be monitored, a key of the epoch logs.
        mode: One of `{"auto", "min", "max"}`: whether lower or higher values
            are better; `"auto"` infers it from the name (see module notes).
        baseline: Initial "best" value, or `None` to use the first value.
        min_delta: Minimum change that counts as an improvement.

    Example:

    >>> cb = MonitorCallback(monitor="val_accuracy", min_delta=0.01)
    >>> cb._set_monitor_op()
    >>> cb._is_improvement(0.905, 0.9), cb._is_improvement(0.92, 0.9)
    (False, True)
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto",
                 baseline: float | None = None, min_delta: float = 0) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to "
                          "auto mode. Use one of 'auto', 'min', 'max'.",
                          CallbackWarning, stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(validation.number_in_range(min_delta, "min_delta",
                                                        type(self).__name__))
        self.monitor_op = None

    def _set_monitor_op(self, logs=None) -> None:
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            direction = metric_direction(self.model, self.monitor)
            if direction is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but "
                    "neurx isn't able to automatically determine whether that metric "
                    "should be maximized or minimized. Pass `mode='max'` in order to "
                    "monitor based on the highest metric value, or pass `mode='min'` "
                    f"in order to use the lowest value.{self._typo_hint(logs)}")
            self.monitor_op = operator.gt if direction == "up" else operator.lt
        if self.monitor_op is operator.lt:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value, reference_value) -> bool:
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))

    def _typo_hint(self, logs) -> str:
        if not logs or self.monitor in logs:
            return ""
        return f" The logs hold {list(logs)}.{did_you_mean(self.monitor, logs)}"

    def _missing_warning(self, what: str, logs) -> None:
        warnings.warn(f"{what} conditioned on metric `{self.monitor}` which is not "
                      f"available. Available metrics are: {','.join(list(logs or {}))}."
                      f"{did_you_mean(self.monitor, logs or {})}",
                      CallbackWarning, stacklevel=3)
