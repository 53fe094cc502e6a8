"""``msgtrk._errors.position``: line and column of an offset, cheap when repeated."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from msgtrk._errors import position


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
