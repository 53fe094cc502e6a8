"""The benchmark cases: msgtrk against the peer a user would otherwise pick.

Each case is a function decorated with :func:`case`; its docstring says what
it measures and why the peer is the fair comparison.  It returns a
:class:`Spec` (our callable, the peers' callables, a result check) or raises
:class:`~msgtrk_bench.peers.Unavailable` while its target does not exist.
All contenders of one case are measured together, interleaved and rotated
(:mod:`msgtrk_bench.timing`).
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import importlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import attrs
import email_validator

from msgtrk_bench import inputs
from msgtrk_bench.peers import (
    POLICIES,
    Unavailable,
    aiosmtpd_mail,
    aiosmtpd_rcpt,
    floor_body,
    floor_multipart,
    load_abnf_mail,
    stdlib_body,
    stdlib_dsn,
    stdlib_mtsn,
)

__all__ = ["CASES", "Case", "Spec", "clear_memos", "cold", "ours"]

FLOOR = "regex floor"
SPLIT_FLOOR = "bytes.split floor"
ABNF_PEER = "abnf (rust)"
AIOSMTPD = "aiosmtpd"
AS_BYTES = "email as_bytes()"


@dataclass
class Spec:
    """What a case measures: ours, the peers (a callable or the reason it is missing)."""

    ours: Callable[[], object]
    peers: dict[str, Callable[[], object] | Unavailable]
    check: Callable[[Any], str | None] | None = None
    note: str = ""
    per: int = 1  # the time is divided by this (e.g. events per session)
    unit: str = "call"


@dataclass(frozen=True)
class Case:
    """A named benchmark case."""

    name: str
    group: str
    build: Callable[[], Spec]
    doc: str = field(default="")


CASES: list[Case] = []


def case(name: str, group: str) -> Callable[[Callable[[], Spec]], Callable[[], Spec]]:
    """Register a case function (its docstring is the case's documentation)."""

    def register(fn: Callable[[], Spec]) -> Callable[[], Spec]:
        CASES.append(Case(name, group, fn, " ".join((fn.__doc__ or "").split())))
        return fn

    return register


def ours(module: str, name: str) -> Callable[..., Any]:
    """``msgtrk.<module>.<name>``, or :class:`Unavailable` saying what is missing."""
    try:
        mod = importlib.import_module(f"msgtrk.{module}")
    except Exception as exc:
        raise Unavailable(f"msgtrk.{module} not importable ({type(exc).__name__}: {exc})") from exc
    fn = getattr(mod, name, None)
    if fn is None:
        raise Unavailable(f"msgtrk.{module}.{name} does not exist yet")
    return fn  # type: ignore[no-any-return]


def _peer(make: Callable[[], Callable[[], object]]) -> Callable[[], object] | Unavailable:
    try:
        return make()
    except Unavailable as exc:
        return exc


def _recipients(expected: int) -> Callable[[Any], str | None]:
    def check(model: Any) -> str | None:
        got = len(model.recipients)
        return None if got == expected else f"{got} recipient groups, expected {expected}"

    return check


# msgtrk memoises parsed values (status field values, Content-Type values,
# address verdicts).  Parsing one input again and again would measure memo
# hits, which real traffic (new addresses, dates, IDs in every bounce) mostly
# does not get: the body cases parse a stream of distinct generated bodies,
# the other cases empty these memos before every call.
_MEMOS = (
    ("msgtrk._status._parse", "clear_memo"),
    ("msgtrk._report", "content_type.cache_clear"),
    ("msgtrk._status._validate", "_email_problem.cache_clear"),
)


def clear_memos() -> list[str]:
    """Empty msgtrk's value memos; the names of those found."""
    found = []
    for module, path in _MEMOS:
        try:
            target: Any = importlib.import_module(module)
        except ImportError:
            continue
        for part in path.split("."):
            target = getattr(target, part, None)
        if callable(target):
            target()
            found.append(f"{module}.{path}")
    return found


def cold(fn: Callable[[], object]) -> Callable[[], object]:
    """``fn`` with msgtrk's value memos emptied before each call."""

    def call() -> object:
        clear_memos()
        return fn()

    return call


def _cycling(fn: Callable[[bytes], object], items: list[bytes]) -> Callable[[], object]:
    """Each call handles the next item of ``items``, round and round."""
    nxt = itertools.cycle(items).__next__

    def call() -> object:
        return fn(nxt())

    return call


#: About how many field values a body stream holds: 4x msgtrk's value memo
#: (4096), so that a value comes back only after the memo has been emptied.
#: The --smoke mode lowers it.
STREAM_VALUES = [16384]


def _stream(make: Callable[..., bytes], count: int) -> list[bytes]:
    """Distinct bodies of ``count`` recipients, enough to cycle msgtrk's value memo."""
    size = max(2, STREAM_VALUES[0] // (8 * count + 8))
    return [make(count, seed=inputs.SEED + i) for i in range(size)]


def _body_peers(stream: list[bytes]) -> dict[str, Callable[[], object] | Unavailable]:
    peers: dict[str, Callable[[], object] | Unavailable] = {
        label: _cycling(partial(stdlib_body, policy=policy), stream)
        for label, policy in POLICIES.items()
    }
    peers[FLOOR] = _cycling(floor_body, stream)
    return peers


# --- status bodies (issue 6 §2, first bullet) --------------------------------


def _status_body_case(module: str, make: Callable[..., bytes], count: int) -> Spec:
    parse = ours(module, "parse")
    stream = _stream(make, count)
    return Spec(
        ours=_cycling(parse, stream),
        peers=_body_peers(stream),
        check=_recipients(count),
        note=f"a stream of {len(stream)} distinct bodies",
    )


for _n in (1, 3, 20):

    @case(f"tracking-status body, {_n} recipient{'s' if _n > 1 else ''}", "bodies")
    def _ts_body(n: int = _n) -> Spec:
        """msgtrk.tracking_status.parse(bytes) into the validated TrackingStatus model.

        Peers: the stdlib email package (the user's default choice) parsing the
        same bytes as a message/delivery-status part -- the only way its
        feedparser splits every block, since it reads message/tracking-status
        as message/rfc822 -- and reading str() of every field of every block,
        under policy.default (header objects) and compat32 (plain strings, no
        validation); and the floor, one precompiled regex that only splits
        names from values: no parser can do less.
        """
        return _status_body_case("tracking_status", inputs.tracking_status_body, n)

    @case(f"delivery-status body, {_n} recipient{'s' if _n > 1 else ''}", "bodies")
    def _ds_body(n: int = _n) -> Spec:
        """msgtrk.delivery_status.parse(bytes) into the validated DeliveryStatus model.

        A Postfix-shaped RFC 3464 body with folded Diagnostic-Code fields.
        Peers as for tracking-status bodies: stdlib email under policy.default
        and compat32 reading every field of the message/delivery-status part
        (exactly what the stdlib offers for DSNs), and the regex floor.
        """
        return _status_body_case("delivery_status", inputs.delivery_status_body, n)


@case("tracking-status parse + validate(), 20 recipients, cold address cache", "bodies")
def _ts_validate() -> Spec:
    """msgtrk.tracking_status.parse then .validate(): every finding, warnings included.

    parse() runs the grammar and the error-level semantic checks; the
    email-validator syntax check of each rfc822 address runs in validate()
    (warning level), behind an LRU cache.  The cache is cleared before every
    call, as for a stream of bounces with distinct addresses, so this is the
    full cost of "validating everything".  Peers as for the plain bodies.
    """
    parse = ours("tracking_status", "parse")
    validate = ours("tracking_status", "validate")
    try:
        cache = importlib.import_module("msgtrk._status._validate")._email_problem
    except (ImportError, AttributeError) as exc:
        raise Unavailable(f"address cache not found ({exc})") from exc
    stream = _stream(inputs.tracking_status_body, 20)
    nxt = itertools.cycle(stream).__next__

    def run() -> object:
        cache.cache_clear()
        return validate(parse(nxt()))

    return Spec(ours=run, peers=_body_peers(stream), note=f"a stream of {len(stream)} bodies")


@case("tracking-status same body repeated, 20 recipients (warm value memo)", "bodies")
def _ts_warm() -> Spec:
    """msgtrk.tracking_status.parse of one body again and again: every value a memo hit.

    A diagnostic, not a goal row: what msgtrk's value memo saves when the
    same values come back (the best case; the goal rows parse a stream).
    """
    parse = ours("tracking_status", "parse")
    data = inputs.tracking_status_body(20)
    return Spec(ours=partial(parse, data), peers=_body_peers([data]), check=_recipients(20))


def _example_case(module: str, patterns: tuple[str, ...]) -> Spec:
    parse = ours(module, "parse")
    examples = [ex for p in patterns for ex in inputs.rfc_examples(p)]
    bodies: list[tuple[bytes, bool]] = []
    for _name, data in examples:
        try:
            parse(data)
            bodies.append((data, True))
        except Exception:
            try:
                parse(data, strict=False)
                bodies.append((data, False))
            except Exception:
                continue
    if not bodies:
        raise Unavailable(f"no example body in tests/data/{{{','.join(patterns)}}} parses")
    lenient = sum(1 for _, strict in bodies if not strict)

    def run_ours() -> None:
        clear_memos()
        for data, strict in bodies:
            parse(data, strict=strict)

    def run_peer(fn: Callable[[bytes], object]) -> None:
        for data, _ in bodies:
            fn(data)

    peers: dict[str, Callable[[], object] | Unavailable] = {
        label: partial(run_peer, partial(stdlib_body, policy=policy))
        for label, policy in POLICIES.items()
    }
    peers[FLOOR] = partial(run_peer, floor_body)
    return Spec(
        ours=run_ours,
        peers=peers,
        note=f"{len(bodies)} bodies ({lenient} read with strict=False)",
    )


# The RFC example bodies in tests/data (globs; named by RFC and section).
_TS_EXAMPLE_PATTERNS = ("rfc3887-4.1-example*-body*.txt", "rfc3886-*.txt")
_DS_EXAMPLE_PATTERNS = ("rfc3464-*.txt",)


@case("tracking-status RFC example bodies", "bodies")
def _ts_examples() -> Spec:
    """Every RFC 3887 §4.1 example tracking-status body in tests/data, parsed in sequence.

    Bodies that break the grammar as printed (rfc/README.md, Defects) are
    read with strict=False, as a user must.  Peers as for the generated bodies.
    """
    return _example_case("tracking_status", _TS_EXAMPLE_PATTERNS)


@case("delivery-status RFC example bodies", "bodies")
def _ds_examples() -> Spec:
    """Every RFC 3464 example delivery-status body in tests/data, parsed in sequence.

    Bodies that break the grammar as printed are read with strict=False.
    Peers as for the generated bodies.
    """
    return _example_case("delivery_status", _DS_EXAMPLE_PATTERNS)


# --- whole messages ---------------------------------------------------------


@case("DSN multipart/report, 3 recipients", "messages")
def _dsn_message() -> Spec:
    """msgtrk.delivery_status.parse_report(bytes): a whole Postfix-shaped DSN.

    Ours uses the stdlib for the MIME structure and its own parser for the
    delivery-status part, validated into models.  Peers: the stdlib alone
    (policy.default / compat32) parsing the message and reading every header,
    the text parts and every field of every delivery-status block -- what a
    user of the stdlib gets; the floor: split at the boundary and regex-split
    the status part.
    """
    parse_report = ours("delivery_status", "parse_report")
    data = inputs.dsn_message(3)
    peers: dict[str, Callable[[], object] | Unavailable] = {
        label: partial(stdlib_dsn, data, policy) for label, policy in POLICIES.items()
    }
    peers[FLOOR] = partial(floor_multipart, data)

    def check(report: Any) -> str | None:
        status = getattr(report, "delivery_status", None) or getattr(report, "status", None)
        if status is None:
            return None
        got = len(status.recipients)
        return None if got == 3 else f"{got} recipient groups, expected 3"

    return Spec(ours=cold(partial(parse_report, data)), peers=peers, check=check)


@case("DSN corpus (tests/data/dsn-corpus), whole messages", "messages")
def _dsn_corpus() -> Spec:
    """msgtrk.delivery_status.parse_report over every message of tests/data/dsn-corpus.

    The shapes Postfix, Exim, Exchange, Gmail, SES and others send; read
    with strict=False where strict parsing rejects a message (as a bounce
    processor must).  Peers as for the single DSN: the stdlib reading every
    header, text part and delivery-status field; the boundary-split floor.
    """
    parse_report = ours("delivery_status", "parse_report")
    messages: list[tuple[bytes, bool]] = []
    for _name, data in inputs.rfc_examples("dsn-corpus/*.eml"):
        for strict in (True, False):
            try:
                parse_report(data, strict=strict)
            except Exception:
                continue
            messages.append((data, strict))
            break
    if not messages:
        raise Unavailable("no message of tests/data/dsn-corpus parses")
    lenient = sum(1 for _, strict in messages if not strict)

    def run_ours() -> None:
        clear_memos()
        for data, strict in messages:
            parse_report(data, strict=strict)

    def run_peer(fn: Callable[[bytes], object]) -> None:
        for data, _ in messages:
            fn(data)

    def floor(data: bytes) -> object:
        return floor_multipart(data) if b"boundary" in data else floor_body(data)

    peers: dict[str, Callable[[], object] | Unavailable] = {
        label: partial(run_peer, partial(stdlib_dsn, policy=policy))
        for label, policy in POLICIES.items()
    }
    peers[FLOOR] = partial(run_peer, floor)
    return Spec(
        ours=run_ours,
        peers=peers,
        note=f"{len(messages)} messages ({lenient} read with strict=False)",
    )


@case("MTSN multipart/related, 2 parts, 6 recipients", "messages")
def _mtsn_message() -> Spec:
    """msgtrk.tracking_status.parse_response(bytes): a chained MTSN of 2 parts.

    Peers: the stdlib parsing the multipart/related entity; since it reads
    message/tracking-status as message/rfc822 (first block as headers, the
    rest one string), the peer then splits the rest at blank lines and parses
    each recipient block with BytesHeaderParser, reading every field -- the
    least a stdlib user must write; and the boundary-split regex floor.
    """
    parse_response = ours("tracking_status", "parse_response")
    data = inputs.mtsn_message(6, parts=2)
    peers: dict[str, Callable[[], object] | Unavailable] = {
        label: partial(stdlib_mtsn, data, policy) for label, policy in POLICIES.items()
    }
    peers[FLOOR] = partial(floor_multipart, data)

    def check(resp: Any) -> str | None:
        parts = getattr(resp, "statuses", None) or getattr(resp, "parts", None)
        if parts is None:
            return None
        got = sum(len(p.recipients) for p in parts)
        return None if got == 6 else f"{got} recipient groups, expected 6"

    return Spec(ours=cold(partial(parse_response, data)), peers=peers, check=check)


# --- ESMTP ----------------------------------------------------------------------


def _esmtp_case(fn_name: str, line: str, aio: Callable[[], Callable[[str], object]]) -> Spec:
    parse = ours("esmtp", fn_name)
    peers: dict[str, Callable[[], object] | Unavailable] = {}
    try:
        abnf_mail, abnf_rcpt, backend = load_abnf_mail()
        grammar_parse = abnf_mail if fn_name == "parse_mail" else abnf_rcpt
        if backend != "rust":
            peers[ABNF_PEER] = Unavailable(f"abnf backend is {backend!r}, not rust")
        else:
            peers[ABNF_PEER] = partial(grammar_parse, line)
    except Unavailable as exc:
        peers[ABNF_PEER] = exc
    peers[AIOSMTPD] = _peer(lambda: partial(aio(), line))
    return Spec(ours=partial(parse, line), peers=peers)


@case("MAIL FROM with SIZE BODY ENVID RET MTRK", "esmtp")
def _mail() -> Spec:
    """msgtrk.esmtp.parse_mail(str) into the MailCommand model, every parameter typed.

    Peers: the abnf package with its Rust engine (its fastest configuration),
    loaded with the same ABNF from grammar/abnf (RFC 5321, 5322, 3461, 3885,
    6533 and local-fixes) and parsing the same line into its parse tree (no
    value extraction: less work than ours); aiosmtpd's own MAIL handling
    (verb split, _getaddr via the stdlib address parser, upper-case,
    _getparams), called on aiosmtpd.smtp.SMTP itself: what an aiosmtpd
    server runs today, validating nothing about MTRK or DSN values.
    """
    return _esmtp_case("parse_mail", inputs.mail_line(), aiosmtpd_mail)


@case("RCPT TO with NOTIFY ORCPT", "esmtp")
def _rcpt() -> Spec:
    """msgtrk.esmtp.parse_rcpt(str): NOTIFY list and xtext ORCPT decoded.

    Peers as for MAIL: abnf (rust) on the same ABNF, and aiosmtpd's RCPT
    handling.
    """
    return _esmtp_case("parse_rcpt", inputs.rcpt_line(), aiosmtpd_rcpt)


# --- MTQP -----------------------------------------------------------------------

_TRACK = b"TRACK 12345-20261128@mail.example.com YWJjZGVmZ2hpamtsbW5vcA\r\n"
_ERR = b"-ERR/noinfo No tracking information for that envelope\r\n"


def _split_command(data: bytes) -> list[bytes]:
    return data.rstrip(b"\r\n").split(b" ")


def _split_status(data: bytes) -> tuple[list[bytes], list[bytes]]:
    head, _, text = data.rstrip(b"\r\n").partition(b" ")
    return head.split(b"/"), text.split(b" ")


def _split_multiline(data: bytes) -> list[bytes]:
    lines = data.split(b"\r\n")
    head, _, _ = lines[0].partition(b" ")
    head.split(b"/")
    end = lines.index(b".")
    return [line[1:] if line[:1] == b"." else line for line in lines[1:end]]


@case("MTQP TRACK command", "mtqp")
def _mtqp_track() -> Spec:
    """msgtrk.mtqp.parse_command(bytes) on a TRACK line (RFC 3887 §4).

    No MTQP library exists (peers.md §1.6); the peer is the floor a
    hand-written server would use: strip CRLF and bytes.split on spaces.
    """
    return Spec(
        ours=partial(ours("mtqp", "parse_command"), _TRACK),
        peers={SPLIT_FLOOR: partial(_split_command, _TRACK)},
    )


@case("MTQP single-line response", "mtqp")
def _mtqp_err() -> Spec:
    """msgtrk.mtqp.parse_response(bytes) on ``-ERR/noinfo text`` (RFC 3887 §2.3).

    Peer: the bytes.split floor (indicator/codes split at "/", text at spaces).
    """
    return Spec(
        ours=partial(ours("mtqp", "parse_response"), _ERR),
        peers={SPLIT_FLOOR: partial(_split_status, _ERR)},
    )


@case("MTQP multi-line TRACK answer, 3 recipients", "mtqp")
def _mtqp_answer() -> Spec:
    """msgtrk.mtqp.parse_response(bytes) on a ``+OK+`` answer carrying an MTSN.

    Ours checks the status line, removes dot-stuffing and keeps the body
    (the MTSN is parsed on demand).  Peer: the bytes.split floor (split
    lines, find the "." line, unstuff).
    """
    data = inputs.mtqp_track_answer(3)
    return Spec(
        ours=partial(ours("mtqp", "parse_response"), data),
        peers={SPLIT_FLOOR: partial(_split_multiline, data)},
    )


@case("MTQP TRACK answer into TrackingResponse, 3 recipients", "mtqp")
def _mtqp_answer_model() -> Spec:
    """msgtrk.mtqp.parse_response(bytes).tracking: the answer down to the status models.

    The status line, the dot-stuffed body, the multipart/related MTSN and its
    tracking-status part (RFC 3887 §4, RFC 3886 §3), value memos emptied
    before each call.  Peers: the bytes.split floor followed by the regex
    floor on the body; and the stdlib reading the unstuffed MTSN
    (policy.default), as a hand-written client would.
    """
    data = inputs.mtqp_track_answer(3)
    parse = ours("mtqp", "parse_response")

    def run() -> object:
        return parse(data).tracking

    def floor() -> object:
        return floor_multipart(b"\r\n".join(_split_multiline(data)))

    def stdlib() -> object:
        return stdlib_mtsn(b"\r\n".join(_split_multiline(data)), POLICIES["email policy.default"])

    def check(resp: Any) -> str | None:
        got = sum(len(p.recipients) for p in resp.statuses)
        return None if got == 3 else f"{got} recipient groups, expected 3"

    return Spec(
        ours=cold(run),
        peers={"email policy.default": stdlib, FLOOR: floor},
        check=check,
    )


@case("MTQP greeting with options", "mtqp")
def _mtqp_greeting() -> Spec:
    """msgtrk.mtqp.parse_greeting(bytes): a multi-line greeting with options (RFC 3887 §3).

    Peer: the bytes.split floor.
    """
    data = (
        b"+OK+/MTQP mtqp.example.net MTQP server ready\r\n"
        b"STARTTLS\r\n"
        b"vnd.example.com-audit level=2\r\n"
        b".\r\n"
    )
    parse = ours("mtqp", "parse_greeting")
    return Spec(ours=partial(parse, data), peers={SPLIT_FLOOR: partial(_split_multiline, data)})


def _mtqp_api() -> tuple[Any, bytes, bytes]:
    mtqp = importlib.import_module("msgtrk.mtqp")
    for name in ("Connection", "CLIENT", "SERVER", "NEED_DATA", "parse_command"):
        if not hasattr(mtqp, name):
            raise Unavailable(f"msgtrk.mtqp.{name} does not exist yet")
    client_bytes, server_bytes = inputs.mtqp_pipelined_session(10)
    return mtqp, client_bytes, server_bytes


def _is_closed(event: object) -> bool:
    return type(event).__name__ == "ConnectionClosed"


def _client_session() -> tuple[Callable[[], list[object]], int]:
    """A client Connection sending 11 pipelined commands and fed the server's bytes."""
    mtqp, client_bytes, server_bytes = _mtqp_api()
    lines = [line + b"\r\n" for line in client_bytes.split(b"\r\n") if line]
    commands = [mtqp.parse_command(line) for line in lines]
    cut = server_bytes.index(b"\r\n") + 2
    greeting, rest = server_bytes[:cut], server_bytes[cut:]

    def run() -> list[object]:
        conn = mtqp.Connection(mtqp.CLIENT)
        conn.receive_data(greeting)
        events = [conn.next_event()]
        for cmd in commands:
            conn.send(cmd)
        conn.receive_data(rest)
        while True:
            event = conn.next_event()
            if event is mtqp.NEED_DATA or _is_closed(event):
                return events
            events.append(event)

    try:
        events = run()
    except Exception as exc:
        raise Unavailable(f"Connection API differs ({type(exc).__name__}: {exc})") from exc
    return run, len(events)


def _server_session() -> tuple[Callable[[], list[object]], int]:
    """A server Connection: greeting sent, 11 pipelined commands read, each answered in order."""
    mtqp, client_bytes, _ = _mtqp_api()
    client_run, _ = _client_session()
    received = client_run()
    greeting, answers = received[0], received[1:]

    def run() -> list[object]:
        conn = mtqp.Connection(mtqp.SERVER)
        conn.send(greeting)
        conn.receive_data(client_bytes)
        seen: list[object] = []
        pending = iter(answers)
        while True:
            event = conn.next_event()
            if event is mtqp.NEED_DATA or _is_closed(event):
                return seen
            seen.append(event)
            conn.send(next(pending))

    try:
        events = run()
    except Exception as exc:
        raise Unavailable(f"Connection API differs ({type(exc).__name__}: {exc})") from exc
    return run, len(events)


@case("MTQP Connection, client, pipelined session (per event)", "mtqp")
def _mtqp_client() -> Spec:
    """msgtrk.mtqp.Connection(CLIENT): greeting, 10 pipelined TRACKs and QUIT (RFC 3887 §8).

    The client sends the 11 commands at once and is fed the server's whole
    answer (5 multi-line MTSN answers, 5 -ERR/noinfo, +OK); time per event
    received (events per second = 1e6 / µs).  No MTQP peer exists
    (peers.md §1.6); none is shown.
    """
    run, events = _client_session()
    return Spec(ours=run, peers={}, per=events, unit="event", note=f"{events} events per session")


@case("MTQP Connection, server, pipelined session (per event)", "mtqp")
def _mtqp_server() -> Spec:
    """msgtrk.mtqp.Connection(SERVER): greeting sent, 11 pipelined commands read and answered.

    Time per command event (reading it and sending its prepared answer).
    No peer exists (peers.md §1.6).
    """
    run, events = _server_session()
    return Spec(ours=run, peers={}, per=events, unit="event", note=f"{events} events per session")


# --- serializers ----------------------------------------------------------------


def _as_bytes_peer(data: bytes, prefix: bytes = b"") -> Callable[[], object]:
    msg = email.message_from_bytes(prefix + data, policy=email.policy.default)
    return msg.as_bytes


def _serialize_case(
    module: str, parse_name: str, ser_name: str, data: bytes, prefix: bytes
) -> Spec:
    parse = ours(module, parse_name)
    serialize = ours(module, ser_name)
    model = parse(data)
    return Spec(
        ours=partial(serialize, model),
        peers={AS_BYTES: _peer(lambda: _as_bytes_peer(data, prefix))},
        check=lambda out: (
            None
            if (out.encode() if isinstance(out, str) else out) == data
            else "serialize(parse(x)) != x"
        ),
    )


_DS_PREFIX = b"Content-Type: message/delivery-status\r\n\r\n"


@case("serialize tracking-status body (parsed), 20 recipients", "serializers")
def _ser_ts() -> Spec:
    """msgtrk.tracking_status.serialize(parsed model): the original text, byte for byte.

    Peer: the stdlib's as_bytes() of the same body parsed as a
    message/delivery-status part (its generator re-joins the blocks).
    """
    return _serialize_case(
        "tracking_status", "parse", "serialize", inputs.tracking_status_body(20), _DS_PREFIX
    )


@case("serialize delivery-status body (parsed), 20 recipients", "serializers")
def _ser_ds() -> Spec:
    """msgtrk.delivery_status.serialize(parsed model) vs the stdlib's as_bytes()."""
    return _serialize_case(
        "delivery_status", "parse", "serialize", inputs.delivery_status_body(20), _DS_PREFIX
    )


_KEPT_TEXT = frozenset({"source", "spelling", "original", "raw", "wire", "separator"})


def _strip(value: Any) -> tuple[Any, int]:
    if isinstance(value, tuple):
        items = [_strip(v) for v in value]
        return tuple(v for v, _ in items), sum(n for _, n in items)
    if not attrs.has(type(value)):
        return value, 0
    changes: dict[str, Any] = {}
    dropped = 0
    for attribute in attrs.fields(type(value)):
        current = getattr(value, attribute.name)
        if not attribute.eq and attribute.name in _KEPT_TEXT and current is not None:
            if attribute.default is attrs.NOTHING:
                continue
            default = attribute.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                continue
            changes[attribute.name] = default
            dropped += 1
        elif attribute.init:
            new, n = _strip(current)
            if n:
                changes[attribute.name] = new
                dropped += n
    if not changes:
        return value, 0
    init_names = {a.alias or a.name for a in attrs.fields(type(value)) if a.init}
    return attrs.evolve(
        value, **{k.lstrip("_"): v for k, v in changes.items() if k.lstrip("_") in init_names}
    ), dropped


def _rebuilt(model: Any) -> Any:
    """The model as a caller would build it: every kept original text dropped."""
    rebuilt, dropped = _strip(model)
    if not dropped:
        raise Unavailable(f"{type(model).__name__}: no kept original text found to drop")
    if rebuilt != model:
        raise Unavailable(f"{type(model).__name__}: dropping the original text changed the model")
    return rebuilt


@case("serialize tracking-status body (built), 20 recipients", "serializers")
def _ser_ts_built() -> Spec:
    """msgtrk.tracking_status.serialize(model built in code): canonical text.

    The parsed model with its kept original text dropped, so the serializer
    writes every field.  Peer: the stdlib's as_bytes() as above.
    """
    parse = ours("tracking_status", "parse")
    serialize = ours("tracking_status", "serialize")
    data = inputs.tracking_status_body(20)
    model = _rebuilt(parse(data))

    def check(out: Any) -> str | None:
        return None if parse(out) == model else "parse(serialize(built)) != built"

    return Spec(
        ours=partial(serialize, model),
        peers={AS_BYTES: _as_bytes_peer(data, _DS_PREFIX)},
        check=check,
    )


@case("serialize DSN multipart/report (parsed)", "serializers")
def _ser_dsn() -> Spec:
    """msgtrk.delivery_status.serialize_report(parsed report) vs the stdlib's as_bytes()."""
    data = inputs.dsn_message(3)
    report = ours("delivery_status", "parse_report")(data)
    serialize = ours("delivery_status", "serialize_report")
    return Spec(ours=partial(serialize, report), peers={AS_BYTES: _as_bytes_peer(data)})


@case("serialize MTSN multipart/related (parsed)", "serializers")
def _ser_mtsn() -> Spec:
    """msgtrk.tracking_status.serialize_response(parsed MTSN) vs the stdlib's as_bytes()."""
    data = inputs.mtsn_message(6, parts=2)
    resp = ours("tracking_status", "parse_response")(data)
    serialize = ours("tracking_status", "serialize_response")
    return Spec(ours=partial(serialize, resp), peers={AS_BYTES: _as_bytes_peer(data)})


@case("serialize MAIL line (parsed)", "serializers")
def _ser_mail() -> Spec:
    """msgtrk.esmtp.serialize(parsed MAIL command); peer: a str.join floor of the same parts."""
    line = inputs.mail_line()
    cmd = ours("esmtp", "parse_mail")(line)
    serialize = ours("esmtp", "serialize")
    parts = line.split(" ")
    return Spec(ours=partial(serialize, cmd), peers={"str.join floor": partial(" ".join, parts)})


@case("serialize MAIL line (built)", "serializers")
def _ser_mail_built() -> Spec:
    """msgtrk.esmtp.serialize(MAIL model built in code): canonical text, xtext re-encoded.

    Peer: the str.join floor of the same parts.
    """
    line = inputs.mail_line()
    cmd = _rebuilt(ours("esmtp", "parse_mail")(line))
    serialize = ours("esmtp", "serialize")
    parts = line.split(" ")
    return Spec(
        ours=partial(serialize, cmd),
        peers={"str.join floor": partial(" ".join, parts)},
        check=lambda out: (
            None if out.rstrip("\r\n") == line else f"canonical text differs: {out!r}"
        ),
    )


@case("serialize MTQP TRACK command", "serializers")
def _ser_track() -> Spec:
    """msgtrk.mtqp.serialize(parsed TRACK); peer: a bytes.join floor of the same parts."""
    cmd = ours("mtqp", "parse_command")(_TRACK)
    serialize = ours("mtqp", "serialize")
    parts = _split_command(_TRACK)

    def floor() -> bytes:
        return b" ".join(parts) + b"\r\n"

    return Spec(ours=partial(serialize, cmd), peers={"bytes.join floor": floor})


# --- RFC 5322 pieces ------------------------------------------------------------

_DATE = "Sat, 28 Nov 2026 14:03:12 -0500"
_ADDR = "john.smith-42@mail.example.com"


def _find_rule(rule: str) -> Callable[[str], Any]:
    try:
        grammars = importlib.import_module("msgtrk._grammars")
    except ImportError as exc:
        raise Unavailable(f"msgtrk._grammars not importable ({exc})") from exc
    for name in ("delivery_status", "tracking_status", "status", "rfc5322", "esmtp", "mtqp"):
        try:
            return grammars.pattern(name, rule).fullmatch  # type: ignore[no-any-return]
        except Exception:
            continue
    raise Unavailable(f"no generated grammar has a fast path for {rule!r}")


def _ours_date() -> Callable[[str], Any]:
    for module, name in (
        ("_status._text", "parse_date"),
        ("_datetime", "parse_date_time"),
        ("_dates", "parse_date_time"),
        ("_fields", "parse_date_time"),
        ("_status", "parse_date_time"),
        ("_datetime", "parse"),
    ):
        try:
            fn = getattr(importlib.import_module(f"msgtrk.{module}"), name, None)
        except ImportError:
            continue
        if fn is not None:
            return fn  # type: ignore[no-any-return]
    raise Unavailable("no msgtrk date-time reader found (msgtrk._status._text.parse_date?)")


@case("RFC 5322 date-time", "rfc5322")
def _date_time() -> Spec:
    """An RFC 5322 date-time to an aware datetime, as the status parser does it.

    The generated date-time fast path (msgtrk._grammars, from the RFC 5322
    ABNF) checks the text, then msgtrk._status._text.parse_date converts it.
    Peer: email.utils.parsedate_to_datetime, the stdlib's answer to the same
    question (lenient, no position on error).
    """
    fullmatch = _find_rule("date-time")
    convert = _ours_date()

    def run(value: str) -> object:
        if fullmatch(value) is None:
            raise ValueError(value)
        return convert(value)

    return Spec(
        ours=partial(run, _DATE),
        peers={
            "email.utils.parsedate_to_datetime": partial(email.utils.parsedate_to_datetime, _DATE)
        },
    )


@case("RFC 5322 addr-spec", "rfc5322")
def _addr_spec() -> Spec:
    """Our generated addr-spec fast path (regex from the RFC 5322 ABNF), fullmatch.

    Peer: email-validator's validate_email(check_deliverability=False), what
    the models use for rfc822 addresses (syntax only, no DNS); it does more
    (normalisation, IDNA), so this shows what a grammar-only check saves.
    """
    fullmatch = _find_rule("addr-spec")
    return Spec(
        ours=partial(fullmatch, _ADDR),
        peers={
            "email-validator": partial(
                email_validator.validate_email, _ADDR, check_deliverability=False
            )
        },
    )


def profile_target(name: str) -> tuple[Case, Callable[[], object]]:
    """The case whose name contains ``name`` (case-insensitive) and our callable in it."""
    wanted = name.lower()
    matches = [c for c in CASES if wanted in c.name.lower()]
    exact = [c for c in matches if c.name.lower() == wanted]
    if exact:
        matches = exact
    if len(matches) != 1:
        names = ", ".join(c.name for c in matches) or "none"
        raise SystemExit(f"--profile {name!r} matches {len(matches)} cases: {names}")
    return matches[0], matches[0].build().ours
