"""Devices, meshes and layouts (`keras.distribution.DeviceMesh`, `TensorLayout`, `LayoutMap`)."""
from __future__ import annotations

import re

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec


def list_devices(device_type=None) -> list:
    """The devices of every process (all of them take part in one distribution).

    >>> len(list_devices()) >= 1
    True
    """
    return jax.devices(device_type) if device_type else jax.devices()


class DeviceMesh:
    """Devices arranged in a named grid, e.g. `DeviceMesh((2, 4), ["batch", "model"])`.

    Example:
    >>> mesh = DeviceMesh(shape=(1,), axis_names=["batch"])
    >>> mesh.shape, mesh.axis_names
    ((1,), ['batch'])
    """

    def __init__(self, shape, axis_names, devices=None):
        self.shape = tuple(int(s) for s in shape)
        self.axis_names = list(axis_names)
        if len(self.shape) != len(self.axis_names):
            raise ValueError(f"DeviceMesh shape {self.shape} and axis_names {self.axis_names} "
                             "must have the same length.")
        devices = list_devices() if devices is None else list(devices)
        if int(np.prod(self.shape)) != len(devices):
            raise ValueError(f"DeviceMesh shape {self.shape} needs {int(np.prod(self.shape))} "
                             f"devices, but {len(devices)} were given.")
        self.devices = np.asarray(devices, dtype=object).reshape(self.shape)
        self.jax_mesh = Mesh(self.devices, tuple(self.axis_names))


class TensorLayout:
    """How one array is split over a mesh: one mesh axis name (or None) per array axis.

    >>> TensorLayout((None, "model")).axes
    (None, 'model')
    """

    def __init__(self, axes, device_mesh=None):
        self.axes = tuple(axes)
        self.device_mesh = device_mesh


class LayoutMap:
    """Variable path patterns (regular expressions) mapped to layouts, for model parallelism.

    Example:
    >>> mesh = DeviceMesh((1, 1), ["batch", "model"])
    >>> layout_map = LayoutMap(mesh)
    >>> layout_map["dense.*kernel"] = (None, "model")
    >>> layout_map["dense_1/kernel"].axes
    (None, 'model')
    """

    def __init__(self, device_mesh):
        self.device_mesh = device_mesh
        self._layouts: dict[str, TensorLayout] = {}

    def __setitem__(self, pattern, layout):
        if not isinstance(layout, TensorLayout):
            layout = TensorLayout(layout, self.device_mesh)
        self._layouts[pattern] = layout

    def __getitem__(self, path):
        if path in self._layouts:
            return self._layouts[path]
        matches = [layout for pattern, layout in self._layouts.items() if re.search(pattern, path)]
        if len(matches) > 1:
            raise ValueError(f"Variable path '{path}' matches several LayoutMap keys; make "
                             "the patterns unambiguous.")
        return matches[0] if matches else None

    def __len__(self):
        return len(self._layouts)


def named_sharding(mesh: DeviceMesh, axes) -> NamedSharding:
    return NamedSharding(mesh.jax_mesh, PartitionSpec(*axes))
