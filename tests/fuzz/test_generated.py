"""Inputs nobody hand-picked: valid strings generated from the ABNF itself
(``msgtrk.abnf.strategy``, issue 7 item 1), run through the fuzz targets as
they are and after a few mutations each.

The compiler's own tests check that every generated string parses at the
grammar level (``tests/abnf/test_hot_path.py``); here whole commands,
responses and status bodies built from generated values go through the
public parsers, whose contract (only msgtrk errors, real positions, lenient
round trip) ``msgtrk_fuzz.targets`` checks.  Hypothesis runs derandomized
(a fixed seed), so CI tries the same inputs every time.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgtrk_fuzz.campaign import run_one, signature
from msgtrk_fuzz.known import is_known
from msgtrk_fuzz.mutators import mutate
from msgtrk_fuzz.targets import TARGETS

from msgtrk.abnf import Spec, strategy
from msgtrk.abnf._build import bundle, load_spec_grammar

BUNDLE = bundle()
GRAMMARS = {
    path.stem: load_spec_grammar(Spec.from_path(path), BUNDLE.abnf) for path in BUNDLE.spec_paths()
}
EXAMPLES = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
MUTATIONS = 4
# Forms the token cut takes coarser than the ABNF (tests/abnf/test_hot_path.py COARSER).
COARSER = ("obs-year", "obs-local-part", "obs-domain")


def _value(rule: str) -> st.SearchStrategy[str]:
    return strategy(GRAMMARS["status"], rule, exclude=COARSER)


def _field(name: str, rule: str) -> st.SearchStrategy[str]:
    return _value(rule).map(lambda v, name=name: f"{name}:{v}\r\n")


def _group(*fields: tuple[str, str]) -> st.SearchStrategy[str]:
    return st.tuples(*(_field(n, r) for n, r in fields)).map("".join)


_DELIVERY = st.tuples(
    _group(
        ("Reporting-MTA", "reporting-mta-field-value"),
        ("Arrival-Date", "arrival-date-field-value"),
    ),
    st.lists(
        _group(
            ("Original-Recipient", "original-recipient-field-value"),
            ("Final-Recipient", "final-recipient-field-value"),
            ("Action", "action-field-value"),
            ("Status", "status-field-value"),
            ("Remote-MTA", "remote-mta-field-value"),
            ("Diagnostic-Code", "diagnostic-code-field-value"),
            ("Last-Attempt-Date", "last-attempt-date-field-value"),
        ),
        min_size=1,
        max_size=3,
    ),
).map(lambda parts: "\r\n".join([parts[0], *parts[1]]))

_TRACKING = st.tuples(
    _group(
        ("Original-Envelope-Id", "original-envelope-id-field-value"),
        ("Reporting-MTA", "reporting-mta-field-value"),
        ("Arrival-Date", "arrival-date-field-value"),
    ),
    st.lists(
        _group(
            ("Original-Recipient", "original-recipient-field-value"),
            ("Final-Recipient", "final-recipient-field-value"),
            ("Action", "action-field-value"),
            ("Status", "status-field-value"),
            ("Remote-MTA", "remote-mta-field-value"),
        ),
        min_size=1,
        max_size=3,
    ),
).map(lambda parts: "\r\n".join([parts[0], *parts[1]]))


def _rule(grammar: str, rule: str) -> st.SearchStrategy[str]:
    return strategy(GRAMMARS[grammar], rule)


# target -> generated inputs (text; bytes targets get them UTF-8 encoded)
GENERATED: dict[str, st.SearchStrategy[str]] = {
    "delivery_status": _DELIVERY,
    "tracking_status": _TRACKING,
    "esmtp_mail": _rule("esmtp", "mail"),
    "esmtp_rcpt": _rule("esmtp", "rcpt"),
    "esmtp_ehlo": _rule("esmtp", "ehlo-line").map(lambda line: f"250 {line}\r\n"),
    "mtqp_command": _rule("mtqp", "client-command"),
    "mtqp_response": _rule("mtqp", "command-response"),
    "mtqp_uri": _rule("mtqp", "mtqp-uri"),
    "connection": st.lists(_rule("mtqp", "command-response"), min_size=1, max_size=4).map("".join),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_inputs_and_their_mutations(name: str) -> None:
    target = TARGETS[name]
    rng = random.Random(name)
    problems: dict[str, str] = {}

    @EXAMPLES
    @given(GENERATED[name])
    def check(text: str) -> None:
        data: str | bytes = text.encode("utf-8") if target.kind == "bytes" else text
        for candidate in [data] + [mutate(rng, data)[0] for _ in range(MUTATIONS)]:
            error = run_one(target, candidate)
            if error is None:
                continue
            key = signature(error)
            if is_known(name, key, candidate) is None:
                problems.setdefault(key, f"{candidate!r}: {error}")

    check()
    assert not problems, "\n".join(f"{k}\n  {v}" for k, v in problems.items())
