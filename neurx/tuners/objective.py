"""`Objective`: which logged metric a tuner optimizes, and in which direction.

A trial's score is the best value the metric reached over the epochs of its `fit`
(averaged over `executions_per_trial`), as in KerasTuner. An objective given by name
gets its direction from the metric (`"val_accuracy"` is maximized, `"val_loss"`
minimized); a list of objectives is optimized through their signed sum.
"""
from __future__ import annotations

import math

from neurx.tuners.errors import FatalValueError

_MAXIMIZED = ("acc", "accuracy", "auc", "precision", "recall", "f1_score", "fbeta_score",
              "r2_score", "binary_accuracy", "categorical_accuracy",
              "sparse_categorical_accuracy", "top_k_categorical_accuracy",
              "sparse_top_k_categorical_accuracy", "true_positives", "true_negatives",
              "iou", "mean_iou", "sensitivity_at_specificity", "specificity_at_sensitivity",
              "precision_at_recall", "recall_at_precision")
_MINIMIZED = ("loss", "mse", "mae", "mape", "msle", "mean_squared_error",
              "mean_absolute_error", "mean_absolute_percentage_error",
              "mean_squared_logarithmic_error", "root_mean_squared_error", "rmse",
              "logcosh", "log_cosh", "crossentropy", "binary_crossentropy",
              "categorical_crossentropy", "sparse_categorical_crossentropy", "hinge",
              "squared_hinge", "categorical_hinge", "kl_divergence", "kld", "poisson",
              "cosine_similarity", "false_positives", "false_negatives")


class Objective:
    """The metric to optimize and its direction, `"min"` or `"max"`.

    Example:
    >>> Objective("val_accuracy", direction="max")
    Objective(name="val_accuracy", direction="max")
    >>> Objective("val_loss", "min").best_value({"val_loss": [0.5, 0.25, 0.4]})
    (0.25, 1)
    """

    def __init__(self, name: str, direction: str):
        if direction not in ("min", "max"):
            raise ValueError(f'`direction` must be "min" or "max". Received: '
                             f"direction={direction!r} for objective {name!r}.")
        self.name = name
        self.direction = direction

    @property
    def optuna_direction(self) -> str:
        return "minimize" if self.direction == "min" else "maximize"

    def epoch_values(self, history: dict) -> list[float]:
        """The objective's value at each epoch of a `History.history` dict."""
        if self.name not in history:
            raise FatalValueError(
                f"The objective {self.name!r} is not among the metrics that fit() logged: "
                f"{sorted(history)}. Compile the model with that metric, pass "
                "validation_data for a 'val_' objective, or choose one of these.")
        return [float(v) for v in history[self.name]]

    def best_value(self, history: dict) -> tuple[float, int]:
        """`(best value, its epoch index)` over the epochs (NaN epochs are skipped)."""
        values = self.epoch_values(history)
        ranked = [(v, i) for i, v in enumerate(values) if not math.isnan(v)]
        if not ranked:
            return math.nan, max(len(values) - 1, 0)
        if self.direction == "min":
            return min(ranked, key=lambda p: (p[0], p[1]))
        return max(ranked, key=lambda p: (p[0], -p[1]))

    def better(self, a: float, b: float) -> bool:
        """Whether value `a` is strictly better than `b`."""
        return a < b if self.direction == "min" else a > b

    def get_config(self) -> dict:
        return {"name": self.name, "direction": self.direction}

    def __eq__(self, other):
        return isinstance(other, Objective) and self.get_config() == other.get_config()

    def __hash__(self):
        return hash((self.name, self.direction))

    def __repr__(self):
        return f'Objective(name="{self.name}", direction="{self.direction}")'


class MultiObjective(Objective):
    """Several objectives optimized as one: the sum of the minimized ones minus the maximized.

    >>> both = MultiObjective([Objective("val_loss", "min"), Objective("val_acc", "max")])
    >>> both.epoch_values({"val_loss": [1.0, 0.5], "val_acc": [0.5, 0.75]})
    [0.5, -0.25]
    """

    def __init__(self, objectives):
        self.objectives = list(objectives)
        super().__init__("multi_objective", "min")

    def epoch_values(self, history: dict) -> list[float]:
        columns = [(o, o.epoch_values(history)) for o in self.objectives]
        n = min(len(values) for _, values in columns)
        return [sum(values[i] if o.direction == "min" else -values[i] for o, values in columns)
                for i in range(n)]

    def get_config(self) -> dict:
        return {"name": self.name, "direction": "min",
                "objectives": [o.get_config() for o in self.objectives]}

    def __repr__(self):
        return f"MultiObjective({self.objectives!r})"


def infer_direction(name: str) -> str:
    """`"max"` or `"min"` for a metric name (its `val_` prefix ignored).

    >>> infer_direction("val_accuracy"), infer_direction("mae")
    ('max', 'min')
    """
    base = name[4:] if name.startswith("val_") else name
    if base in _MAXIMIZED:
        return "max"
    if base in _MINIMIZED or base.endswith("_loss") or base.endswith("_error"):
        return "min"
    raise ValueError(
        f'Could not infer optimization direction ("min" or "max") for unknown metric '
        f'"{name}". Please specify the objective as a `neurx.tuners.Objective`, for example '
        f'`Objective("{name}", direction="min")`.')


def get_objective(objective) -> Objective:
    """An `Objective` from None (val_loss), a name, an `Objective` or a list of them.

    >>> get_objective("val_accuracy")
    Objective(name="val_accuracy", direction="max")
    >>> get_objective(None)
    Objective(name="val_loss", direction="min")
    """
    if objective is None:
        return Objective("val_loss", "min")
    if isinstance(objective, Objective):
        return objective
    if isinstance(objective, str):
        return Objective(objective, infer_direction(objective))
    if isinstance(objective, (list, tuple)):
        objectives = [get_objective(o) for o in objective]
        return objectives[0] if len(objectives) == 1 else MultiObjective(objectives)
    raise TypeError(f"`objective` must be a metric name, an Objective or a list of them. "
                    f"Received: {objective!r}.")
