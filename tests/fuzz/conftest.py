"""Fuzz suite set-up: the harness of ``fuzz/`` on the path, and the count of inputs tried.

The counting plugin lives in ``fuzz/msgtrk_fuzz/pytest_plugin.py``.  Under
pytest-xdist only the controller prints, and it loads this conftest only
when ``tests/fuzz`` is named on the command line; ``tests/conftest.py``
registers the same plugin for whole-suite runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

FUZZ_DIR = Path(__file__).resolve().parents[2] / "fuzz"
if str(FUZZ_DIR) not in sys.path:
    sys.path.insert(0, str(FUZZ_DIR))

from msgtrk_fuzz.pytest_plugin import register  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    register(config)
