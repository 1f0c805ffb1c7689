"""Where the Keras-saved reference files are: `shared/` beside the checkout (as CI lays it
out), else this workplace's /work/shared."""
import os

_BESIDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "keras-files")
KERAS_FILES = os.path.normpath(_BESIDE) if os.path.isdir(_BESIDE) else "/work/shared/keras-files"
ZOO = os.path.join(KERAS_FILES, "zoo")
