"""`python -m bench`: runs the benchmark harness (see `bench/run.py`)."""
from bench.run import main

main()
