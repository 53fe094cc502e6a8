"""``python -m msgtrk``: the command line."""

import sys

from msgtrk.cli import main

sys.exit(main())
