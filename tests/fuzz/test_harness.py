"""The fuzz harness itself: operators, targets, campaigns and the timing check
catch what they claim to catch (planted bugs), and stay deterministic."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from msgtrk_fuzz import mutators
from msgtrk_fuzz.campaign import minimize, run_campaign, signature
from msgtrk_fuzz.redos import growth, pumped_inputs
from msgtrk_fuzz.seeds import seeds_for
from msgtrk_fuzz.targets import TARGETS, InvariantError, Target, check_pair

import msgtrk

SEED_TEXT = "Reporting-MTA: dns; a.example\r\n\r\nFinal-Recipient: rfc822; a@b\r\n"


@pytest.mark.parametrize("name", sorted(mutators.OPERATORS))
@pytest.mark.parametrize("data", [SEED_TEXT, SEED_TEXT.encode(), "", b""])
def test_operators_keep_the_type_and_repeat(name: str, data: str | bytes) -> None:
    op = mutators.OPERATORS[name]
    first = op(random.Random(7), data)
    assert type(first) is type(data)
    assert op(random.Random(7), data) == first  # same seed, same result


def _runs(name: str, data: str | bytes, times: int = 200) -> list[str | bytes]:
    rng = random.Random(1)
    return [mutators.OPERATORS[name](rng, data) for _ in range(times)]  # type: ignore[misc]


def test_operators_do_what_they_say() -> None:
    raw = SEED_TEXT.encode()
    assert all(b"\x00" in out for out in _runs("insert_nul", raw))
    assert any(re.search(rb"\r(?!\n)", out) for out in _runs("bare_cr", raw))
    assert any(re.search(rb"(?<!\r)\n", out) for out in _runs("bare_lf", raw))
    assert any(max(map(len, out.split(b"\n"))) > 998 for out in _runs("overlong_line", raw))
    assert any(len(out) > len(raw) + 1000 for out in _runs("huge_repeat", raw))
    assert any(b"(" * 50 in out for out in _runs("deep_nesting", raw))
    assert any(len(out) < len(raw) for out in _runs("truncate", raw))
    for out in _runs("invalid_utf8", raw):
        with pytest.raises(UnicodeDecodeError):
            out.decode("utf-8")  # type: ignore[union-attr]
    categories = {
        unicodedata.category(c)
        for out in _runs("unicode_char", SEED_TEXT, 2_000)
        for c in set(out) - set(SEED_TEXT)  # type: ignore[arg-type]
    }
    assert {"Cc", "Cf", "Cn", "Co", "Cs", "Lu", "Ll", "Nd", "Zl", "Zp", "Zs", "So"} <= categories


def test_every_unicode_category_is_sampled() -> None:
    seen = {unicodedata.category(c) for chars in mutators.UNICODE_SAMPLES.values() for c in chars}
    every = {unicodedata.category(chr(cp)) for cp in range(0x110000)}
    assert seen == every


def test_mutate_is_deterministic() -> None:
    one = [mutators.mutate(random.Random(3), SEED_TEXT) for _ in range(50)]
    two = [mutators.mutate(random.Random(3), SEED_TEXT) for _ in range(50)]
    assert one == two


def _target(parse: object, serialize: object = None) -> Target:
    return Target(
        "harness self-test (planted bugs)",
        "test",
        lambda data: check_pair(parse, serialize, data),
        "text",
    )  # type: ignore[arg-type]


def _parse_ok(data: str, *, strict: bool = True) -> str:
    return data


def test_a_foreign_exception_escapes() -> None:
    def parse(data: str, *, strict: bool = True) -> str:
        return data[len(data) + 5]

    with pytest.raises(IndexError):
        _target(parse).run("abc")


def test_a_parse_error_outside_the_input_is_caught() -> None:
    def parse(data: str, *, strict: bool = True) -> str:
        raise msgtrk.ParseError("x", line=1, column=1, offset=len(data) + 1)

    with pytest.raises(InvariantError, match="outside the input"):
        _target(parse).run("abc")


def test_a_wrong_line_is_caught() -> None:
    def parse(data: str, *, strict: bool = True) -> str:
        raise msgtrk.ParseError("x", line=1, column=5, offset=4)

    with pytest.raises(InvariantError, match="wrong line/column"):
        _target(parse).run("ab\ncd")


def test_lost_data_is_caught() -> None:
    with pytest.raises(InvariantError, match="serialize"):
        _target(_parse_ok, lambda model: model.strip()).run("abc ")


def test_strict_accepting_what_lenient_refuses_is_caught() -> None:
    def parse(data: str, *, strict: bool = True) -> str:
        if not strict:
            raise msgtrk.ParseError.at(data, 0, "no")
        return data

    with pytest.raises(InvariantError, match="lenient parsing rejects"):
        _target(parse, lambda m: m).run("abc")


def test_our_errors_pass() -> None:
    def parse(data: str, *, strict: bool = True) -> str:
        raise msgtrk.ParseError.at(data, len(data), "end")

    _target(parse).run("ab\ncd")  # nothing raised


def test_campaign_finds_groups_and_minimizes() -> None:
    def parse(data: str | bytes, *, strict: bool = True) -> str | bytes:
        if "\x00" in (data if isinstance(data, str) else data.decode("latin-1")):
            raise KeyError("nul")
        return data

    target = _target(parse, lambda m: m)
    report = run_campaign(target, [SEED_TEXT], count=300, seed=5)
    assert report.tried == 300
    assert list(report.failures) == ["KeyError at ?"]
    failure = report.failures["KeyError at ?"]
    assert minimize(target, failure.data, failure.signature) in ("\x00", b"\x00")
    again = run_campaign(target, [SEED_TEXT], count=300, seed=5)
    assert again.failures["KeyError at ?"].data == failure.data  # repeatable


def test_signature_names_the_msgtrk_line() -> None:
    try:
        msgtrk.ParseError.at("x", 0, "m", rule=None).__class__("m")  # type: ignore[call-arg]
    except TypeError as error:
        assert signature(error).startswith("TypeError at ")


def test_growth_tells_linear_from_quadratic_and_exponential() -> None:
    linear = re.compile(r"[a-z]+!")
    quadratic = re.compile(r"[a-z]+!")  # search retries at every start: O(n^2)
    exponential = re.compile(r"(a|a)+b")
    assert growth(linear.fullmatch, lambda n: "a" * n + "\x00", limit=20)[0] < 20
    assert growth(quadratic.search, lambda n: "a" * n + "\x00", start=256, limit=20)[0] > 20
    ratio, _ = growth(exponential.fullmatch, lambda n: "a" * n, start=32, budget=0.2)
    assert ratio == float("inf")


def test_pumped_inputs_reach_the_loop() -> None:
    pattern = re.compile(r"<(?:[a-z]+\.)*[a-z]+>")
    pumps = pumped_inputs(pattern)
    assert any(p.unit == "a." for p in pumps)
    assert all(pattern.fullmatch(p.make(3, "")) for p in pumps)


def test_every_target_is_callable_from_pytest() -> None:
    for target in TARGETS.values():
        seeds = seeds_for(target.name, target.seed_globs, target.kind)
        target.run(seeds[0])  # the first seed is valid: no failure


RUN = Path(__file__).resolve().parents[2] / "fuzz" / "run.py"


def test_the_atheris_entry_point_works_without_atheris(tmp_path: Path) -> None:
    listing = subprocess.run(
        [sys.executable, str(RUN), "--list"], capture_output=True, text=True, check=True
    )
    assert set(TARGETS) <= {line.split()[0] for line in listing.stdout.splitlines() if line}
    saved = tmp_path / "input"
    saved.write_bytes(b"TRACK a@b.example QUJD\r\n")
    replay = subprocess.run(
        [sys.executable, str(RUN), "--replay", "mtqp_command", str(saved)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert replay.stdout.strip().endswith("ok")
