"""Benchmarks: ``python -m benchmarks`` runs every ``benchmarks/*_bench.py`` module.

Each benchmark module exposes ``main(argv: list[str] | None = None) -> None`` and can also be
run on its own (``python -m benchmarks.sqlalchemy_bench --quick``). Shared machinery
(interleaving, medians, peak memory, markdown tables) is in :mod:`benchmarks._harness`.
"""
