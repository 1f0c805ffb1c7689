"""Data and model parallelism on `jax.sharding` (`keras.distribution.DataParallel`, ...).

A distribution tells the trainer where arrays live: batches are split along the mesh's
batch axis, variables are replicated (DataParallel) or split by a `LayoutMap`
(ModelParallel). XLA inserts the collectives. Several processes (machines) join one
mesh through `initialize()`, which is `jax.distributed.initialize`.
"""
from __future__ import annotations

import jax
import numpy as np

from neurx.distribution.mesh import DeviceMesh, LayoutMap, list_devices, named_sharding  # noqa: F401

_current = {"distribution": None}


class Distribution:
    """Base: a device mesh and the name of its batch axis."""

    def __init__(self, device_mesh: DeviceMesh, batch_dim_name: str):
        self.device_mesh = device_mesh
        self.batch_dim_name = batch_dim_name
        if batch_dim_name not in device_mesh.axis_names:
            raise ValueError(f"batch_dim_name '{batch_dim_name}' is not an axis of the mesh "
                             f"{device_mesh.axis_names}.")

    @property
    def batch_shards(self) -> int:
        return self.device_mesh.shape[self.device_mesh.axis_names.index(self.batch_dim_name)]

    def batch_sharding(self, ndim: int):
        return named_sharding(self.device_mesh, (self.batch_dim_name,) + (None,) * (ndim - 1))

    def replicated(self):
        return named_sharding(self.device_mesh, ())

    def variable_sharding(self, variable):
        return self.replicated()

    def to_global(self, array, sharding):
        """A global array from the same host data in every process."""
        array = np.asarray(array)
        if jax.process_count() == 1:
            return jax.device_put(array, sharding)
        return jax.make_array_from_callback(array.shape, sharding, lambda index: array[index])

    def scope(self):
        return _DistributionScope(self)


class DataParallel(Distribution):
    """Replicates the model on every device and splits each batch across them.

    Example:
    >>> dp = DataParallel()
    >>> dp.batch_shards == len(list_devices())
    True
    """

    def __init__(self, device_mesh=None, devices=None):
        if device_mesh is None:
            devices = list_devices() if devices is None else list(devices)
            device_mesh = DeviceMesh((len(devices),), ["batch"], devices)
        super().__init__(device_mesh, device_mesh.axis_names[0])


class ModelParallel(Distribution):
    """Splits variables by a `LayoutMap` (e.g. a large Dense kernel over a "model" axis) and
    batches over `batch_dim_name`.

    Example:
    >>> mesh = DeviceMesh((1, 1), ["batch", "model"])
    >>> layout_map = LayoutMap(mesh); layout_map["kernel"] = (None, "model")
    >>> ModelParallel(layout_map=layout_map, batch_dim_name="batch").batch_shards
    1
    """

    def __init__(self, device_mesh=None, layout_map=None, batch_dim_name="batch"):
        if layout_map is None:
            raise ValueError("ModelParallel needs a `layout_map` saying how to split variables.")
        super().__init__(device_mesh or layout_map.device_mesh, batch_dim_name)
        self.layout_map = layout_map

    def variable_sharding(self, variable):
        layout = self.layout_map[variable.path]
        if layout is None:
            return self.replicated()
        if len(layout.axes) != len(variable.shape):
            raise ValueError(f"Layout {layout.axes} for variable '{variable.path}' does not match "
                             f"its rank {len(variable.shape)} (shape {variable.shape}).")
        return named_sharding(self.device_mesh, layout.axes)


class _DistributionScope:
    def __init__(self, distribution):
        self.distribution = distribution

    def __enter__(self):
        self.previous = _current["distribution"]
        _current["distribution"] = self.distribution
        return self.distribution

    def __exit__(self, *exc):
        _current["distribution"] = self.previous
        return False


def set_distribution(value) -> None:
    """Makes `value` (or None) the distribution every following `fit`/`evaluate`/`predict` uses.

    >>> set_distribution(None); distribution() is None
    True
    """
    _current["distribution"] = value


def distribution():
    """The distribution in effect, or None."""
    return _current["distribution"]


def initialize(job_addresses=None, num_processes=None, process_id=None, *,
               coordinator_address=None, **kwargs) -> None:
    """Joins this process to a multi-process run (`jax.distributed.initialize`).

    `coordinator_address` ("host:port" of process 0; Keras's first `job_addresses` entry),
    `num_processes` and `process_id` may also come from the environment, as in JAX.
    """
    if coordinator_address is None and job_addresses:
        coordinator_address = job_addresses.split(",")[0] if isinstance(job_addresses, str) \
            else job_addresses[0]
    jax.distributed.initialize(coordinator_address=coordinator_address,
                               num_processes=num_processes, process_id=process_id, **kwargs)
