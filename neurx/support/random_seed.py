"""`set_random_seed`: one call seeds neurx, Python's `random` and NumPy."""
from neurx import rng


def set_random_seed(seed: int) -> None:
    """Seeds every random generator neurx uses (initializers, dropout, shuffling).

    Same seed, same weights, same training run.

    >>> set_random_seed(42)
    """
    rng.set_seed(seed)
