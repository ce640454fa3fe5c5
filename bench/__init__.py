"""Benchmarks: `make bench` / `python -m bench [scenario ...] [--scale small|full]`.

Speed targets live here and print figures; unit tests never time anything. Each scenario is a
module in bench/scenarios/ (see bench/scenarios/__init__.py); the runner (bench/runner.py)
gives them a throwaway database and measures requests in-process.
"""
