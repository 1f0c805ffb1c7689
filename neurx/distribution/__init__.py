"""Running on several devices and machines (`keras.distribution`)."""
from neurx.distribution.mesh import DeviceMesh, LayoutMap, TensorLayout, list_devices
from neurx.distribution.strategies import (
                                           DataParallel,
                                           Distribution,
                                           ModelParallel,
                                           distribution,
                                           initialize,
                                           set_distribution,
)
