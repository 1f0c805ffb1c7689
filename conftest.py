"""Settings the whole test run shares."""
import os

from neurx.compilation_cache import configure_from_environment

# Tests compile from scratch: the persistent compilation cache is off unless a run asks for it
# (NEURX_COMPILATION_CACHE=<folder>); subprocesses the tests start inherit the setting. neurx is
# already imported here (pyproject's filterwarnings names a neurx warning), so apply it again.
os.environ.setdefault("NEURX_COMPILATION_CACHE", "0")
configure_from_environment()
