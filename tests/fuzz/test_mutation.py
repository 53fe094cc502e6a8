"""Seeded mutation fuzzing of every public parser (issue 7 item 2).

Each target gets its seeds (RFC examples written in the harness, the RFC
example files and the DSN corpus of ``tests/data/``, valid inputs
generated from the ABNF) and a fixed number of mutated inputs from
``random.Random(SEED)``: the CI run is bounded and repeatable.  The
targets check that only msgtrk errors escape, that error positions lie
inside the input, and that lenient parsing loses nothing
(``msgtrk_fuzz.targets``).  ``MSGTRK_FUZZ_SCALE=10`` multiplies the
counts for a longer local run; ``fuzz/run.py`` runs the same targets
under atheris.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from msgtrk_fuzz.campaign import run_campaign
from msgtrk_fuzz.known import is_known
from msgtrk_fuzz.seeds import seeds_for
from msgtrk_fuzz.targets import TARGETS

SEED = 20261128
SCALE = float(os.environ.get("MSGTRK_FUZZ_SCALE", "1"))

# Inputs per target in CI, sized so that the whole suite stays within a
# few minutes on 2 cores (the slow targets parse whole MIME messages).
COUNTS: dict[str, int] = {
    "tracking_status": 10_000,
    "delivery_status": 10_000,
    "tracking_response": 6_000,
    "delivery_report": 6_000,
    "esmtp_mail": 10_000,
    "esmtp_rcpt": 10_000,
    "esmtp_ehlo": 10_000,
    "mtqp_command": 10_000,
    "mtqp_response": 10_000,
    "mtqp_greeting": 10_000,
    "mtqp_uri": 10_000,
    "connection": 6_000,
    "abnf_grammar": 2_000,
}


def test_every_target_has_a_budget() -> None:
    assert set(COUNTS) == set(TARGETS)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_mutated_inputs(name: str) -> None:
    target = TARGETS[name]
    seeds = seeds_for(name, target.seed_globs, target.kind)
    assert seeds, f"{name} has no seed inputs"
    report = run_campaign(
        target, seeds, count=int(COUNTS[name] * SCALE), seed=SEED, explain=_explain(name)
    )
    assert report.tried >= COUNTS[name] * SCALE
    assert not report.failures, report.describe()


def _explain(name: str) -> Callable[[str, str | bytes], str | None]:
    def explain(signature: str, data: str | bytes) -> str | None:
        known = is_known(name, signature, data)
        return None if known is None else known.finding

    return explain
