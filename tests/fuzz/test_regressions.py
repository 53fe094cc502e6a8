"""Reproducers of every fuzz finding (fuzz/FINDINGS.md).

Each row of ``msgtrk_fuzz.known.FINDINGS`` runs its minimal input through
its target and asserts the fixed behaviour.  A fixed finding is a plain
regression test.  An open one is marked ``xfail(strict=True)`` naming the
finding (raises=AssertionError: the reproducer must still fail for that
reason, anything else is a real failure), so CI stays green, the bug stays
visible, and the test turns red the moment the bug is fixed (then the row
gets ``fixed=True``).
"""

from __future__ import annotations

import pytest
from msgtrk_fuzz.campaign import run_one, signature
from msgtrk_fuzz.known import FINDINGS, Known
from msgtrk_fuzz.targets import TARGETS


def _param(known: Known) -> object:
    marks = ()
    if not known.fixed:
        marks = (pytest.mark.xfail(strict=True, raises=AssertionError, reason=known.reason),)
    return pytest.param(known, id=f"{known.finding}-{known.target}", marks=marks)


@pytest.mark.parametrize("known", [_param(k) for k in FINDINGS])
def test_finding(known: Known) -> None:
    error = run_one(TARGETS[known.target], known.data)
    if error is not None and not known.fixed and not signature(error).startswith(known.signature):
        # the reproducer fails, but not as filed: not the xfail's bug
        raise RuntimeError(f"{known.finding}: unexpected {signature(error)}: {error}")
    assert error is None, f"{known.finding}: {signature(error)}: {error}"
