"""Confusion-matrix metrics: TP/FP/TN/FN counts, Precision, Recall, and AUC.

Each keeps weighted counts per threshold (see `confusion_utils`); `AUC`
integrates the ROC or PR curve over `num_thresholds` evenly spaced thresholds
with Keras's summation (`interpolation` by default, Davis & Goadrich's
interpolation for PR).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from neurx import config, validation
from neurx.losses.loss import divide_no_nan
from neurx.metrics import confusion_utils as cu
from neurx.metrics.metric import Metric


class _ConfusionMatrixConditionCount(Metric):
    _key = ""

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = cu.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._evenly = cu.is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_variable((len(self.thresholds),), name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        cu.update_confusion_matrix_variables(
            {self._key: self.accumulator}, y_true, y_pred, self.thresholds,
            thresholds_distributed_evenly=self._evenly, sample_weight=sample_weight)

    def result(self):
        value = self.accumulator.value
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """(Weighted) count of positives predicted positive (`y_pred > threshold`).

    Example:
    >>> float(TruePositives()([0, 1, 1, 1], [1, 0, 1, 1]))
    2.0
    """

    _key = "tp"


class FalsePositives(_ConfusionMatrixConditionCount):
    """(Weighted) count of negatives predicted positive.

    Example:
    >>> float(FalsePositives()([0, 1, 0, 0], [0, 0, 1, 1]))
    2.0
    """

    _key = "fp"


class TrueNegatives(_ConfusionMatrixConditionCount):
    """(Weighted) count of negatives predicted negative.

    Example:
    >>> float(TrueNegatives()([0, 1, 0, 0], [1, 1, 0, 0]))
    2.0
    """

    _key = "tn"


class FalseNegatives(_ConfusionMatrixConditionCount):
    """(Weighted) count of positives predicted negative.

    Example:
    >>> float(FalseNegatives()([0, 1, 1, 1], [0, 1, 0, 0]))
    2.0
    """

    _key = "fn"


class _PrecisionRecall(Metric):
    _second = ""  # "fp" for precision, "fn" for recall

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = validation.optional_whole_number(top_k, "top_k", type(self).__name__)
        self.class_id = validation.optional_whole_number(class_id, "class_id",
                                                         type(self).__name__, minimum=0)
        default = 0.5 if top_k is None else cu.NEG_INF
        self.thresholds = cu.parse_init_thresholds(thresholds, default_threshold=default)
        self._evenly = cu.is_evenly_distributed_thresholds(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), name="true_positives")
        second_name = {"fp": "false_positives", "fn": "false_negatives"}[self._second]
        setattr(self, second_name, self.add_variable((n,), name=second_name))
        self._second_variable = getattr(self, second_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        cu.update_confusion_matrix_variables(
            {"tp": self.true_positives, self._second: self._second_variable},
            y_true, y_pred, self.thresholds, thresholds_distributed_evenly=self._evenly,
            top_k=self.top_k, class_id=self.class_id, sample_weight=sample_weight)

    def result(self):
        tp = self.true_positives.value
        value = divide_no_nan(tp, tp + self._second_variable.value)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """`TP / (TP + FP)`: the fraction of predicted positives that are positive.

    Args:
        thresholds: one threshold or a list (then `result()` is a vector);
            default 0.5 (or no threshold with `top_k`).
        top_k: only each sample's `k` highest scores count as predicted positive.
        class_id: compute the metric for this class only.
        name, dtype: as for every `Metric`.

    Example:
    >>> float(Precision()([0, 1, 1, 1], [1, 0, 1, 1]))
    0.6666666865348816
    """

    _second = "fp"


class Recall(_PrecisionRecall):
    """`TP / (TP + FN)`: the fraction of positives predicted positive.

    Args: as `Precision`.

    Example:
    >>> float(Recall()([0, 1, 1, 1], [1, 0, 1, 1]))
    0.6666666865348816
    """

    _second = "fn"


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from thresholded counts.

    Args:
        num_thresholds: number of evenly spaced thresholds in [0, 1] (> 1).
        curve: `"ROC"` (default), `"PR"` or `"PRGAIN"`.
        summation_method: `"interpolation"` (default), `"minoring"`, `"majoring"`.
        name, dtype: as for every `Metric`.
        thresholds: explicit thresholds in (0, 1), instead of `num_thresholds`.
        multi_label: one curve per label, averaged (give `num_labels` so the
            state exists before `jax.jit`; otherwise the first eager update builds it).
        num_labels: number of labels when `multi_label`.
        label_weights: weights of the labels when averaging.
        from_logits: apply a sigmoid to `y_pred` first.

    Example:
    >>> float(AUC(num_thresholds=3)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]))
    0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False,
                 num_labels=None, label_weights=None, from_logits=False):
        if str(curve).lower() not in _CURVES:
            raise ValueError(f'Invalid AUC curve value: "{curve}". '
                             'Expected values are ["PR", "ROC", "PRGAIN"]')
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             f"Expected values are {list(_SUMMATIONS)}")
        super().__init__(name=name, dtype=dtype)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._evenly = cu.is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        eps = config.epsilon()
        self._thresholds = np.array([0.0 - eps] + list(thresholds) + [1.0 + eps])
        self.curve = _CURVES[str(curve).lower()]
        self.summation_method = str(summation_method).lower()
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else jnp.asarray(label_weights, self.dtype)
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        elif num_labels:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        else:
            self._build(None)

    @property
    def thresholds(self) -> list:
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError("`y_pred` must have rank 2 when `multi_label=True`. "
                                 f"Found rank {len(shape)}. Full shape: {shape}")
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        for var_name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, var_name, self.add_variable(variable_shape, name=var_name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = jnp.asarray(y_pred)
        if not self._built:
            self._build(y_pred.shape)
        if self._from_logits:
            y_pred = jax.nn.sigmoid(y_pred)
        cu.update_confusion_matrix_variables(
            {"tp": self.true_positives, "tn": self.true_negatives,
             "fp": self.false_positives, "fn": self.false_negatives},
            y_true, y_pred, self._thresholds, thresholds_distributed_evenly=self._evenly,
            sample_weight=sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights)

    def _average(self, by_threshold):
        if not self.multi_label:
            return jnp.sum(by_threshold)
        by_label = jnp.sum(by_threshold, axis=0)
        if self.label_weights is None:
            return jnp.mean(by_label)
        return divide_no_nan(jnp.sum(by_label * self.label_weights), jnp.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """PR-AUC with the Davis & Goadrich (2006) interpolation, as Keras computes it."""
        n = self.num_thresholds
        tp, fp, fn = (self.true_positives.value, self.false_positives.value,
                      self.false_negatives.value)
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        prec_slope = divide_no_nan(dtp, jnp.maximum(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = jnp.where((p[: n - 1] > 0) & (p[1:] > 0),
                                 divide_no_nan(p[: n - 1], jnp.maximum(p[1:], 0)),
                                 jnp.ones_like(p[1:]))
        increment = divide_no_nan(prec_slope * (dtp + intercept * jnp.log(safe_p_ratio)),
                                  jnp.maximum(tp[1:] + fn[1:], 0))
        return self._average(increment)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:  # PRGAIN
            scale = divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scale * divide_no_nan(fn, tp)
            precision_gain = 1.0 - scale * divide_no_nan(fp, tp)
            recall_gain = jnp.maximum(jnp.where(tp == 0, 0.0, recall_gain), 0.0)
            precision_gain = jnp.where(tp == 0, 1.0, precision_gain)
            x, y = recall_gain, precision_gain
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = jnp.minimum(y[: n - 1], y[1:])
        else:
            heights = jnp.maximum(y[: n - 1], y[1:])
        return self._average((x[: n - 1] - x[1:]) * heights)

    def get_config(self) -> dict:
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": None if self.label_weights is None
                  else np.asarray(self.label_weights).tolist(),
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
