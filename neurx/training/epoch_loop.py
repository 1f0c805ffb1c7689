"""One epoch of `fit`: how it is cut into programs, and when callbacks see it.

Three ways, fastest first:
- the whole epoch in one scan: two dispatches (the epoch's plan, from a program shared by
  every model, then the scan) and one wait per epoch — when no callback needs batch hooks and
  nothing asks for progress inside the epoch;
- chunks, pipelined: when only the progress bar (or `steps_per_execution`) cuts the epoch,
  chunk k+1 is dispatched before chunk k's logs are read, so the device never waits for the
  terminal;
- chunks in lockstep: a callback with batch hooks sees every chunk's logs before the next chunk
  starts and may change weights or stop training in between.
"""
from __future__ import annotations

import math

PROGRESS_UPDATES = 30


def progress_chunk(steps: int) -> int:
    """Batches per progress update: about `PROGRESS_UPDATES` updates per epoch, in chunks of
    one size that divides the epoch when such a size gives 10 to 60 updates (each distinct
    chunk length is one more compiled program).

    >>> progress_chunk(363), progress_chunk(1719), progress_chunk(29)
    (11, 58, 1)
    """
    divisors = [d for d in range(1, steps + 1) if steps % d == 0 and 10 <= steps // d <= 60]
    if divisors:
        return min(divisors, key=lambda d: abs(math.log(steps / d / PROGRESS_UPDATES)))
    return max(1, -(-steps // PROGRESS_UPDATES))


def train_epoch(trainer, steps, source, cbs, key, epoch, chunk: int, shuffle) -> dict:
    """Trains one epoch; writes the state back to the variables; returns the last logs."""
    step_key, batches = source.epoch(chunk, key, epoch, shuffle)
    return run_chunks(trainer, steps, batches, cbs, steps.gather(step_key))


def run_chunks(trainer, steps, batches, cbs, state) -> dict:
    """Trains on `batches` (`(start, end, data, indices, masks)` per chunk, from in-memory
    data or a stream), in lockstep with callbacks that have batch hooks, else pipelined;
    writes the state back to the variables and returns the last logs."""
    if cbs.needs_batch_hooks("train"):
        return _lockstep(trainer, steps, batches, cbs, state)
    return _pipelined(trainer, steps, batches, cbs, state)


def _lockstep(trainer, steps, batches, cbs, state) -> dict:
    model, logs = trainer.model, {}
    for start, end, data, indices, masks in batches:
        cbs.on_train_batch_begin(start)
        # A callback may have set weights or the optimizer state since the last chunk.
        state = state._replace(trainable=[v.value for v in steps.trainable_vars],
                               non_trainable=[v.value for v in steps.non_trainable_vars],
                               opt_state=model.optimizer.state)
        state, chunk_logs = steps.train_chunk(state, data, indices, masks)
        steps.scatter(state)
        logs = trainer.logs(chunk_logs)
        cbs.on_train_batch_end(end - 1, logs)
        if model.stop_training:
            break
    steps.scatter_metrics(state.metrics)
    return logs


def _pipelined(trainer, steps, batches, cbs, state) -> dict:
    model, logs, reported = trainer.model, {}, state
    pending = None   # (last batch index, state after it, its logs): dispatched, not reported

    def report(done):
        nonlocal logs, reported
        end, reported, chunk_logs = done
        logs = trainer.logs(chunk_logs)   # waits for this chunk only
        cbs.on_train_batch_end(end - 1, logs)

    for start, end, data, indices, masks in batches:
        state, chunk_logs = steps.train_chunk(state, data, indices, masks)
        if pending is not None:
            report(pending)
            if model.stop_training:   # the chunk dispatched after the stopping one is dropped
                pending = None
                break
        cbs.on_train_batch_begin(start)
        pending = (end, state, chunk_logs)
    if pending is not None:
        report(pending)
    steps.scatter(reported)
    steps.scatter_metrics(reported.metrics)
    return logs
