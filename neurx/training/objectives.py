"""What `compile(loss=..., loss_weights=..., metrics=...)` means for each model output.

What it owns: matching losses, loss weights and metrics to outputs (a single
value, a list by position, or a dict by output name), the log key names Keras
uses (`loss`, `<output>_loss`, `<output>_<metric>`, the user's own spelling such
as `acc`), and the masked, weighted loss reduction used inside the jitted step.
"""
from __future__ import annotations

import jax.numpy as jnp

from neurx import losses as losses_module
from neurx import metrics as metrics_module
from neurx.losses.loss import reduce_weighted_values
from neurx.naming import did_you_mean


def _per_output(value, output_names, what, lists_by_position=False):
    """A value given for all outputs, as a list by position or a dict by name -> list
    (`lists_by_position`: a list is one entry per output even for a single output, as a
    `loss` or `loss_weights` list is; a `metrics` list of a single output is its metrics)."""
    n = len(output_names)
    if isinstance(value, dict):
        unknown = [k for k in value if k not in output_names]
        if unknown:
            raise ValueError(
                f"Unknown output name(s) {unknown} in `{what}`. The model's outputs are "
                f"{output_names}.{did_you_mean(unknown[0], output_names)}")
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)) and (n > 1 or lists_by_position):
        if len(value) != n:
            raise ValueError(f"`{what}` has {len(value)} entries but the model has {n} outputs "
                             f"{output_names}. Give one per output, or a dict by output name.")
        return list(value)
    return [value] * n


def _loss_weight(weight, output_name: str) -> float:
    if weight is None:
        return 1.0
    try:
        return float(weight)
    except (TypeError, ValueError):
        raise TypeError(f"The `loss_weights` entry of output '{output_name}' must be a number. "
                        f"Received: {weight!r}") from None


class Objectives:
    """Losses and metrics per output, as resolved from `compile()` arguments.

    Example:
    >>> obj = Objectives("mse", None, ["mae"], ["output"])
    >>> obj.build([(None, 1)], [(None, 1)])
    >>> obj.log_names()
    ['loss', 'mae']
    """

    def __init__(self, loss, loss_weights, metrics, output_names, weighted_metrics=None):
        self.output_names = list(output_names)
        self.loss_spec = loss
        self.metrics_spec = metrics
        self.weighted_metrics_spec = weighted_metrics
        per_output = _per_output(loss, self.output_names, "loss", lists_by_position=True)
        self.losses = [None if l is None else losses_module.get(l) for l in per_output]
        if all(l is None for l in self.losses):
            raise ValueError("No loss to compute: give `loss=` to compile() (e.g. "
                             "loss='mse' or loss='sparse_categorical_crossentropy').")
        weights = _per_output(loss_weights, self.output_names, "loss_weights",
                              lists_by_position=True) \
            if loss_weights is not None else [1.0] * len(self.output_names)
        self.loss_weights = [_loss_weight(w, name) for w, name in zip(weights, self.output_names)]
        self._metric_specs = self._metric_specs_per_output(metrics, "metrics")
        self._weighted_specs = self._metric_specs_per_output(weighted_metrics, "weighted_metrics")
        self.built = False

    def _metric_specs_per_output(self, metrics, what):
        if metrics is None:
            return [[] for _ in self.output_names]
        if isinstance(metrics, dict):
            per = _per_output(metrics, self.output_names, what)
        elif isinstance(metrics, (list, tuple)) and len(self.output_names) > 1 and \
                metrics and all(isinstance(m, (list, tuple)) or m is None for m in metrics):
            per = _per_output(list(metrics), self.output_names, what)
        else:
            per = [metrics] * len(self.output_names)
        return [[] if m is None else list(m) if isinstance(m, (list, tuple)) else [m] for m in per]

    def build(self, y_true_shapes, y_pred_shapes) -> None:
        """Resolves 'accuracy'-style metric names, which depend on the data's shapes."""
        if self.built:
            return
        if len(y_true_shapes) != len(self.output_names):
            raise ValueError(
                f"The model has {len(self.output_names)} output(s) {self.output_names} but "
                f"received {len(y_true_shapes)} target array(s) `y`. Give one target per "
                "output (a list, or a dict by output name).")
        self.y_pred_shapes = [tuple(shape) for shape in y_pred_shapes]
        multi = len(self.output_names) > 1
        self.loss_trackers = [metrics_module.Mean(name="loss")]
        self.output_loss_trackers = [
            metrics_module.Mean(name=f"{name}_loss") if (multi and loss is not None) else None
            for name, loss in zip(self.output_names, self.losses)]
        self.metrics = []   # (output index, metric, log name, weighted)
        for weighted, specs_per_output in ((False, self._metric_specs),
                                           (True, self._weighted_specs)):
            for i, specs in enumerate(specs_per_output):
                for spec in specs:
                    metric = metrics_module.resolve(spec, loss=self.losses[i],
                                                    y_true_shape=y_true_shapes[i],
                                                    y_pred_shape=y_pred_shapes[i])
                    name = metric.name
                    if weighted and spec in ("accuracy", "acc"):
                        name = f"weighted_{name}"
                    self.metrics.append((i, metric, f"{self.output_names[i]}_{name}" if multi else name,
                                         weighted))
        self.built = True

    def all_metric_objects(self) -> list:
        trackers = [t for t in self.output_loss_trackers if t is not None]
        return self.loss_trackers + trackers + [m for _, m, _, _ in self.metrics]

    def log_names(self) -> list[str]:
        names = ["loss"]
        names += [t.name for t in self.output_loss_trackers if t is not None]
        names += [name for _, _, name, _ in self.metrics]
        return names

    def compute_loss(self, y_true, y_pred, sample_weight, n_real):
        """Total loss and the per-output losses, over real (unmasked) rows only."""
        total, per_output = 0.0, []
        for i, loss in enumerate(self.losses):
            if loss is None:
                per_output.append(None)
                continue
            try:
                value = reduce_loss(loss, y_true[i], y_pred[i],
                                    _output_weights(sample_weight, i), n_real)
            except (TypeError, ValueError) as error:   # e.g. labels that do not broadcast
                kind = TypeError if isinstance(error, TypeError) else ValueError
                raise kind(f"The loss of output '{self.output_names[i]}' ({loss.name}) cannot "
                           f"compare labels of shape {_batch_of(y_true[i])} with predictions "
                           f"of shape {_batch_of(y_pred[i])}: {error}") from error
            per_output.append(value)
            total = total + self.loss_weights[i] * value
        return total, per_output

    def update_metrics(self, y_true, y_pred, sample_weight, mask, total, per_output, n_real):
        """Updates every tracker and metric; runs inside the trainer's stateless scope."""
        self.loss_trackers[0].update_state(total, sample_weight=n_real)
        for tracker, value in zip(self.output_loss_trackers, per_output):
            if tracker is not None:
                tracker.update_state(value, sample_weight=n_real)
        for i, metric, _, weighted in self.metrics:
            weights = _output_weights(sample_weight, i) if weighted else mask
            metric.update_state(y_true[i], y_pred[i], sample_weight=weights)

    def results(self) -> dict:
        out = {"loss": self.loss_trackers[0].result()}
        for tracker in self.output_loss_trackers:
            if tracker is not None:
                out[tracker.name] = tracker.result()
        for _, metric, name, _ in self.metrics:
            out[name] = metric.result()
        return out


def _batch_of(array) -> tuple:
    return (None,) + tuple(jnp.shape(array))[1:]


def _output_weights(sample_weight, output: int):
    """The weights of one output's rows: shared `(rows,)` weights, or the output's column of
    per-output `(rows, outputs)` weights."""
    return sample_weight if sample_weight.ndim == 1 else sample_weight[:, output]


def _leaves(spec):
    if isinstance(spec, dict):
        return [leaf for value in spec.values() for leaf in _leaves(value)]
    if isinstance(spec, (list, tuple)):
        return [leaf for value in spec for leaf in _leaves(value)]
    return [] if spec is None else [spec]


def validate_identifiers(loss, metrics, weighted_metrics) -> None:
    """Fails at compile time, with a did-you-mean hint, on an unknown loss or metric name."""
    for spec in _leaves(loss):
        losses_module.get(spec)
    for spec in _leaves(metrics) + _leaves(weighted_metrics):
        if isinstance(spec, str) and spec not in ("accuracy", "acc", "crossentropy", "ce"):
            metrics_module.get(spec)


def reduce_loss(loss, y_true, y_pred, sample_weight, n_real):
    """The loss's own reduction (`losses.loss`) over the real rows of a padded batch: padded
    rows weigh 0 and the mean reductions divide by the real rows' entries. Unreduced losses
    (`reduction=None`) are averaged, as Keras's `compile` does."""
    dtype = getattr(loss, "dtype", None) or "float32"
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true, dtype=dtype if y_pred.dtype.kind == "f" else None)
    values = jnp.asarray(loss.call(y_true, y_pred), dtype="float32")
    if values.ndim == 0:  # a custom loss that already reduced its batch
        return values
    reduction = getattr(loss, "reduction", None) or "sum_over_batch_size"
    if reduction == "none":
        reduction = "sum_over_batch_size"
    per_row = values.size // max(values.shape[0], 1)
    return reduce_weighted_values(values, sample_weight, reduction=reduction, dtype="float32",
                                  size=n_real * per_row)
