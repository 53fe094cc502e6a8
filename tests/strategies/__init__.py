"""Hypothesis strategies, one per model (design.md §3.4).

Each area keeps its strategies in its own module; import them from here:
``from strategies import delivery_status_models``.
"""

from strategies.esmtp import *  # noqa: F403
from strategies.mtqp import *  # noqa: F403
from strategies.status import *  # noqa: F403
