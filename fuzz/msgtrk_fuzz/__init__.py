"""msgtrk fuzz harness: mutation operators, seed inputs and one target per parser.

The same target functions run under pytest (``tests/fuzz/``, bounded and
seeded) and under atheris (``fuzz/run.py``, long runs).  Nothing here
imports atheris.
"""

from __future__ import annotations

__all__ = ["mutators", "seeds", "stats", "targets"]
