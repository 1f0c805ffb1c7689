"""The benchmark harness of neurx (not part of the installed package).

`python -m bench` runs the notes' workloads in neurx, Keras 3 (jax and torch
backends, where installed) and a hand-written JAX `lax.scan` loop, each in fresh
processes, and prints the medians and ratios; docs/performance.md records a run.

- `workloads.py`: the workloads, their synthetic data and their Keras-API models.
- `scan_baselines.py`: the same models as plain jax + optax training loops.
- `worker.py`: one measurement in one fresh process, reported as JSON.
- `run.py`: the plan of a run, alternating frameworks; the JSON file.
- `report.py`: medians, ratios, the targets and the tables.
"""
