"""pytest plugin: print the count of fuzz inputs tried, with or without pytest-xdist.

Each process adds up the inputs its targets tried (``msgtrk_fuzz.stats``);
an xdist worker hands its counts to the controller at the end of its
session, and the controller prints one "fuzz inputs tried" section.
``register(config)`` is idempotent, so both ``tests/conftest.py`` (loaded
by the xdist controller) and ``tests/fuzz/conftest.py`` may call it.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from msgtrk_fuzz import stats

__all__ = ["register"]

_KEY = "msgtrk_fuzz_counts"
_NAME = "msgtrk-fuzz-counts"


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[_KEY] = dict(stats.COUNTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    stats.COUNTS.update(getattr(node, "workeroutput", {}).get(_KEY, {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if getattr(terminalreporter.config, "workeroutput", None) is not None:
        return
    counts = stats.COUNTS
    if not counts:
        return
    terminalreporter.section("fuzz inputs tried")
    for name in sorted(counts):
        terminalreporter.write_line(f"{name:40} {counts[name]:>10,}")
    terminalreporter.write_line(f"{'total':40} {sum(counts.values()):>10,}")


def register(config: pytest.Config) -> None:
    """Register this plugin once."""
    if not config.pluginmanager.has_plugin(_NAME):
        config.pluginmanager.register(sys.modules[__name__], _NAME)
