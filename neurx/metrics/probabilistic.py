"""Probabilistic and hinge metrics: running means of the matching loss functions."""
from __future__ import annotations

from neurx.losses import functions as F
from neurx.metrics.reduction import MeanMetricWrapper


class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary crossentropy over all samples seen.

    Example:
    >>> round(float(BinaryCrossentropy()([[1.0], [0.0]], [[0.5], [0.5]])), 5)
    0.69315
    """

    _config_keys = ("from_logits", "label_smoothing")

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(F.binary_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing


class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical crossentropy (one-hot labels) over all samples seen.

    Example:
    >>> round(float(CategoricalCrossentropy()([[0.0, 1.0]], [[0.5, 0.5]])), 5)
    0.69315
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(F.categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean sparse categorical crossentropy (integer labels) over all samples seen.

    Entries labelled `ignore_class` count neither in the total nor in the count.

    Example:
    >>> round(float(SparseCategoricalCrossentropy()([1], [[0.5, 0.5]])), 5)
    0.69315
    """

    _config_keys = ("from_logits", "ignore_class", "axis")

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None,
                 from_logits=False, ignore_class=None, axis=-1):
        super().__init__(F.sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def values_and_mask(self, y_true, y_pred):
        return F._sparse_crossentropy_and_mask(y_true, y_pred, self.from_logits,
                                               self.ignore_class, self.axis)


class KLDivergence(MeanMetricWrapper):
    """Mean Kullback-Leibler divergence over all samples seen.

    Example:
    >>> round(float(KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]])), 5)
    0.14384
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(F.kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """Mean Poisson loss over all samples seen.

    Example:
    >>> float(Poisson()([[0.0, 0.0]], [[1.0, 3.0]]))
    2.0
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(F.poisson, name=name, dtype=dtype)


class Hinge(MeanMetricWrapper):
    """Mean hinge loss over all samples seen (0/1 labels become -1/1).

    Example:
    >>> float(Hinge()([[0.0, 1.0]], [[-2.0, 0.5]]))
    0.25
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(F.hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """Mean squared hinge loss over all samples seen.

    Example:
    >>> float(SquaredHinge()([[0.0, 1.0]], [[-2.0, 0.5]]))
    0.125
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(F.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Mean categorical hinge loss over all samples seen.

    Example:
    >>> round(float(CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.6]])), 5)
    0.7
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(F.categorical_hinge, name=name, dtype=dtype)
