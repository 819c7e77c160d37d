"""Benchmarks of the Calendy Manager service: run each module with `python -m bench.<name>`."""
