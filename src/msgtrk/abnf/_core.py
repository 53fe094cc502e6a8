"""The RFC 5234 Appendix B.1 core rules, for grammars that use them
without defining them (every RFC that cites RFC 5234 does)."""

from __future__ import annotations

__all__ = ["CORE_ABNF"]

CORE_ABNF = """\
; RFC 5234 §B.1
ALPHA          =  %x41-5A / %x61-7A   ; A-Z / a-z
; RFC 5234 §B.1
BIT            =  "0" / "1"
; RFC 5234 §B.1
CHAR           =  %x01-7F
; RFC 5234 §B.1
CR             =  %x0D
; RFC 5234 §B.1
CRLF           =  CR LF
; RFC 5234 §B.1
CTL            =  %x00-1F / %x7F
; RFC 5234 §B.1
DIGIT          =  %x30-39
; RFC 5234 §B.1
DQUOTE         =  %x22
; RFC 5234 §B.1
HEXDIG         =  DIGIT / "A" / "B" / "C" / "D" / "E" / "F"
; RFC 5234 §B.1
HTAB           =  %x09
; RFC 5234 §B.1
LF             =  %x0A
; RFC 5234 §B.1
LWSP           =  *(WSP / CRLF WSP)
; RFC 5234 §B.1
OCTET          =  %x00-FF
; RFC 5234 §B.1
SP             =  %x20
; RFC 5234 §B.1
VCHAR          =  %x21-7E
; RFC 5234 §B.1
WSP            =  SP / HTAB
"""
