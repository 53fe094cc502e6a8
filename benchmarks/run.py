"""msgtrk benchmarks.

``python benchmarks/run.py [--quick] [--json FILE] [--check] [--profile CASE]``

Measures msgtrk's hot paths against the peers a user would otherwise pick,
in the same process (interleaved, rotated, medians); see benchmarks/README.md.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from msgtrk_bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
