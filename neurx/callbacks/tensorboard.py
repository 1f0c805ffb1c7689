"""`TensorBoard`: the callback that logs training for TensorBoard, without TensorFlow.

What this module owns: when each record is written and under which tag,
following Keras 3's callback: `<log_dir>/train` and `<log_dir>/validation`
runs; `epoch_<metric>` scalars (and `epoch_learning_rate`,
`epoch_steps_per_second`) at each epoch; `batch_<metric>` every `update_freq`
batches; `evaluation_<metric>_vs_iterations` at the end of each evaluation;
`<weight path>/histogram` and `/image` every `histogram_freq` epochs; the layer
graph once; embeddings every `embeddings_freq` epochs; a JAX profile of the
`profile_batch` range. The file formats are in `neurx.tensorboard`.

Batch hooks are attached to the instance only when batch-level work is asked
for (`update_freq` other than "epoch", or `profile_batch`), so the default
callback leaves `fit` free to run a whole epoch per compiled call.
"""
from __future__ import annotations

import os
import time

import jax
import numpy as np

from neurx.tensorboard import graph_def, projector, summaries
from neurx.tensorboard.writer import SummaryWriter, ensure_writable_dir
from neurx.training.callback import Callback


def _check_frequency(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"`{name}` must be a non-negative integer (0 turns it off). "
                         f"Received: {name}={value!r}")
    return int(value)


def _check_update_freq(update_freq):
    if update_freq == "batch":
        return 1
    if update_freq == "epoch":
        return "epoch"
    if isinstance(update_freq, (int, np.integer)) and not isinstance(update_freq, bool) \
            and update_freq >= 1:
        return int(update_freq)
    raise ValueError("`update_freq` must be 'epoch', 'batch' or a positive integer (write the "
                     f"batch logs every that many batches). Received: update_freq={update_freq!r}")


def _profile_range(profile_batch) -> tuple[int, int]:
    message = ("profile_batch must be a non-negative integer or 2-tuple of positive integers. "
               "A pair of positive integers signifies a range of batches to profile. "
               f"Found: {profile_batch!r}")
    value = profile_batch
    if isinstance(value, str):
        try:
            value = [int(part) for part in value.split(",")]
        except ValueError:
            raise ValueError(message) from None
        value = value[0] if len(value) == 1 else value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        start = stop = int(value)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        start, stop = (int(v) for v in value)
    else:
        raise ValueError(message)
    if start < 0 or stop < start:
        raise ValueError(message)
    return start, stop


class TensorBoard(Callback):
    """Enable visualizations for TensorBoard (no TensorFlow needed).

    Writes event files that `tensorboard --logdir=<log_dir or a parent>` shows:
    the losses and metrics (Scalars), weight histograms (Histograms and
    Distributions), the layer graph (Graphs), weight images (Images),
    embeddings (Projector) and a JAX profile (Profile, with
    `tensorboard-plugin-profile`). Training logs go to `<log_dir>/train`,
    validation logs to `<log_dir>/validation`; one `log_dir` per run, e.g.
    `my_logs/run_2019_06_07-15_15_22`, puts many runs side by side.

    Args:
        log_dir: The folder of this run's logs (created if missing).
        histogram_freq: Every how many epochs to write a histogram of every
            weight (`<weight path>/histogram`, e.g. `dense/kernel/histogram`);
            0 writes none.
        write_graph: Whether to write the model's layer graph.
        write_images: Whether to also write each weight as an image (with
            the histograms), rescaled to its own min..max.
        write_steps_per_second: Whether to log training steps per second
            (`epoch_steps_per_second`, and `batch_steps_per_second` with
            batch-level logging).
        update_freq: "epoch" writes the logs each epoch; "batch" or an
            integer N also writes `batch_<metric>` every N batches (then
            `fit` runs batch by batch).
        profile_batch: A batch number, or a `(start, stop)` range of batches,
            to profile with `jax.profiler` into `<log_dir>/train/plugins/profile`;
            0 profiles nothing.
        embeddings_freq: Every how many epochs to write the embedding layers'
            matrices for the Projector; 0 writes none.
        embeddings_metadata: A file of labels (one per line) for every
            embedding layer, or a dict mapping embedding layer names to such
            files.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> import neurx as keras
    >>> model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> log_dir = os.path.join(tempfile.mkdtemp(), "run_1")
    >>> tensorboard_cb = keras.callbacks.TensorBoard(log_dir, histogram_freq=1)
    >>> _ = model.fit(np.ones((8, 3)), np.ones(8), epochs=2, verbose=0,
    ...               validation_data=(np.ones((4, 3)), np.ones(4)),
    ...               callbacks=[tensorboard_cb])
    >>> sorted(os.listdir(log_dir))
    ['train', 'validation']
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None) -> None:
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = _check_frequency(histogram_freq, "histogram_freq")
        self.write_graph = bool(write_graph)
        self.write_images = bool(write_images)
        self.write_steps_per_second = bool(write_steps_per_second)
        self.update_freq = _check_update_freq(update_freq)
        self.embeddings_freq = _check_frequency(embeddings_freq, "embeddings_freq")
        self.embeddings_metadata = embeddings_metadata
        self._start_batch, self._stop_batch = _profile_range(profile_batch)
        self._should_trace = not (self._start_batch == 0 and self._stop_batch == 0)
        self._is_tracing = False
        self._writers: dict[str, SummaryWriter] = {}
        self._graph_pending = False
        self._embedding_layers: list = []
        self._embedding_files: dict = {}
        self._global_train_batch = 0
        self._batches_in_epoch = 0
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._epoch_start_iterations = 0
        if self.update_freq != "epoch" or self._should_trace:
            # Instance attributes: the trainer then runs batch by batch (see
            # CallbackList.needs_batch_hooks); without them it runs whole epochs.
            self.on_train_batch_begin = self._on_train_batch_begin
            self.on_train_batch_end = self._on_train_batch_end

    # ------------------------------------------------------------------ writers
    @property
    def _train_dir(self) -> str:
        return os.path.join(self.log_dir, "train")

    @property
    def _val_dir(self) -> str:
        return os.path.join(self.log_dir, "validation")

    def _writer(self, kind: str) -> SummaryWriter:
        if kind not in self._writers:
            folder = self._train_dir if kind == "train" else self._val_dir
            self._writers[kind] = SummaryWriter(folder)
        return self._writers[kind]

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def set_model(self, model) -> None:
        """Stores the model, checks `log_dir` can be written, writes the graph."""
        super().set_model(model)
        self._close_writers()
        ensure_writable_dir(self.log_dir)
        self._graph_pending = self.write_graph
        self._maybe_write_graph()
        if self.embeddings_freq:
            self._embedding_layers = projector.embedding_layers(model)
            self._embedding_files = projector.resolve_metadata(
                self._embedding_layers, self.embeddings_metadata)

    def _maybe_write_graph(self) -> None:
        model = self.model
        if not self._graph_pending or not getattr(model, "built", False):
            return
        self._graph_pending = False
        if getattr(model, "_graph", None) is None:
            return  # a subclassed model has no layer graph (Keras writes none either)
        self._writer("train").graph_def(graph_def.model_graph_def(model))
        self._writer("train").flush()

    # ------------------------------------------------------------------ hooks
    def on_train_begin(self, logs=None) -> None:
        self._global_train_batch = 0
        self._maybe_write_graph()

    def on_train_end(self, logs=None) -> None:
        if self._is_tracing:
            self._stop_trace()
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._batches_in_epoch = 0
        if self.write_steps_per_second:
            self._epoch_start_iterations = self._iterations()
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None) -> None:
        """Writes the epoch's scalars, then histograms and embeddings when due."""
        self._log_epoch_metrics(epoch, logs or {})
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings()

    def on_test_end(self, logs=None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return
        writer = self._writer("validation")
        step = self._iterations()
        for name, value in (logs or {}).items():
            if _is_number(value):
                writer.scalar(f"evaluation_{name}_vs_iterations", value, step=step)
        writer.flush()

    # The two batch hooks below become `on_train_batch_begin/end` of the instance
    # only when batch-level work is asked for (see __init__).
    def _on_train_batch_begin(self, batch, logs=None) -> None:
        if self.write_steps_per_second:
            self._batch_start_time = time.time()
        upcoming = self._global_train_batch + 1
        if self._should_trace and not self._is_tracing and \
                self._start_batch <= upcoming <= self._stop_batch:
            self._start_trace()

    def _on_train_batch_end(self, batch, logs=None) -> None:
        previous = self._global_train_batch
        self._global_train_batch += max(int(batch) + 1 - self._batches_in_epoch, 1)
        self._batches_in_epoch = int(batch) + 1
        step = self._global_train_batch
        if self.update_freq != "epoch" and step // self.update_freq > previous // self.update_freq:
            writer = self._writer("train")
            if self.write_steps_per_second:
                elapsed = max(time.time() - self._batch_start_time, 1e-9)
                writer.scalar("batch_steps_per_second", (step - previous) / elapsed, step=step)
            for name, value in (logs or {}).items():
                if _is_number(value):
                    writer.scalar(f"batch_{name}", value, step=step)
        if self._is_tracing and step >= self._stop_batch:
            self._stop_trace()

    # ------------------------------------------------------------------ content
    def _iterations(self) -> int:
        return int(getattr(self.model.optimizer, "iterations", 0) or 0)

    def _collect_learning_rate(self, logs: dict) -> dict:
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if hasattr(optimizer, "optimizers"):
            for inner in optimizer.optimizers:
                logs[f"learning_rate_{inner.name}"] = float(np.asarray(inner.learning_rate))
        elif optimizer is not None and hasattr(optimizer, "learning_rate"):
            logs["learning_rate"] = float(np.asarray(optimizer.learning_rate))
        return logs

    def _log_epoch_metrics(self, epoch: int, logs: dict) -> None:
        if not logs:
            return
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        train_logs = self._collect_learning_rate(train_logs)
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train_logs["steps_per_second"] = (self._iterations()
                                              - self._epoch_start_iterations) / elapsed
        for kind, values in (("train", train_logs), ("validation", val_logs)):
            values = {k: v for k, v in values.items() if _is_number(v)}
            if values:
                writer = self._writer(kind)
                for name, value in values.items():
                    writer.scalar(f"epoch_{name}", value, step=epoch)
                writer.flush()

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                writer.histogram(f"{name}/histogram", weight, step=epoch)
                if self.write_images:
                    picture = summaries.weight_image(weight)
                    if picture is not None:
                        writer.image(f"{name}/image", picture, step=epoch)
        writer.flush()

    def _log_embeddings(self) -> None:
        if self._embedding_layers:
            projector.write_projector_files(self._train_dir, self._embedding_layers,
                                            self._embedding_files)

    # ------------------------------------------------------------------ profiling
    def _start_trace(self) -> None:
        ensure_writable_dir(self._train_dir)
        jax.profiler.start_trace(self._train_dir)
        self._is_tracing = True

    def _stop_trace(self) -> None:
        jax.profiler.stop_trace()
        self._is_tracing = False


def _is_number(value) -> bool:
    return np.ndim(value) == 0 and np.asarray(value).dtype.kind in "biuf"
