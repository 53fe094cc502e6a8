"""``msgtrk._errors.position``: line and column of an offset, cheap when repeated."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from msgtrk._errors import ParseError, position


def _naive(text: str | bytes, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(text)))
    before = text[:offset]
    lines = before.split(b"\n" if isinstance(before, bytes) else "\n")
    return len(lines), len(lines[-1]) + 1


_lines = st.lists(st.text(alphabet="ab\r", max_size=40), max_size=400).map("\n".join)


@given(text=_lines, offsets=st.lists(st.integers(-5, 20_000), min_size=1, max_size=30))
def test_position_agrees_with_counting(text: str, offsets: list[int]) -> None:
    # 400 lines of up to 40 characters cross the size at which the line table is used
    for source in (text, text.encode()):
        for offset in offsets:
            assert position(source, offset) == _naive(source, offset)


def test_repeated_calls_on_a_large_text_use_one_table() -> None:
    text = "x\n" * 50_000
    assert position(text, 0) == (1, 1)
    assert position(text, 3) == (2, 2)
    assert position(text, len(text)) == (50_001, 1)
    other = "y\n" * 50_000  # a different text of the same size is not confused with it
    assert position(other, 5) == (3, 2)
    assert position(text, 99_999) == (50_000, 2)


def test_caret_of_bytes_input_counts_characters() -> None:
    # column stays in octets (documented); the echoed line is UTF-8, not Latin-1 mojibake
    error = ParseError.at("MAIL FROM:<café@x> !".encode(), 20, "bad", rule="mail")
    assert (error.line, error.column, error.source_column) == (1, 21, 20)
    shown = str(error).splitlines()
    assert shown[-2] == "  | MAIL FROM:<café@x> !"
    assert shown[-1].index("^") == shown[-2].index("!")
    again = pickle.loads(pickle.dumps(error))
    assert (again.source_column, str(again)) == (20, str(error))
    invalid = ParseError.at(b"a\xff!", 2, "bad")
    assert str(invalid).splitlines()[-2:] == ["  | a\ufffd!", "  |   ^"]
