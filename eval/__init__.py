"""Evaluation: suites, metrics, the naive baseline, reports and the CI gate; benchmarks."""
