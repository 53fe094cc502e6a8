"""The fast path and the exact-error scanner agree with the LALR grammar generated from the ABNF.

msgtrk.esmtp reports errors at the offending character (``_diagnose``);
the LALR parser (``msgtrk._grammars``) reports at the start of the token it
could not take.  For every table row both must accept or both reject, and
our column is never before the LALR one.  Rows whose error is semantic (a
repeated parameter or NOTIFY value, MTRK without a unique ENVID: RFC 3461
§4.1/§4.5, RFC 3885 §3.2) are accepted by the grammar.
"""

from __future__ import annotations

import pytest

from esmtp.test_conformance import INVALID, INVALID_RCPT, VALID, VALID_RCPT
from msgtrk import ParseError, _grammars
from msgtrk.esmtp import (
    EnvidParam,
    MtrkParam,
    NotifyParam,
    OrcptParam,
    RetParam,
    parse_mail,
    parse_rcpt,
)

G = "esmtp"
SEMANTIC = {
    "Mail-parameters",
    "Rcpt-parameters",
    "unique-envid",
    "envid-parameter",
    "orcpt-parameter",
}
TYPED = {
    MtrkParam: "mtrk-parameter",
    EnvidParam: "envid-parameter",
    OrcptParam: "orcpt-parameter",
}


def _start(line: str) -> str:
    return "mail" if line[:4].upper() == "MAIL" else "rcpt"


@pytest.mark.parametrize(
    ("line", "model"), VALID + VALID_RCPT, ids=[r[0] for r in VALID + VALID_RCPT]
)
def test_valid_rows_parse_with_lalr(line: str, model: object) -> None:
    _grammars.parse(G, _start(line), line + "\r\n")
    parsed = (parse_mail if _start(line) == "mail" else parse_rcpt)(line)
    assert parsed == model
    for param in parsed.params:
        source = param.source
        if isinstance(param, NotifyParam):
            _grammars.parse(G, "notify-esmtp-value", source.partition("=")[2])
        elif isinstance(param, RetParam):
            _grammars.parse(G, "ret-esmtp-value", source.partition("=")[2])
        elif type(param) in TYPED and source.isascii() and "utf-8;" not in source.lower():
            _grammars.parse(G, TYPED[type(param)], source)


def _lalr_error(kind: str, line: str) -> ParseError | None:
    try:
        _grammars.parse(G, kind, line + "\r\n")
    except ParseError as exc:
        return exc
    params = line.split(" ")[2:]
    offset = len(line) - len(" ".join(params))
    for param in params:
        key, _, value = param.partition("=")
        rule = {
            "MTRK": "mtrk-parameter",
            "ENVID": "envid-parameter",
            "ORCPT": "orcpt-parameter",
            "RET": "ret-esmtp-value",
            "NOTIFY": "notify-esmtp-value",
        }.get(key.upper())
        if rule is not None:
            text = value if rule.endswith("-value") else param
            start = offset + (len(key) + 1 if rule.endswith("-value") else 0)
            try:
                _grammars.parse(G, rule, text, source=line, offset=start)
            except ParseError as exc:
                return exc
        offset += len(param) + 1
    return None


ROWS = [("mail", *r) for r in INVALID] + [("rcpt", *r) for r in INVALID_RCPT]


@pytest.mark.parametrize(("kind", "line", "caret", "rule"), ROWS, ids=[r[1] for r in ROWS])
def test_invalid_rows_are_rejected_by_lalr(kind: str, line: str, caret: str, rule: str) -> None:
    error = _lalr_error(kind, line)
    if rule in SEMANTIC or (rule == "notify-esmtp-value" and "repeat" in _message(kind, line)):
        return
    if (
        line.endswith("MTRK")
        or line.endswith("ENVID")
        or line.endswith("RET")
        or line.endswith(("NOTIFY", "ORCPT"))
    ):
        return  # "KEYWORD" alone is a valid generic esmtp-param: the typed rule needs "="
    if "utf-8;" in line:
        return  # RFC 3461's xtext admits these; RFC 6533 §3 (HEXPOINT, 1*) rejects them
    assert error is not None, line
    assert error.column <= len(caret), (error, caret)


def _message(kind: str, line: str) -> str:
    try:
        (parse_mail if kind == "mail" else parse_rcpt)(line)
    except ParseError as exc:
        return exc.message
    return ""


def test_lalr_backstop() -> None:
    # used when the character scanners find nothing: positions in the whole line
    from msgtrk.esmtp._diagnose import lalr_error  # noqa: PLC0415

    line = "RCPT TO:<a@b> ORCPT=utf-8;a@[x]"
    error = lalr_error("Mailbox", line, 26, len(line))
    assert (error.column, error.rule) == (29, "Mailbox")
    error = lalr_error("mail", "MAIL FROM:<a@b>x", 0, 16, suffix="\r\n")
    assert (error.column, error.rule) == (16, "mail")
    ok = lalr_error("Mailbox", "a@b", 0, 3)
    assert (ok.column, ok.rule) == (1, "Mailbox")
