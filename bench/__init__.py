"""Benchmarks: every ``bench/bench_*.py`` module has a ``main()``; ``make bench`` (``python -m bench``)
runs them, each in its own process (each sets up Django on its own throwaway database)."""
