"""Shared pytest set-up: hypothesis profiles and the fuzz-count report.

``HYPOTHESIS_PROFILE=long`` runs many more examples for a local soak.
"""

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

_FUZZ_DIR = str(Path(__file__).resolve().parents[1] / "fuzz")
if _FUZZ_DIR not in sys.path:
    sys.path.insert(0, _FUZZ_DIR)

from msgtrk_fuzz.pytest_plugin import register  # noqa: E402

settings.register_profile(
    "ci",
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("long", parent=settings.get_profile("ci"), max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config: pytest.Config) -> None:
    """Print the fuzz suite's count of inputs tried, also under pytest-xdist (issue 7)."""
    register(config)
