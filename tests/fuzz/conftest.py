"""Hypothesis profiles of the fuzz suite: "default" (a bounded, derandomized run that CI
can afford) and "slow" (`pytest tests/fuzz --hypothesis-profile=slow`: many more random
examples)."""
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=4, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("slow", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")
