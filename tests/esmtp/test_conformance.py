# ruff: noqa: E501 - table rows keep their RFC comment on the same line
"""The MAIL / RCPT conformance table (issue 4): valid and invalid rows, each citing its RFC.

Every row is also tried with CRLF, LF and trailing blanks, as real servers
receive lines.  Invalid rows give the column with a caret line under the
command: the error must be raised there, by the named ABNF rule.
"""

from __future__ import annotations

from typing import Any

import pytest

from msgtrk import LimitError, ParseError, SerializeError
from msgtrk.esmtp import (
    MAIL_LINE_DSN_MTRK,
    MAIL_LINE_MAX,
    EnvidParam,
    ExtensionParam,
    InvalidParam,
    Mailbox,
    MailCommand,
    MtrkParam,
    Notify,
    NotifyParam,
    OrcptParam,
    RcptCommand,
    Ret,
    RetParam,
    parse_mail,
    parse_rcpt,
    serialize,
)

CERT = "R01UlPS9jrccO3CqNXimYp57XpQ"  # 27 base64 characters: a SHA-1 (RFC 3885 §3.2)
N = Notify


def mb(address: str) -> Mailbox:
    return Mailbox.from_string(address)


def M(path: str | None, *params: Any) -> MailCommand:  # noqa: N802
    return MailCommand(reverse_path=path, params=params)


def R(path: str | Mailbox, *params: Any) -> RcptCommand:  # noqa: N802
    return RcptCommand(forward_path=path, params=params)


def mtrk(cert: str, timeout: int | None = None) -> MtrkParam:
    return MtrkParam(certifier=cert, timeout=timeout)


def envid(value: str) -> EnvidParam:
    return EnvidParam(envid=value)


def ret(value: str) -> RetParam:
    return RetParam(ret=value)


def ext(keyword: str, value: str | None = None) -> ExtensionParam:
    return ExtensionParam(keyword=keyword, value=value)


def notify(*values: Notify) -> NotifyParam:
    return NotifyParam(notify=values)


def orcpt(addr_type: str, address: str) -> OrcptParam:
    return OrcptParam(addr_type=addr_type, address=address)


PM = Mailbox(local_part="Postmaster", domain=None)
A = "MAIL FROM:<a@b>"  # the shortest MAIL line used by the parameter rows
T = "RCPT TO:<a@b>"

# fmt: off
VALID: list[tuple[str, Any]] = [
    # --- RFC 5321 §4.1.1.2 MAIL and §4.1.2 paths ---
    ("MAIL FROM:<a@example.com>", M("a@example.com")),  # §4.1.1.2
    ("MAIL FROM:<>", M(None)),  # §4.1.2 null Reverse-path
    ("mail from:<a@example.com>", M("a@example.com")),  # RFC 5234 §2.3: strings are case-insensitive
    ("Mail From:<a@example.com>", M("a@example.com")),  # RFC 5234 §2.3
    ("MAIL FROM:<userx@y.foo.org>", M("userx@y.foo.org")),  # §4.1.1.3 example
    ("MAIL FROM:<@hosta.int,@jkl.org:userc@d.bar.org>", M("userc@d.bar.org")),  # §4.1.1.3 source route ignored
    ("MAIL FROM:<@hosta.int:userc@d.bar.org>", M("userc@d.bar.org")),  # §4.1.2 A-d-l of one
    ('MAIL FROM:<"john doe"@example.com>', M('"john doe"@example.com')),  # §4.1.2 Quoted-string
    ('MAIL FROM:<"a\\"b"@example.com>', M('"a\\"b"@example.com')),  # §4.1.2 quoted-pairSMTP
    ('MAIL FROM:<"a\\\\b"@example.com>', M('"a\\\\b"@example.com')),  # §4.1.2 quoted backslash
    ('MAIL FROM:<"joe"@example.com>', M("joe@example.com")),  # §4.1.2 quoted forms are equivalent
    ('MAIL FROM:<""@example.com>', M('""@example.com')),  # §4.1.2 *QcontentSMTP (erratum 5414 held, not applied)
    ("MAIL FROM:<user@[192.0.2.1]>", M("user@[192.0.2.1]")),  # §4.1.3 IPv4-address-literal
    ("MAIL FROM:<user@[IPv6:2001:db8::1]>", M("user@[IPv6:2001:db8::1]")),  # §4.1.3 IPv6-address-literal
    ("MAIL FROM:<user@[x-tag:abc]>", M("user@[x-tag:abc]")),  # §4.1.3 General-address-literal
    ("MAIL FROM:<a.b.c@sub.example.com>", M("a.b.c@sub.example.com")),  # §4.1.2 Dot-string
    ("MAIL FROM:<a+tag@example.com>", M("a+tag@example.com")),  # §4.1.2 atext
    ("MAIL FROM:<!#$%&'*+/=?^_`{|}~-@example.com>", M("!#$%&'*+/=?^_`{|}~-@example.com")),  # RFC 5322 §3.2.3 atext
    ("MAIL FROM:<a@ex-ample.com>", M("a@ex-ample.com")),  # §4.1.2 Ldh-str
    ("MAIL FROM:<a@123.example>", M("a@123.example")),  # §4.1.2 Let-dig
    ("MAIL FROM:<a@b>", M("a@b")),  # §4.1.2 one sub-domain
    ("MAIL FROM:<josé@exämple.com>", M("josé@exämple.com")),  # RFC 6531 §3.3 UTF-8 mailbox
    ("MAIL FROM:<用户@例子.广告>", M("用户@例子.广告")),  # RFC 6531 §3.3 U-labels
    ('MAIL FROM:<"é x"@example.com>', M('"é x"@example.com')),  # RFC 6531 §3.3 qtextSMTP
    ("MAIL FROM:<postmaster@example.com>", M("postmaster@example.com")),  # §4.1.1.3 an ordinary mailbox
    # --- RFC 5321 §4.1.2 generic esmtp-params kept verbatim ---
    (A + " SIZE=1000", M("a@b", ext("SIZE", "1000"))),  # §4.1.2 esmtp-param; RFC 1870
    (A + " BODY=8BITMIME SMTPUTF8", M("a@b", ext("BODY", "8BITMIME"), ext("SMTPUTF8"))),  # §4.1.2 keyword alone
    (A + " X-FOO=bar", M("a@b", ext("X-FOO", "bar"))),  # §4.1.2 esmtp-keyword with "-"
    (A + " MT-PRIORITY=3", M("a@b", ext("MT-PRIORITY", "3"))),  # §4.1.2; RFC 6710
    (A + " AUTH=<>", M("a@b", ext("AUTH", "<>"))),  # §4.1.2 esmtp-value includes "<" ">"; RFC 4954
    (A + " AUTH=alice+40example.com", M("a@b", ext("AUTH", "alice+40example.com"))),  # kept encoded
    (A + " x-y-z", M("a@b", ext("X-Y-Z"))),  # §4.1.2 keywords case-insensitive
    (A + " X=é", M("a@b", ext("X", "é"))),  # RFC 6531 §3.3 esmtp-value =/ UTF8-non-ascii
    (A + " X=(a)", M("a@b", ext("X", "(a)"))),  # RFC 3461 §4 NOTE: parentheses are not comments
    (A + " HOLDFOR=60 BY=120;R", M("a@b", ext("HOLDFOR", "60"), ext("BY", "120;R"))),  # §4.1.2 order kept
    # --- RFC 3461 §4.4 ENVID ---
    (A + " ENVID=QQ314159", M("a@b", envid("QQ314159"))),  # RFC 3461 §4.4
    (A + " ENVID=a+2Bb", M("a@b", envid("a+b"))),  # RFC 3461 §4 hexchar for "+"
    (A + " ENVID=a+3Db", M("a@b", envid("a=b"))),  # RFC 3461 §4 hexchar for "="
    (A + " ENVID=a+20b", M("a@b", envid("a b"))),  # RFC 3461 §4 hexchar for SP
    (A + " ENVID=+41", M("a@b", envid("A"))),  # RFC 3461 §4: an xchar MAY be a hexchar
    (A + " ENVID=x", M("a@b", envid("x"))),  # RFC 3461 §4.4
    (A + " envid=x@y", M("a@b", envid("x@y"))),  # RFC 5321 §2.4 keyword case
    (A + " Envid=x", M("a@b", envid("x"))),  # RFC 5321 §2.4
    (A + " ENVID=" + "e" * 100, M("a@b", envid("e" * 100))),  # RFC 3461 §4.4: up to 100 characters
    (A + " ENVID=<12345-20010101@example.com>", M("a@b", envid("<12345-20010101@example.com>"))),  # RFC 3887 §4.1
    (A + " ENVID=a(b)c", M("a@b", envid("a(b)c"))),  # RFC 3461 §4 NOTE
    # --- RFC 3461 §4.3 RET ---
    (A + " RET=FULL", M("a@b", ret("FULL"))),  # RFC 3461 §4.3
    (A + " RET=HDRS", M("a@b", ret("HDRS"))),  # RFC 3461 §4.3
    (A + " RET=hdrs", M("a@b", ret("HDRS"))),  # RFC 3461 §4.3 any case
    (A + " ret=Full", M("a@b", ret("FULL"))),  # RFC 3461 §4.3 any case
    (A + " RET=fUlL", M("a@b", ret("FULL"))),  # RFC 3461 §4.3 any case
    # --- RFC 3885 §3.1 MTRK (with the ENVID §3.2 requires) ---
    (A + f" ENVID=x@y MTRK={CERT}:3600", M("a@b", envid("x@y"), mtrk(CERT, 3600))),  # RFC 3885 §3.1
    (A + f" ENVID=x@y MTRK={CERT}", M("a@b", envid("x@y"), mtrk(CERT))),  # §3.1 timeout optional
    (A + f" MTRK={CERT}:60 ENVID=x@y", M("a@b", mtrk(CERT, 60), envid("x@y"))),  # §3: any order
    (A + f" ENVID=x@y mtrk={CERT}:1", M("a@b", envid("x@y"), mtrk(CERT, 1))),  # RFC 5321 §2.4 keyword case
    (A + " ENVID=x@y MTRK=ab+/cd:5", M("a@b", envid("x@y"), mtrk("ab+/cd", 5))),  # RFC 3885 §1 base64 "+" "/"
    (A + " ENVID=x@y MTRK=A", M("a@b", envid("x@y"), mtrk("A"))),  # local fix 1*base64 (length checked by check())
    (A + " ENVID=x@y MTRK=abc:0", M("a@b", envid("x@y"), mtrk("abc", 0))),  # §3.1 1*9DIGIT admits 0
    (A + " ENVID=x@y MTRK=abc:999999999", M("a@b", envid("x@y"), mtrk("abc", 999999999))),  # §3.1 9 digits
    (A + " ENVID=x@y MTRK=abc:000060", M("a@b", envid("x@y"), mtrk("abc", 60))),  # §3.1 leading zeros
    (A + " ENVID=l+40cal@h MTRK=abc", M("a@b", envid("l@cal@h"), mtrk("abc"))),  # §3.2 "@" in local-envid encoded
    (A + " ENVID=a@b@c MTRK=abc", M("a@b", envid("a@b@c"), mtrk("abc"))),  # §3.2 xtext "@" xtext is ambiguous
    ("MAIL FROM:<> ENVID=x@y MTRK=abc:9", M(None, envid("x@y"), mtrk("abc", 9))),  # §3.1 with null path
    (A + f" SIZE=10 RET=HDRS ENVID=QQ@h.example MTRK={CERT}:86400 BODY=8BITMIME",
     M("a@b", ext("SIZE", "10"), ret("HDRS"), envid("QQ@h.example"), mtrk(CERT, 86400),
       ext("BODY", "8BITMIME"))),  # every kind, order kept
    ("MAIL FROM:<@r.example:a@b> ENVID=x@y MTRK=abc", M("a@b", envid("x@y"), mtrk("abc"))),  # route + MTRK
]

VALID_RCPT: list[tuple[str, Any]] = [
    # --- RFC 5321 §4.1.1.3 RCPT ---
    ("RCPT TO:<b@example.org>", R("b@example.org")),  # §4.1.1.3
    ("rcpt to:<b@example.org>", R("b@example.org")),  # RFC 5234 §2.3
    ("RCPT TO:<Postmaster>", R(PM)),  # §4.1.1.3 <Postmaster>
    ("RCPT TO:<postmaster>", R(Mailbox(local_part="postmaster", domain=None))),  # case-insensitive
    ("RCPT TO:<POSTMASTER> NOTIFY=NEVER", R(Mailbox(local_part="POSTMASTER", domain=None),
                                            notify(N.NEVER))),  # §4.1.1.3
    ("RCPT TO:<Postmaster@example.org>", R("Postmaster@example.org")),  # §4.1.1.3
    ("RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>", R("userc@d.bar.org")),  # §4.1.1.3 example
    ("RCPT TO:<userc@d.bar.org>", R("userc@d.bar.org")),  # §4.1.1.3 example
    ('RCPT TO:<"Joe\\,Smith"@example.org>', R('"Joe,Smith"@example.org')),  # §4.1.2 quoted comma
    ("RCPT TO:<b@[IPv6:::1]>", R("b@[IPv6:::1]")),  # §4.1.3
    ("RCPT TO:<b@[10.0.0.1]>", R("b@[10.0.0.1]")),  # §4.1.3
    ("RCPT TO:<δοκιμή@παράδειγμα.δοκιμή>", R("δοκιμή@παράδειγμα.δοκιμή")),  # RFC 6531 §3.3
    # --- RFC 3461 §4.1 NOTIFY ---
    (T + " NOTIFY=NEVER", R("a@b", notify(N.NEVER))),  # §4.1
    (T + " NOTIFY=SUCCESS", R("a@b", notify(N.SUCCESS))),  # §4.1
    (T + " NOTIFY=FAILURE", R("a@b", notify(N.FAILURE))),  # §4.1
    (T + " NOTIFY=DELAY", R("a@b", notify(N.DELAY))),  # §4.1
    (T + " NOTIFY=SUCCESS,FAILURE", R("a@b", notify(N.SUCCESS, N.FAILURE))),  # §4.1 note a
    (T + " NOTIFY=FAILURE,DELAY", R("a@b", notify(N.FAILURE, N.DELAY))),  # §4.1 (the default)
    (T + " NOTIFY=SUCCESS,FAILURE,DELAY", R("a@b", notify(N.SUCCESS, N.FAILURE, N.DELAY))),  # §4.1
    (T + " NOTIFY=DELAY,SUCCESS", R("a@b", notify(N.DELAY, N.SUCCESS))),  # §4.1 order kept
    (T + " NOTIFY=never", R("a@b", notify(N.NEVER))),  # §4.1 note b any case
    (T + " NOTIFY=fAiLuRe,DELAY", R("a@b", notify(N.FAILURE, N.DELAY))),  # §4.1 note b (Exim test 0612)
    (T + " notify=success", R("a@b", notify(N.SUCCESS))),  # RFC 5321 §2.4
    # --- RFC 3461 §4.2 ORCPT ---
    (T + " ORCPT=rfc822;b@example.org", R("a@b", orcpt("rfc822", "b@example.org"))),  # §4.2
    (T + " ORCPT=rfc822;Bob@Example.COM", R("a@b", orcpt("rfc822", "Bob@Example.COM"))),  # §5.2.1 (d) case kept
    (T + " ORCPT=RFC822;b@x", R("a@b", orcpt("rfc822", "b@x"))),  # §4.2 addr-type compared without case
    (T + " ORCPT=rfc822;a+2Bb@x", R("a@b", orcpt("rfc822", "a+b@x"))),  # §4 hexchar
    (T + " ORCPT=rfc822;a+20b@x", R("a@b", orcpt("rfc822", "a b@x"))),  # §4 hexchar SP
    (T + " ORCPT=rfc822;", R("a@b", orcpt("rfc822", ""))),  # §4.2 xtext may be empty
    (T + " ORCPT=x400;/C+3Dus/ADMD+3Dx/", R("a@b", orcpt("x400", "/C=us/ADMD=x/"))),  # §4.2 "=" as hexchar
    (T + " ORCPT=unknown;foo", R("a@b", orcpt("unknown", "foo"))),  # §4.2 any atom
    (T + " ORCPT=x-local;b+3Dc", R("a@b", orcpt("x-local", "b=c"))),  # §4.2 atom, hexchar "="
    (T + " ORCPT=utf-8;j\\x{E9}@example.com", R("a@b", orcpt("utf-8", "jé@example.com"))),  # RFC 6533 §3 utf-8-addr-xtext
    (T + " ORCPT=utf-8;jé@example.com", R("a@b", orcpt("utf-8", "jé@example.com"))),  # RFC 6533 §3 utf-8-addr-unitext
    (T + " ORCPT=utf-8;a\\x{2B}b@x", R("a@b", orcpt("utf-8", "a+b@x"))),  # RFC 6533 §3 "+" as HEXPOINT
    (T + ' ORCPT=utf-8;"a\\x{5C}\\x{5C}b"@x', R("a@b", orcpt("utf-8", '"a\\\\b"@x'))),  # RFC 6533 §3 "\" as 5C, in a quoted local part
    (T + " ORCPT=utf-8;\\x{1F600}@x", R("a@b", orcpt("utf-8", "\U0001f600@x"))),  # RFC 6533 §3 5-digit form
    (T + " ORCPT=UTF-8;b@x", R("a@b", orcpt("utf-8", "b@x"))),  # RFC 6533 §3 type without case
    # --- combinations; RFC 3461 §10 examples ---
    ("RCPT TO:<Sam@Boondoggle.GOV> NOTIFY=SUCCESS ORCPT=rfc822;George@Tax-ME.GOV",
     R("Sam@Boondoggle.GOV", notify(N.SUCCESS), orcpt("rfc822", "George@Tax-ME.GOV"))),  # §4.2 example
    (T + " NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@b RRVS=2014-04-03T23:01:00Z",
     R("a@b", notify(N.SUCCESS, N.FAILURE), orcpt("rfc822", "a@b"),
       ext("RRVS", "2014-04-03T23:01:00Z"))),  # RFC 5321 §4.1.2 order kept; RFC 7293
    (T + " ENVID=x", R("a@b", ext("ENVID", "x"))),  # a MAIL keyword on RCPT is an unknown esmtp-param
]
# fmt: on

# fmt: off
INVALID: list[tuple[str, str, str]] = [
    # (line, caret under the error column, rule)
    # --- RFC 5321 §4.1.1.2 the command word ---
    ("MAIL FROM <a@b>",
     "         ^", "mail"),  # §4.1.1.2 "MAIL FROM:"
    ("MAIL TO:<a@b>",
     "     ^", "mail"),  # §4.1.1.2
    ("MAILFROM:<a@b>",
     "    ^", "mail"),  # §4.1.1.2 SP inside "MAIL FROM:"
    ("RCPT TO:<a@b>",
     "^", "mail"),  # §4.1.1.2
    ("MAIL FROM: <a@b>",
     "          ^", "mail"),  # §4.1.1.2 no SP after the colon (strict)
    # --- RFC 5321 §4.1.2 Reverse-path ---
    ("MAIL FROM:a@b",
     "          ^", "Reverse-path"),  # §4.1.2 Path needs "<"
    ("MAIL FROM:",
     "          ^", "Reverse-path"),  # §4.1.2
    ("MAIL FROM:<a@b",
     "              ^", "Path"),  # §4.1.2 ">"
    ("MAIL FROM:<a>",
     "            ^", "Mailbox"),  # §4.1.2 Mailbox needs "@"
    ("MAIL FROM:<@b>",
     "             ^", "A-d-l"),  # §4.1.2 A-d-l ":"
    ("MAIL FROM:<@b,a@c>",
     "              ^", "A-d-l"),  # §4.1.2 At-domain
    ("MAIL FROM:<a@>",
     "             ^", "Domain"),  # §4.1.2 sub-domain
    ("MAIL FROM:<a@b.>",
     "               ^", "Domain"),  # §4.1.2; erratum 6561 (trailing dot) rejected
    ("MAIL FROM:<a@-b>",
     "             ^", "Domain"),  # §4.1.2 Let-dig first
    ("MAIL FROM:<a@b-.c>",
     "               ^", "Domain"),  # §4.1.2 Ldh-str ends in Let-dig
    ("MAIL FROM:<a@b_c.com>",
     "              ^", "Path"),  # §4.1.2 "_" not in domain names
    ("MAIL FROM:<a..b@c>",
     "             ^", "Dot-string"),  # §4.1.2 Dot-string
    ("MAIL FROM:<.a@c>",
     "           ^", "Dot-string"),  # §4.1.2
    ("MAIL FROM:<a.@c>",
     "             ^", "Dot-string"),  # §4.1.2
    ("MAIL FROM:<a b@c>",
     "            ^", "Mailbox"),  # §4.1.2
    ("MAIL FROM:<a(b)@c>",
     "            ^", "Mailbox"),  # §4.1.2 no comments in paths
    ('MAIL FROM:<"a@c>',
     '                ^', "Quoted-string"),  # §4.1.2 DQUOTE
    ('MAIL FROM:<"a\tb"@c>',
     '             ^', "qtextSMTP"),  # §4.1.2 qtextSMTP
    ("MAIL FROM:<a@[192.0.2.1>",
     "                        ^", "address-literal"),  # §4.1.3 "]"
    ("MAIL FROM:<a@[192.0.2.1234]>",
     "                         ^", "address-literal"),  # §4.1.3 Snum = 1*3DIGIT
    ("MAIL FROM:<a@[192.0.2]>",
     "                     ^", "address-literal"),  # §4.1.3 four Snum
    ("MAIL FROM:<a@[foo]>",
     "              ^", "address-literal"),  # §4.1.3 tag ":" dcontent
    ("MAIL FROM:<a@[:x]>",
     "              ^", "address-literal"),  # §4.1.3 Standardized-tag
    ("MAIL FROM:<a@b>x",
     "               ^", "mail"),  # §4.1.1.2 SP before Mail-parameters
    ("MAIL FROM:<<a@b>>",
     "           ^", "Dot-string"),  # §4.1.2
    ("MAIL FROM:<a@b> <c@d>",
     "                ^", "esmtp-keyword"),  # §4.1.2 one path only
    # --- RFC 5321 §4.1.2 esmtp-param ---
    ("MAIL FROM:<a@b>  SIZE=1",
     "                ^", "esmtp-keyword"),  # §4.1.2 one SP between parameters
    ("MAIL FROM:<a@b> =1",
     "                ^", "esmtp-keyword"),  # §4.1.2
    ("MAIL FROM:<a@b> -X=1",
     "                ^", "esmtp-keyword"),  # §4.1.2 (ALPHA / DIGIT) first
    ("MAIL FROM:<a@b> X_Y=1",
     "                 ^", "esmtp-keyword"),  # §4.1.2
    ("MAIL FROM:<a@b> SIZE=",
     "                     ^", "esmtp-value"),  # §4.1.2 1*(...)
    ("MAIL FROM:<a@b> X=a=b",
     "                   ^", "esmtp-value"),  # §4.1.2 no "=" in esmtp-value
    ("MAIL FROM:<a@b> X=a\x7fb",
     "                   ^", "esmtp-value"),  # §4.1.2 no control characters
    ("MAIL FROM:<a@b> X=a\x01",
     "                   ^", "esmtp-value"),  # §4.1.2
    # --- RFC 3461 §4.4 ENVID ---
    ("MAIL FROM:<a@b> ENVID=",
     "                      ^", "esmtp-value"),  # §4.4 MUST have a value
    ("MAIL FROM:<a@b> ENVID",
     "                     ^", "envid-parameter"),  # §4.4 "ENVID="
    ("MAIL FROM:<a@b> ENVID=a+2b",
     "                         ^", "hexchar"),  # §4 two UPPER case digits
    ("MAIL FROM:<a@b> ENVID=a+",
     "                        ^", "hexchar"),  # §4 hexchar
    ("MAIL FROM:<a@b> ENVID=a+G1",
     "                        ^", "hexchar"),  # §4 hexchar
    ("MAIL FROM:<a@b> ENVID=aé",
     "                       ^", "xtext"),  # §4 xchar is ASCII
    ("MAIL FROM:<a@b> ENVID=a+0D+0Ab@example.com",
     "                       ^", "envid-parameter"),  # §4.4 MUST be printable US-ASCII before xtext (review #8)
    ("MAIL FROM:<a@b> ENVID=a+C3+A9",
     "                       ^", "envid-parameter"),  # §4.4 US-ASCII only
    ("MAIL FROM:<a@b> ENVID=a+7F",
     "                       ^", "envid-parameter"),  # §4.4 DEL is not printable
    ("MAIL FROM:<a@b> ENVID=a ENVID=b",
     "                        ^", "Mail-parameters"),  # §4.5 not more than once
    ("MAIL FROM:<a@b> ENVID=a envid=b",
     "                        ^", "Mail-parameters"),  # §4.5 keywords without case
    # --- RFC 3461 §4.3 RET ---
    ("MAIL FROM:<a@b> RET=",
     "                    ^", "esmtp-value"),  # §4.3 MUST have a value
    ("MAIL FROM:<a@b> RET",
     "                   ^", "ret-parameter"),  # §4.3
    ("MAIL FROM:<a@b> RET=FUL",
     "                       ^", "ret-esmtp-value"),  # §4.3 FULL
    ("MAIL FROM:<a@b> RET=FULLY",
     "                        ^", "ret-esmtp-value"),  # §4.3
    ("MAIL FROM:<a@b> RET=NONE",
     "                    ^", "ret-esmtp-value"),  # §4.3
    ("MAIL FROM:<a@b> RET=HDR",
     "                       ^", "ret-esmtp-value"),  # §4.3 HDRS
    ("MAIL FROM:<a@b> RET=FULL,HDRS",
     "                        ^", "ret-esmtp-value"),  # §4.3 one keyword
    ("MAIL FROM:<a@b> RET=FULL RET=HDRS",
     "                         ^", "Mail-parameters"),  # §4.5
    ("MAIL FROM:<a@b> RET=FULL ret=FULL",
     "                         ^", "Mail-parameters"),  # §4.5
    # --- RFC 3885 §3.1 MTRK ---
    ("MAIL FROM:<a@b> MTRK=",
     "                     ^", "esmtp-value"),  # §3.1
    ("MAIL FROM:<a@b> MTRK",
     "                    ^", "mtrk-parameter"),  # §3.1 "MTRK="
    ("MAIL FROM:<a@b> MTRK=ab-c:1",
     "                       ^", "mtrk-certifier"),  # §1 base64 has no "-"
    ("MAIL FROM:<a@b> MTRK=abc=:1",
     "                        ^", "mtrk-certifier"),  # §1 base64 has no "=" padding
    ("MAIL FROM:<a@b> MTRK=ab_c",
     "                       ^", "mtrk-certifier"),  # §1 not base64url
    ("MAIL FROM:<a@b> MTRK=:60",
     "                     ^", "mtrk-certifier"),  # §3.1 certifier required
    ("MAIL FROM:<a@b> MTRK=abc:",
     "                         ^", "mtrk-timeout"),  # §3.1 1*9DIGIT
    ("MAIL FROM:<a@b> MTRK=abc:12a",
     "                           ^", "mtrk-timeout"),  # §3.1 DIGIT
    ("MAIL FROM:<a@b> MTRK=abc:1234567890",
     "                                  ^", "mtrk-timeout"),  # §3.1 at most 9 digits
    ("MAIL FROM:<a@b> MTRK=abc:-5",
     "                         ^", "mtrk-timeout"),  # §3.1
    ("MAIL FROM:<a@b> MTRK=abc:1:2",
     "                          ^", "mtrk-timeout"),  # §3.1 one ":"
    ("MAIL FROM:<a@b> MTRK=abcé",
     "                        ^", "mtrk-certifier"),  # §1 base64 is ASCII
    ("MAIL FROM:<a@b> MTRK=abc:60",
     "                ^", "envid-parameter"),  # §3.2 ENVID MUST be included
    ("MAIL FROM:<a@b> ENVID=abc MTRK=abc",
     "                         ^", "unique-envid"),  # §3.2 local-envid "@" fqhn
    ("MAIL FROM:<a@b> ENVID=a+40b MTRK=x",
     "                           ^", "unique-envid"),  # §3.2 the "@" is literal, not encoded
    ("MAIL FROM:<a@b> ENVID=a@b MTRK=x MTRK=x",
     "                                 ^", "Mail-parameters"),  # RFC 5321 §4.1.2, RFC 3461 §4.5 policy
]

INVALID_RCPT: list[tuple[str, str, str]] = [
    # --- RFC 5321 §4.1.1.3 ---
    ("RCPT TO <a@b>",
     "       ^", "rcpt"),  # §4.1.1.3 "RCPT TO:"
    ("RCPT FROM:<a@b>",
     "     ^", "rcpt"),  # §4.1.1.3
    ("RCPT TO:<>",
     "         ^", "Dot-string"),  # §4.1.2 Forward-path is not null
    ("RCPT TO:<Postmaster",
     "                   ^", "Mailbox"),  # §4.1.1.3 "<Postmaster>"
    ("RCPT TO:Postmaster",
     "        ^", "Forward-path"),  # §4.1.1.3
    ("RCPT TO: <a@b>",
     "        ^", "rcpt"),  # §4.1.1.3 (strict)
    ("RCPT TO:<a@b>,<c@d>",
     "             ^", "rcpt"),  # §4.1.1.3 one recipient per RCPT
    ("RCPT TO:<a@b.c..d>",
     "               ^", "Domain"),  # §4.1.2
    # --- RFC 3461 §4.1 NOTIFY ---
    ("RCPT TO:<a@b> NOTIFY=",
     "                     ^", "esmtp-value"),  # §4.1 MUST have a value
    ("RCPT TO:<a@b> NOTIFY",
     "                    ^", "notify-parameter"),  # §4.1
    ("RCPT TO:<a@b> NOTIFY=NEVER,SUCCESS",
     "                          ^", "notify-esmtp-value"),  # §4.1 note a: NEVER by itself
    ("RCPT TO:<a@b> NOTIFY=SUCCESS,NEVER",
     "                             ^", "notify-esmtp-value"),  # §4.1 note a
    ("RCPT TO:<a@b> NOTIFY=NEVER,NEVER",
     "                          ^", "notify-esmtp-value"),  # §4.1 note a
    ("RCPT TO:<a@b> NOTIFY=SUCCESS,SUCCESS",
     "                             ^", "notify-esmtp-value"),  # §4.1 no repeats
    ("RCPT TO:<a@b> NOTIFY=success,SUCCESS",
     "                             ^", "notify-esmtp-value"),  # §4.1 note b: repeats without case
    ("RCPT TO:<a@b> NOTIFY=DELAY,FAILURE,DELAY",
     "                                   ^", "notify-esmtp-value"),  # §4.1
    ("RCPT TO:<a@b> NOTIFY=SUCCES",
     "                           ^", "notify-esmtp-value"),  # §4.1
    ("RCPT TO:<a@b> NOTIFY=ALWAYS",
     "                     ^", "notify-esmtp-value"),  # §4.1
    ("RCPT TO:<a@b> NOTIFY=SUCCESS,",
     "                             ^", "notify-esmtp-value"),  # §4.1 1#: no empty element
    ("RCPT TO:<a@b> NOTIFY=SUCCESS,,DELAY",
     "                             ^", "notify-esmtp-value"),  # §4.1
    ("RCPT TO:<a@b> NOTIFY=,SUCCESS",
     "                     ^", "notify-esmtp-value"),  # §4.1
    ("RCPT TO:<a@b> NOTIFY=FAILURE;DELAY",
     "                            ^", "notify-esmtp-value"),  # §4.1 separated by commas
    ("RCPT TO:<a@b> NOTIFY=NEVER NOTIFY=NEVER",
     "                           ^", "Rcpt-parameters"),  # §4.5 not more than once
    # --- RFC 3461 §4.2 ORCPT ---
    ("RCPT TO:<a@b> ORCPT=",
     "                    ^", "esmtp-value"),  # §4.2 MUST have a value
    ("RCPT TO:<a@b> ORCPT",
     "                   ^", "orcpt-parameter"),  # §4.2
    ("RCPT TO:<a@b> ORCPT=rfc822",
     "                          ^", "original-recipient-address"),  # §4.2 addr-type ";" xtext
    ("RCPT TO:<a@b> ORCPT=;a@b",
     "                    ^", "addr-type"),  # §4.2 addr-type = atom
    ("RCPT TO:<a@b> ORCPT=rfc(822;a@b",
     "                       ^", "addr-type"),  # §4.2 atom
    ("RCPT TO:<a@b> ORCPT=rfc822;a+2xb",
     "                              ^", "hexchar"),  # §4 hexchar
    ("RCPT TO:<a@b> ORCPT=rfc822;aé@b",
     "                            ^", "xtext"),  # §4.2 printable US-ASCII, xtext
    ("RCPT TO:<a@b> ORCPT=utf-8;a\\x{41}@b",
     "                              ^", "EmbeddedUnicodeChar"),  # RFC 6533 §3 HEXPOINT: not plain ASCII
    ("RCPT TO:<a@b> ORCPT=utf-8;a\\x{E9",
     "                                ^", "EmbeddedUnicodeChar"),  # RFC 6533 §3 "}"
    ("RCPT TO:<a@b> ORCPT=utf-8;a\\x{0E9}",
     "                              ^", "EmbeddedUnicodeChar"),  # RFC 6533 §3 no leading zero
    ("RCPT TO:<a@b> ORCPT=utf-8;a\\x{D800}",
     "                              ^", "EmbeddedUnicodeChar"),  # RFC 6533 §3 no surrogates
    ("RCPT TO:<a@b> ORCPT=utf-8;",
     "                          ^", "utf-8-enc-addr"),  # RFC 6533 §3 1*(...)
    ("RCPT TO:<a@b> ORCPT=utf-8;a\\b",
     "                            ^", "EmbeddedUnicodeChar"),  # RFC 6533 §3 "\" only as \x{...}
    ("RCPT TO:<a@b> ORCPT=utf-8;a+tag@x",
     "                           ^", "utf-8-enc-addr"),  # RFC 6533 §3 "+" MUST be \x{2B} in ORCPT (review #8)
    ("RCPT TO:<b@example.org> ORCPT=utf-8;b+5Cx{E9}@example.org",
     "                                     ^", "utf-8-enc-addr"),  # RFC 6533 §3 QCHAR excludes "+" (not xtext)
    ("RCPT TO:<a@b> ORCPT=utf-8;a\\x{5C}b@x",
     "                          ^", "utf-8-address"),  # RFC 6533 §3 MUST be a Mailbox when decoded
    ("RCPT TO:<a@b> ORCPT=utf-8;ab",
     "                            ^", "Mailbox"),  # RFC 6533 §3 utf-8-address = Mailbox
    ("RCPT TO:<b@example.org> ORCPT=rfc822;b+C3+A9@example.org",
     "                                      ^", "orcpt-parameter"),  # RFC 3461 §4.2 printable US-ASCII before xtext
    ("RCPT TO:<a@b> ORCPT=rfc822;a+0Db",
     "                            ^", "orcpt-parameter"),  # RFC 3461 §4.2 no CR
    ("RCPT TO:<a@b> ORCPT=rfc822;a ORCPT=rfc822;b",
     "                             ^", "Rcpt-parameters"),  # §4.5
    ("RCPT TO:<a@b> NOTIFY=NEVER orcpt=x;a ORCPT=x;b",
     "                                     ^", "Rcpt-parameters"),  # §4.5
]
# fmt: on

ENDINGS = ["", "\r\n", "\n", "  \r\n", " \t\n", "   "]


def _models() -> list[tuple[str, Any]]:
    return VALID + VALID_RCPT


def _parse(line: str) -> Any:
    return parse_mail(line) if line[:4].upper() == "MAIL" else parse_rcpt(line)


def _parse_for(kind: str, line: str) -> Any:
    return parse_mail(line) if kind == "MAIL" else parse_rcpt(line)


def test_the_table_is_big_enough() -> None:
    assert len(VALID) + len(VALID_RCPT) + len(INVALID) + len(INVALID_RCPT) >= 150


@pytest.mark.parametrize(("line", "model"), _models(), ids=[r[0] for r in _models()])
@pytest.mark.parametrize("ending", ENDINGS, ids=repr)
def test_valid(line: str, model: Any, ending: str) -> None:
    text = line + ending
    parsed = _parse(text)
    assert parsed == model
    assert parsed.defects == ()
    assert serialize(parsed) == text  # the exact original
    built = serialize(model)  # canonical for the built model
    assert built.endswith("\r\n")
    assert _parse(built) == model


def test_source_route_is_read_and_ignored() -> None:
    cmd = parse_rcpt("RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>")
    assert cmd.source_route == ("hosta.int", "jkl.org")
    assert serialize(RcptCommand(forward_path=cmd.forward_path)) == "RCPT TO:<userc@d.bar.org>\r\n"


@pytest.mark.parametrize(
    ("line", "caret", "rule"),
    [(r[0], r[1], r[2]) for r in INVALID],
    ids=[r[0] for r in INVALID],
)
@pytest.mark.parametrize("ending", ENDINGS, ids=repr)
def test_invalid_mail(line: str, caret: str, rule: str, ending: str) -> None:
    _check_invalid("MAIL", line, caret, rule, ending)


@pytest.mark.parametrize(
    ("line", "caret", "rule"),
    [(r[0], r[1], r[2]) for r in INVALID_RCPT],
    ids=[r[0] for r in INVALID_RCPT],
)
@pytest.mark.parametrize("ending", ENDINGS, ids=repr)
def test_invalid_rcpt(line: str, caret: str, rule: str, ending: str) -> None:
    _check_invalid("RCPT", line, caret, rule, ending)


def _check_invalid(kind: str, line: str, caret: str, rule: str, ending: str) -> None:
    assert caret.endswith("^") and set(caret[:-1]) <= {" "}
    with pytest.raises(ParseError) as info:
        _parse_for(kind, line + ending)
    error = info.value
    assert (error.line, error.column, error.rule) == (1, len(caret), rule), str(error)
    assert error.offset == len(caret) - 1


def test_envid_limit() -> None:
    # RFC 3461 §4.4: up to 100 characters (the esmtp-value, as sent)
    line = "MAIL FROM:<a@b> ENVID=" + "e" * 101
    with pytest.raises(LimitError) as info:
        parse_mail(line)
    assert (info.value.column, info.value.rule) == (123, "envid-parameter")
    lenient = parse_mail(line, strict=False)
    assert lenient.envid == "e" * 101
    assert [d.kind for d in lenient.defects] == ["limit"]


def test_orcpt_limit() -> None:
    # RFC 3461 §4.2: "The entire ORCPT parameter MAY be up to 500 characters"
    value = "rfc822;" + "o" * 494
    with pytest.raises(LimitError) as info:
        parse_rcpt("RCPT TO:<a@b> ORCPT=" + value)
    assert (info.value.column, info.value.rule) == (521, "orcpt-parameter")
    assert parse_rcpt("RCPT TO:<a@b> ORCPT=" + value[:-1]).orcpt is not None


@pytest.mark.parametrize(("kind", "limit"), [("MAIL", 4096), ("RCPT", 1042)])
def test_line_limits(kind: str, limit: int) -> None:
    # RFC 5321 §4.5.3.1.4 (512 with CRLF) + RFC 3461 §5.4 (any combination of parameters)
    head = "MAIL FROM:<a@b> X=" if kind == "MAIL" else "RCPT TO:<a@b> X="
    fits = head + "v" * (limit - 2 - len(head))
    assert len(_parse_for(kind, fits + "\r\n").params) == 1
    with pytest.raises(LimitError) as info:
        _parse_for(kind, fits + "v\r\n")
    assert (info.value.column, info.value.rule) == (limit - 1, kind.lower())
    with pytest.raises(LimitError):  # the limit counts the CRLF even when it is missing
        _parse_for(kind, fits + "v")
    if kind == "MAIL":
        assert parse_mail(fits + "vvvv", line_limit=None).params[0].value.endswith("vvvv")


def test_bytes_input() -> None:
    assert parse_mail(b"MAIL FROM:<j\xc3\xa9@x> ENVID=x\r\n").reverse_path == Mailbox(
        local_part="jé", domain="x"
    )
    with pytest.raises(ParseError) as info:
        parse_mail(b"MAIL FROM:<j\xe9@x>\r\n")
    assert (info.value.column, info.value.rule) == (13, "mail")


def test_lenient_mode_records_defects() -> None:
    cmd = parse_mail("MAIL FROM: <a@b> RET=FULL RET=HDRS MTRK=abc", strict=False)
    assert cmd.ret is Ret.FULL
    kinds = [d.kind for d in cmd.defects]
    assert kinds == ["space-after-colon", "duplicate", "mtrk-without-envid"]
    assert [d.column for d in cmd.defects] == [11, 27, 36]
    bare = parse_rcpt("RCPT TO:b@example.org NOTIFY=NEVER,DELAY", strict=False)
    assert bare.forward_path == Mailbox(local_part="b", domain="example.org")
    assert bare.notify is None
    assert [d.rule for d in bare.defects] == ["Forward-path", "notify-esmtp-value"]
    assert serialize(bare) == "RCPT TO:b@example.org NOTIFY=NEVER,DELAY"


def test_lenient_lowercase_hexchar() -> None:
    # RFC 3461 §4: "two upper case hexadecimal digits"; lenient mode repairs and records
    cmd = parse_mail("MAIL FROM:<a@b> ENVID=a+2bb+3d", strict=False)
    assert cmd.envid == "a+b="
    assert [(d.kind, d.column, d.rule) for d in cmd.defects] == [
        ("lowercase-hexchar", 26, "hexchar")
    ]
    rcpt = parse_rcpt("RCPT TO:<a@b> ORCPT=rfc822;a+2bb@c", strict=False)
    assert rcpt.orcpt is not None and rcpt.orcpt.address == "a+b@c"
    assert serialize(rcpt) == "RCPT TO:<a@b> ORCPT=rfc822;a+2bb@c"


def test_lenient_keeps_unreadable_parameters_in_order() -> None:
    # review #7: RFC 3461 §5.2.1 / RFC 3885 §3.3 pass them on unchanged, so the model keeps them
    cmd = parse_mail("MAIL FROM:<a@b> ENVID=QQ+2 RET=HDRS MTRK=a=b X_Y=1 NOTIFY=x", strict=False)
    assert [type(p).__name__ for p in cmd.params] == [
        "InvalidParam",
        "RetParam",
        "InvalidParam",
        "InvalidParam",
        "ExtensionParam",
    ]
    assert cmd.params[0] == InvalidParam(keyword="envid", value="QQ+2")
    assert [(p.keyword, p.value, p.source) for p in cmd.params if isinstance(p, InvalidParam)] == [
        ("ENVID", "QQ+2", "ENVID=QQ+2"),
        ("MTRK", "a=b", "MTRK=a=b"),
        ("X_Y", "1", "X_Y=1"),
    ]
    # each defect names its parameter, at the offending character, and is the param's defect
    assert [(d.message.split(":")[0], d.column, d.rule) for d in cmd.defects] == [
        ("ENVID", 27, "hexchar"),
        ("MTRK", 43, "mtrk-certifier"),
        ("X_Y", 47, "esmtp-keyword"),
    ]
    assert [p.defect for p in cmd.params if isinstance(p, InvalidParam)] == list(cmd.defects)
    assert cmd.envid is None and cmd.mtrk is None and cmd.ret is Ret.HDRS
    assert serialize(cmd) == "MAIL FROM:<a@b> ENVID=QQ+2 RET=HDRS MTRK=a=b X_Y=1 NOTIFY=x"
    # a built model cannot hold one (it is written only as it was received)
    with pytest.raises(SerializeError):
        serialize(
            MailCommand(reverse_path=None, params=(InvalidParam(keyword="ENVID", value="+"),))
        )
    rcpt = parse_rcpt("RCPT TO:<a@b> NOTIFY=NEVER,SUCCESS ORCPT=rfc822 ORCPT", strict=False)
    assert [(p.keyword, p.value) for p in rcpt.params] == [
        ("NOTIFY", "NEVER,SUCCESS"),
        ("ORCPT", "rfc822"),
        ("ORCPT", None),
    ]
    assert rcpt.notify is None and rcpt.orcpt is None
    assert [d.kind for d in rcpt.defects] == ["syntax", "syntax", "duplicate", "syntax"]


@pytest.mark.parametrize(
    ("line", "notify", "column"),
    [
        ("RCPT TO:<a@b> NOTIFY=SUCCESS, FAILURE", (N.SUCCESS, N.FAILURE), 30),
        ("RCPT TO:<a@b> NOTIFY=success, failure, DELAY X=1", (N.SUCCESS, N.FAILURE, N.DELAY), 30),
        ("RCPT TO:<a@b> NOTIFY=DELAY, SUCCESS,FAILURE", (N.DELAY, N.SUCCESS, N.FAILURE), 28),
    ],
)
def test_lenient_notify_with_blanks(line: str, notify: tuple[Notify, ...], column: int) -> None:
    # RFC 3461 §4.1: a comma-separated list; esmtp-value has no SP.  Strict: an error at the
    # blank; lenient: one NOTIFY (not an extension parameter named FAILURE), with a defect
    with pytest.raises(ParseError) as info:
        parse_rcpt(line)
    assert (info.value.column, info.value.rule) == (column, "notify-esmtp-value")
    cmd = parse_rcpt(line, strict=False)
    assert cmd.notify == notify
    assert [(d.kind, d.column, d.rule) for d in cmd.defects] == [
        ("notify-blank", column, "notify-esmtp-value")
    ]
    assert serialize(cmd) == line


def test_lenient_notify_blanks_not_guessed() -> None:
    # only NOTIFY words after a trailing comma are joined; anything else stays as it was
    cmd = parse_rcpt("RCPT TO:<a@b> NOTIFY=SUCCESS, X=1", strict=False)
    assert [type(p).__name__ for p in cmd.params] == ["InvalidParam", "ExtensionParam"]
    cmd = parse_rcpt("RCPT TO:<a@b> NOTIFY=NEVER, SUCCESS", strict=False)
    assert [type(p).__name__ for p in cmd.params] == ["InvalidParam", "ExtensionParam"]


@pytest.mark.parametrize(
    ("line", "kind", "column", "value"),
    [
        # RFC 3461 §4.4 / §4.2: printable US-ASCII before xtext; lenient keeps the decoded value
        ("MAIL FROM:<a@b> ENVID=a+0D+0Ab@h", "envid-not-printable", 24, "a\r\nb@h"),
        ("RCPT TO:<a@b> ORCPT=rfc822;b+C3+A9@x", "orcpt-not-printable", 29, "bé@x"),
        # RFC 6533 §3: "+" must be \x{2B} in ORCPT; lenient reads the utf-8-address form
        ("RCPT TO:<a@b> ORCPT=utf-8;a+tag@x", "utf8-address-unencoded", 28, "a+tag@x"),
        ("RCPT TO:<a@b> ORCPT=utf-8;a=b@x", "utf8-address-unencoded", 28, "a=b@x"),
        (
            "RCPT TO:<a@b> ORCPT=utf-8;no\\x{E9}mailbox",
            "utf8-address-not-mailbox",
            27,
            "noémailbox",
        ),
    ],
)
def test_lenient_semantic_defects(line: str, kind: str, column: int, value: str) -> None:
    # review #8: strict raises there, lenient records a defect and keeps the parameter
    parse = parse_mail if line.startswith("MAIL") else parse_rcpt
    with pytest.raises(ParseError) as info:
        parse(line)
    assert info.value.column == column
    cmd = parse(line, strict=False)
    assert [(d.kind, d.column) for d in cmd.defects] == [(kind, column)]
    got = cmd.envid if isinstance(cmd, MailCommand) else cmd.orcpt.address  # type: ignore[union-attr]
    assert got == value
    assert serialize(cmd) == line


@pytest.mark.parametrize(
    "model",
    [
        M("a@b", envid("a\r@x")),  # RFC 3461 §4.4 printable US-ASCII
        M("a@b", envid("é")),
        M("a@b", mtrk(CERT, 3600)),  # RFC 3885 §3.2 MTRK needs ENVID (review #3)
        M("a@b", mtrk(CERT), envid("no-at")),  # RFC 3885 §3.2 local-envid "@" fqhn
        R("a@b", orcpt("rfc822", "b\x00@x")),  # RFC 3461 §4.2
        R("a@b", orcpt("x400", "bé")),
        R("a@b", orcpt("utf-8", "not a mailbox")),  # RFC 6533 §3 a Mailbox once decoded
    ],
)
def test_serialize_refuses_what_strict_parsing_refuses(model: Any) -> None:
    with pytest.raises(SerializeError):
        serialize(model)


def _view_of_bytearray(data: bytes) -> memoryview:
    return memoryview(bytearray(data))


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview, _view_of_bytearray])
def test_bytes_like_input(wrap: Any) -> None:
    # review #12(d): network code holds bytearray / memoryview buffers
    line = "MAIL FROM:<jé@x> ENVID=x@h\r\n".encode()
    assert parse_mail(wrap(line)) == parse_mail(line)
    assert parse_rcpt(wrap(b"RCPT TO:<a@b> NOTIFY=NEVER\r\n")).notify == (N.NEVER,)
    with pytest.raises(ParseError) as info:
        parse_mail(wrap(b"MAIL FROM:<j\xc3\xa9@x> ENVID=a+2\r\n"))
    assert (info.value.column, info.value.rule) == (28, "hexchar")  # octets, as for bytes
    with pytest.raises(LimitError):
        parse_mail(wrap(b"MAIL FROM:<a@b> X=" + b"v" * 5000))
    lenient = parse_mail(wrap(b"MAIL FROM:<a@b> ENVID=+"), strict=False)
    assert [d.column for d in lenient.defects] == [24]


def test_bytes_like_of_other_formats() -> None:
    import array  # noqa: PLC0415

    data = array.array("B", b"MAIL FROM:<a@b>\r\n")
    assert parse_mail(data).reverse_path == Mailbox(local_part="a", domain="b")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_mail(42)  # type: ignore[arg-type]


def test_default_mail_limit_fits_other_extensions() -> None:
    # review #12(k), RFC 3461 §5.4: "any combination of ESMTP parameters"
    path = "<" + "l" * 64 + "@" + ".".join(["d" * 63] * 3) + ".com>"
    line = (
        f"MAIL FROM:{path} SIZE=12345678901234567890 BODY=8BITMIME SMTPUTF8 "
        f"AUTH={'A' * 500} RET=HDRS ENVID={'e' * 60}@{'h' * 39} MTRK={CERT}:999999999\r\n"
    )
    assert len(line.encode()) < MAIL_LINE_MAX
    for strict in (True, False):
        cmd = parse_mail(line, strict=strict)
        assert cmd.get("AUTH") is not None and cmd.mtrk is not None
    assert MAIL_LINE_DSN_MTRK == 668 < len(line)


def test_invalid_param_defect_in_octets_for_bytes() -> None:
    cmd = parse_mail("MAIL FROM:<jé@x> ENVID=a+2 RET=x".encode(), strict=False)
    assert [d.column for d in cmd.defects] == [28, 33]  # octets, as for every bytes input
    assert [p.defect for p in cmd.params] == list(cmd.defects)
