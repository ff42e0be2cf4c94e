"""The company-scale benchmark: `python -m bench` (see docs/performance.md)."""
