"""Learning-curve plots with matplotlib: `History.plot()` and the learning-rate finder's plot.

What this module owns: the two pictures. Training curves put each metric and
its `val_` twin in one colour (training solid, validation dashed) against the
epoch, as `pd.DataFrame(history.history).plot()` would but paired; the
learning-rate finder's curve puts the loss against a log-scale learning rate
and marks the suggested rate. matplotlib is imported when a plot is drawn,
so it stays an optional dependency.
"""
from __future__ import annotations

import numpy as np


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError("Plotting needs matplotlib: pip install matplotlib") from error
    return plt


def _new_axes(ax, figsize):
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=figsize)
    return ax


def _epochs_for(values: list, total: int) -> np.ndarray:
    """x positions of a metric: every epoch, or every k-th for `validation_freq=k`."""
    count = len(values)
    if count == total or count == 0:
        return np.arange(count)
    step = max(total // count, 1)
    return np.arange(step - 1, step * count, step)[:count]


def plot_history(history, keys=None, ax=None, figsize=(8, 5), grid: bool = True,
                 ylim=None, title: str | None = None, xlabel: str = "Epoch"):
    """Plots the curves of a `History` (or of its `history` dict); returns the Axes.

    Args:
        history: A `History` (what `fit` returns) or a dict of lists.
        keys: The metrics to draw (default: all). A `val_<name>` key is drawn
            dashed in the colour of `<name>`.
        ax: The matplotlib Axes to draw on (default: a new figure).
        figsize: The size of the new figure, in inches.
        grid: Whether to draw a grid.
        ylim: Limits of the y axis, e.g. `(0, 1)` as in the notes.
        title: The title of the plot.
        xlabel: The label of the x axis.

    Example:

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.5]})
    >>> [line.get_label() for line in ax.get_lines()]
    ['loss', 'val_loss']
    """
    record = getattr(history, "history", history)
    if not isinstance(record, dict) or not record:
        raise ValueError("There is nothing to plot: the history is empty. Call fit() first; "
                         f"it returns the History to plot. Received: {history!r}")
    keys = list(record) if keys is None else list(keys)
    missing = [k for k in keys if k not in record]
    if missing:
        raise ValueError(f"No such keys in the history: {missing}. It has {list(record)}.")
    ax = _new_axes(ax, figsize)
    total = max(len(record[k]) for k in keys)
    colours, cycle = {}, iter(_pyplot().rcParams["axes.prop_cycle"].by_key()["color"] * 10)
    for key in keys:
        base = key[4:] if key.startswith("val_") else key
        if base not in colours:
            colours[base] = next(cycle)
        values = np.asarray(record[key], dtype=float)
        ax.plot(_epochs_for(list(values), total), values, label=key, color=colours[base],
                linestyle="--" if key.startswith("val_") else "-",
                marker="." if key.startswith("val_") else None)
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)  # epochs are whole numbers
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    ax.grid(grid)
    ax.legend()
    return ax


def plot_learning_rate_finder(rates, losses, suggested_learning_rate=None, ax=None,
                              figsize=(8, 5), skip_end: int = 0):
    """Plots loss against a log-scale learning rate; returns the Axes.

    Args:
        rates, losses: What the learning-rate finder recorded, one per step.
        suggested_learning_rate: Marked with a vertical line when given.
        ax: The matplotlib Axes to draw on (default: a new figure).
        figsize: The size of the new figure, in inches.
        skip_end: How many of the last steps to leave out (where the loss
            exploded and would squash the rest of the curve).

    Example:

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_learning_rate_finder([1e-4, 1e-3, 1e-2], [1.0, 0.5, 2.0], 1e-3)
    >>> ax.get_xscale()
    'log'
    """
    rates = np.asarray(rates, dtype=float)
    losses = np.asarray(losses, dtype=float)
    if skip_end:
        rates, losses = rates[:-skip_end], losses[:-skip_end]
    ax = _new_axes(ax, figsize)
    ax.plot(rates, losses, label="loss")
    ax.set_xscale("log")
    ax.set_xlabel("Learning rate")
    ax.set_ylabel("Loss")
    finite = losses[np.isfinite(losses)]
    if finite.size:  # from just below the minimum to a bit above the starting loss
        low, start = float(np.min(finite)), float(finite[0])
        span = max(start - low, 0.1 * abs(low), 1e-6)
        ax.set_ylim(low - 0.05 * span, start + 0.5 * span)
    if suggested_learning_rate is not None:
        ax.axvline(suggested_learning_rate, color="red", linestyle="--",
                   label=f"suggested: {suggested_learning_rate:.3g}")
    ax.grid(True, which="both", alpha=0.4)
    ax.legend()
    return ax
