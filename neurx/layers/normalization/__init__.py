"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization,
UnitNormalization."""
from neurx.layers.normalization.batch_normalization import BatchNormalization
from neurx.layers.normalization.group_normalization import GroupNormalization
from neurx.layers.normalization.layer_normalization import LayerNormalization
from neurx.layers.normalization.unit_normalization import UnitNormalization

__all__ = ["BatchNormalization", "GroupNormalization", "LayerNormalization",
           "UnitNormalization"]
