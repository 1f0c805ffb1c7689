"""`Progbar`: the text progress bar of `fit`/`evaluate`/`predict` (`keras.utils.Progbar`).

What this module owns: the exact text tf.keras 2 printed, e.g.::

    Epoch 1/5
    1500/1500 [==============================] - 3s 1ms/step - loss: 0.6051 - accuracy: 0.7949

verbose=1 redraws the line in place (`\\b`, `\\r`) when stdout is a terminal or
a Jupyter notebook's output (as Keras does under ipykernel), with an ETA while
running; elsewhere (a pipe, a CI log) it prints only the final line of each bar.
verbose=2 prints one line per bar when it finishes:
`1500/1500 - 3s - loss: 0.6051 - accuracy: 0.7949 - 3s/epoch - 2ms/step`.
"""
from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterable

import numpy as np

# The clock the bar measures with (a module attribute so tests can pin time).
_clock = time.monotonic


def dynamic_display() -> bool:
    """Whether stdout shows a bar redrawn in place: a terminal, or a Jupyter notebook (an
    IPython kernel's output stream, whose frontends honour `\\r` as Keras relies on).

    >>> import io, contextlib
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     to_a_string = dynamic_display()
    >>> to_a_string
    False
    """
    if type(sys.stdout).__module__.startswith("ipykernel."):
        return True
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except ValueError:  # a closed stream
        return False


def _format_value(value, signed: bool = True) -> str:
    """4 decimals, or `%.4e` for values at most 1e-3 in size (as Keras)."""
    if isinstance(value, str):
        return value
    avg = float(np.mean(value))
    small = abs(avg) <= 1e-3 if signed else avg <= 1e-3
    return f"{avg:.4e}" if small else f"{avg:.4f}"


def _format_time(seconds: float, unit_name: str) -> str:
    """' 3s/step', ' 12ms/step' or ' 250us/step' as Keras writes a duration per unit."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return f"{int(eta // 3600)}:{int(eta % 3600 // 60):02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


class Progbar:
    """Displays a progress bar.

    Args:
        target: Total number of steps expected, `None` if unknown.
        width: Progress bar width on screen, in characters.
        verbose: Verbosity mode, 0 (silent), 1 (a bar), 2 (one line at the end).
        interval: Minimum visual progress update interval (in seconds).
        stateful_metrics: Iterable of string names of metrics that should *not*
            be averaged over time; they are displayed as given. All others are
            averaged over the steps by the bar before display.
        unit_name: Display name for step counts (usually "step" or "sample").

    Example:

    >>> bar = Progbar(target=10)
    >>> for step in range(1, 11):
    ...     bar.update(step, values=[("loss", 0.5)])  # doctest: +ELLIPSIS
    10/10 [==============================] - ...s/step - loss: 0.5000
    """

    def __init__(self, target: int | None, width: int = 30, verbose: int = 1,
                 interval: float = 0.05, stateful_metrics: Iterable[str] | None = None,
                 unit_name: str = "step") -> None:
        if verbose not in (0, 1, 2):
            raise ValueError("Progbar `verbose` must be 0 (silent), 1 (progress bar) or "
                             f"2 (one line per bar). Received: verbose={verbose!r}")
        self.target = target
        self.width = int(width)
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self._dynamic_display = dynamic_display()
        self._total_width = 0
        self._seen_so_far = 0
        self._values: dict = {}
        self._values_order: list = []
        self._start = _clock()
        self._last_update = 0.0
        self._time_at_epoch_start = self._start
        self._time_at_epoch_end = None
        self._time_after_first_step = None
        self._time_per_unit = 0.0

    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        """Updates the progress bar.

        Args:
            current: Index of current step (1-based count of steps done).
            values: List of tuples `(name, value_for_last_step)`. A name in
                `stateful_metrics` is displayed as given; any other is
                displayed as its average over the steps so far.
            finalize: Whether this is the last update for the progress bar.
                If `None`, it is `current >= target`.

        >>> bar = Progbar(target=2, verbose=2)
        >>> bar.update(1, [("acc", 0.5)])
        >>> bar.update(2, [("acc", 1.0)])  # doctest: +ELLIPSIS
        2/2 - 0s - acc: 0.7500 - ...s/epoch - ...s/step
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._accumulate(current, values or [])
        self._seen_so_far = current
        now = _clock()
        self._time_per_unit = self._estimate_step_duration(current, now)
        if current == self.target:
            self._time_at_epoch_end = now
        if self.verbose == 1:
            if not finalize and (not self._dynamic_display
                                 or now - self._last_update < self.interval):
                return
            self._write(self._verbose1_message(current, now, finalize))
        elif self.verbose == 2 and finalize:
            self._write(self._verbose2_message(current, now))
        self._last_update = now

    def add(self, n: int, values=None) -> None:
        """Advances the bar by `n` steps (see `update`).

        >>> bar = Progbar(target=None, verbose=0)
        >>> bar.add(3); bar.add(2); bar._seen_so_far
        5
        """
        self.update(self._seen_so_far + n, values)

    # ----------------------------------------------------------------- helpers
    def _accumulate(self, current, values) -> None:
        for name, value in values:
            if name not in self._values_order:
                self._values_order.append(name)
            if name in self.stateful_metrics or isinstance(value, str):
                self._values[name] = [value, 1]
                continue
            # At least 1: the first epoch of an unknown-length run calls update
            # twice with the same `current` (batch end, then epoch end).
            base = max(current - self._seen_so_far, 1)
            if name not in self._values:
                self._values[name] = [value * base, base]
            else:
                self._values[name][0] += value * base
                self._values[name][1] += base

    def _metrics_text(self, signed: bool = True) -> str:
        text = ""
        for name in self._values_order:
            total, count = self._values[name]
            shown = total if isinstance(total, str) else np.asarray(total) / max(1, count)
            text += f" - {name}: {_format_value(shown, signed)}"
        return text

    def _counter(self, current) -> str:
        digits = int(math.log10(self.target)) + 1
        return f"%{digits}d/%d" % (current, self.target)

    def _verbose1_message(self, current, now, finalize) -> str:
        prev_total_width = self._total_width
        message = ("\b" * prev_total_width + "\r") if self._dynamic_display else ""
        if self.target is not None and self.target > 0:
            bar = self._counter(current) + " ["
            prog_width = int(self.width * float(current) / self.target)
            if prog_width > 0:
                bar += "=" * (prog_width - 1) + (">" if current < self.target else "=")
            bar += "." * (self.width - prog_width) + "]"
        else:
            bar = f"{int(current):7d}/Unknown"
        if self.target is None or finalize:
            info = f" - {now - self._start:.0f}s" + _format_time(self._time_per_unit,
                                                                 self.unit_name)
        else:
            info = " - ETA: " + _format_eta(self._time_per_unit * (self.target - current))
        info += self._metrics_text()
        self._total_width = len(bar) + len(info)
        if self._dynamic_display and prev_total_width > self._total_width:
            info += " " * (prev_total_width - self._total_width)
        return message + bar + info + ("\n" if finalize else "")

    def _verbose2_message(self, current, now) -> str:
        if not self.target:
            self.target = max(int(current), 1)
        info = self._counter(current) + f" - {now - self._start:.0f}s"
        # tf.keras 2 tested `avg > 1e-3` here (not abs): negatives print in %.4e.
        info += self._metrics_text(signed=False)
        if self._time_at_epoch_end is not None:
            per_epoch = self._time_at_epoch_end - self._time_at_epoch_start
            info += " -" + _format_time(per_epoch, "epoch")
            info += " -" + _format_time(per_epoch / self.target, self.unit_name)
            self._time_at_epoch_start = now
            self._time_at_epoch_end = None
        return info + "\n"

    def _estimate_step_duration(self, current, now) -> float:
        """Seconds per step, leaving out the first step (it compiles) once
        more steps are done."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit

    @staticmethod
    def _write(message: str) -> None:
        sys.stdout.write(message)
        sys.stdout.flush()
