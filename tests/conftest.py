"""Shared pytest set-up: hypothesis profiles.

``HYPOTHESIS_PROFILE=long`` runs many more examples for a local soak.
"""

import os

import pytest

from hypothesis import HealthCheck, settings

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
    import sys
    from pathlib import Path

    fuzz_dir = str(Path(__file__).resolve().parents[1] / "fuzz")
    if fuzz_dir not in sys.path:
        sys.path.insert(0, fuzz_dir)
    from msgtrk_fuzz.pytest_plugin import register

    register(config)
