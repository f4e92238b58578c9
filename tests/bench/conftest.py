"""Benchmarks (`make bench`): collect `bench_listing.py` too, and print every figure reported."""

from __future__ import annotations

from typing import Callable, Iterator

import pytest

# `make bench` runs `pytest tests/bench`; bench_*.py files are benchmarks too.
collect_ignore_glob: list[str] = []


def pytest_collect_file(parent: pytest.Collector, file_path):  # type: ignore[no-untyped-def]
    if (file_path.name.startswith("bench_") and file_path.suffix == ".py"
            and not parent.session.isinitpath(file_path)):  # given explicitly: pytest collects it
        return pytest.Module.from_parent(parent, path=file_path)
    return None


_FIGURES: list[tuple[str, str]] = []


@pytest.fixture
def report() -> Iterator[Callable[[str, str], None]]:
    """`report(name, value)`: print a figure now and again in the terminal summary."""

    def add(name: str, value: str) -> None:
        print(f"  {name}: {value}")
        _FIGURES.append((name, value))

    yield add


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _FIGURES:
        terminalreporter.section("benchmark figures")
        for name, value in _FIGURES:
            terminalreporter.write_line(f"{name}: {value}")
