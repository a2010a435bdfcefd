"""Benchmarks (`make bench`): synthetic data at scale, timings reported with ratios."""
